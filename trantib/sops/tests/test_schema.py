"""The JSON Schema editors use (docs/sop-format.schema.json) stays in step with the loader.

Every library file validates against the schema; the schema names exactly the keys, enums and
patterns the loader uses; and documents one of them rejects, the other rejects too (and the
other way round for the optional forms the loader accepts). The worked example of the format
guide is checked by both.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from trantib.engine.bindings import CONTRACTS
from trantib.engine.errors import SOPValidationError
from trantib.engine.library import library_files
from trantib.engine.loader import (
    BINDING_KEYS,
    BRANCH_KEYS,
    CALENDAR_KEYS,
    CODE_PATTERN,
    DRAWN_ARROW_KEYS,
    FORMAT,
    ID_PATTERN,
    LIST_MARKS,
    PAPERS,
    RECORD_KEYS,
    ROLE_KEYS,
    STATUSES,
    STEP_KEYS,
    TIME_SCOPES,
    TOP_KEYS,
    load_file,
    load_text,
)
from trantib.engine.spec import (
    HEADING_KEYS,
    IDENTITY_FIELDS,
    FieldType,
    Frequency,
    Period,
    Shape,
    StepKind,
)
from trantib.engine.timing import CalendarKind, TimeStandard, TimeStandardError

ROOT = Path(__file__).resolve().parents[3]
LIBRARY = ROOT / "trantib" / "sops" / "library"
SCHEMA_PATH = ROOT / "docs" / "sop-format.schema.json"
GUIDE = ROOT / "docs" / "sop-format.md"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
DEFS = SCHEMA["$defs"]

BASE = """\
format: trantib-sop/1
code: SKM
version: 1
status: draft
domain: test
calendar: working
identity:
  instansi: [PEMERINTAH KOTA CONTOH, KECAMATAN CONTOH]
  nomor: "300.1/001/2026"
  tanggal_pembuatan: Januari 2026
  tanggal_revisi: ""
  tanggal_efektif: Januari 2026
  disahkan_oleh: {jabatan: CAMAT CONTOH, nama: Budi, nip: "197001012000031001"}
  nama: SOP Contoh
  dasar_hukum: [Perda Nomor 1 Tahun 2020]
  keterkaitan: []
  peringatan: Apabila SOP tidak dilaksanakan maka pelayanan terganggu
  kualifikasi_pelaksana: []
  peralatan_perlengkapan: [Komputer]
  pencatatan_pendataan: [Buku agenda]
roles:
  - {id: kasi, name: Kasi Trantib}
  - {id: camat, name: Camat}
steps:
  - id: terima
    no: "1"
    kind: start
    role: kasi
    activity: Menerima laporan
    time: 15 menit
    records:
      - {name: uraian, label: Uraian, type: longtext, required: true}
    next: periksa
  - id: periksa
    no: "2"
    kind: decision
    role: camat
    activity: Memeriksa laporan
    question: Lengkap?
    time: 2 jam
    branches:
      - {label: lengkap, to: tunggu}
      - {label: tidak lengkap, to: terima, loop: true}
  - id: tunggu
    no: "3"
    kind: wait
    role: kasi
    activity: Menunggu pelanggar mentaati teguran
    deadline: 7 hari
    next: arsip
  - id: arsip
    no: "4"
    kind: end
    role: kasi
    activity: Mengarsipkan
    time: 10 Menit
"""


class KeysAsWritten(yaml.SafeLoader):
    """``yaml.safe_load`` with mapping keys kept as written, as the loader and editors keep
    them: YAML 1.1 would read the step key ``no`` as the boolean false."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # type: ignore[no-untyped-call]
        return {
            key.value
            if isinstance(key, yaml.ScalarNode)
            else self.construct_object(key, deep): self.construct_object(value, deep)
            for key, value in node.value
        }


def as_editor_reads(value: Any) -> Any:
    """YAML values as an editor's YAML 1.2 parser sees them: unquoted dates are text."""
    if isinstance(value, dict):
        return {k: as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    data = as_editor_reads(yaml.load(text, Loader=KeysAsWritten))  # noqa: S506 — a SafeLoader
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)
    ]


def loader_errors(text: str) -> list[str]:
    try:
        load_text(text, "SKM.v1.yaml")
    except SOPValidationError as exc:
        return [str(p) for p in exc.errors]
    return []


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_base_document_is_valid_for_both():
    assert loader_errors(BASE) == []
    assert schema_errors(BASE) == []


@pytest.mark.parametrize("path", library_files(LIBRARY), ids=lambda p: p.name)
def test_every_library_file_validates_against_the_schema(path: Path):
    load_file(path)  # the loader accepts it too
    assert schema_errors(path.read_text(encoding="utf-8")) == []


# -- the same keys, enums and patterns ------------------------------------------------------


def keys(node: dict[str, Any]) -> set[str]:
    return set(node["properties"])


def test_the_schema_names_exactly_the_keys_the_loader_accepts():
    calendar_map = DEFS["calendar"]["anyOf"][1]
    approval = SCHEMA["properties"]["identity"]["properties"]["disahkan_oleh"]["anyOf"][1]
    step = DEFS["step"]
    assert keys(SCHEMA) == TOP_KEYS
    assert keys(step) == STEP_KEYS
    assert keys(SCHEMA["properties"]["roles"]["items"]) == ROLE_KEYS
    assert keys(DEFS["record"]) == RECORD_KEYS
    assert keys(DEFS["branch"]) == BRANCH_KEYS
    assert keys(SCHEMA["properties"]["headings"]) == set(HEADING_KEYS)
    assert keys(drawn_arrow()) == DRAWN_ARROW_KEYS
    assert keys(calendar_map) == CALENDAR_KEYS
    assert keys(approval) == {"jabatan", "nama", "nip", "pangkat"}
    assert keys(step["properties"]["repeat"]) == {"frequency", "period", "schedule"}
    assert keys(step["properties"]["subprocedure"]) == {"sop", "entry", "for_each", "wait"}
    assert list(SCHEMA["properties"]["identity"]["properties"]) == list(IDENTITY_FIELDS)


def drawn_arrow() -> dict[str, Any]:
    """The {to, label} form of an arrow in a step's drawn_next."""
    return DEFS["step"]["properties"]["drawn_next"]["items"]["anyOf"][1]


def test_unknown_keys_are_refused_wherever_the_loader_refuses_them():
    step = DEFS["step"]
    closed = [
        SCHEMA,
        SCHEMA["properties"]["headings"],
        drawn_arrow(),
        SCHEMA["properties"]["identity"],
        SCHEMA["properties"]["roles"]["items"],
        step,
        step["properties"]["repeat"],
        step["properties"]["subprocedure"],
        DEFS["record"],
        DEFS["branch"],
        DEFS["calendar"]["anyOf"][1],
        SCHEMA["properties"]["identity"]["properties"]["disahkan_oleh"]["anyOf"][1],
        step["properties"]["binds"],
    ]
    for name in CONTRACTS:
        binding = DEFS[f"binding_{name}"]
        closed += [binding, binding["properties"]["fields"], binding["properties"]["choices"]]
        closed += binding["properties"]["choices"]["properties"].values()
    assert all(node["additionalProperties"] is False for node in closed)


def test_the_schema_names_exactly_the_engines_contracts_roles_and_meanings():
    binds = DEFS["step"]["properties"]["binds"]["properties"]
    assert set(binds) == set(CONTRACTS)
    for name, contract in CONTRACTS.items():
        binding = DEFS[f"binding_{name}"]
        assert binds[name] == {"$ref": f"#/$defs/binding_{name}"}
        assert keys(binding) == BINDING_KEYS
        fields, choices = binding["properties"]["fields"], binding["properties"]["choices"]
        assert keys(fields) == {r.name for r in contract.roles}
        assert set(fields["required"]) == {r.name for r in contract.roles if r.required}
        choice_roles = [r for r in contract.roles if r.meanings]
        assert keys(choices) == {r.name for r in choice_roles}
        assert set(choices["required"]) == {r.name for r in choice_roles if r.required}
        for role in choice_roles:
            meanings = choices["properties"][role.name]
            assert keys(meanings) == {m.name for m in role.meanings}
            assert set(meanings["required"]) == {m.name for m in role.meanings if m.required}


def test_the_identity_requires_all_thirteen_items():
    assert SCHEMA["properties"]["identity"]["required"] == list(IDENTITY_FIELDS)
    assert len(IDENTITY_FIELDS) == 13


def test_the_enums_and_patterns_are_the_loaders():
    step = DEFS["step"]["properties"]
    assert step["kind"]["enum"] == [k.value for k in StepKind]
    assert DEFS["record"]["properties"]["type"]["enum"] == [t.value for t in FieldType]
    assert DEFS["calendar"]["anyOf"][0]["enum"] == [k.value for k in CalendarKind]
    assert DEFS["calendar"]["anyOf"][1]["properties"]["kind"]["enum"] == [
        k.value for k in CalendarKind
    ]
    assert SCHEMA["properties"]["status"]["enum"] == list(STATUSES)
    assert SCHEMA["properties"]["paper"]["enum"] == list(PAPERS)
    assert step["repeat"]["properties"]["frequency"]["enum"] == [f.value for f in Frequency]
    assert step["repeat"]["properties"]["period"]["enum"] == [p.value for p in Period]
    assert step["drawn_as"]["enum"] == [*(s.value for s in Shape), None]
    assert step["time_scope"]["enum"] == [*TIME_SCOPES, None]
    assert SCHEMA["properties"]["list_marks"]["enum"] == [*LIST_MARKS, None]
    assert SCHEMA["properties"]["format"]["const"] == FORMAT
    assert DEFS["id"]["pattern"] == ID_PATTERN.pattern
    assert SCHEMA["properties"]["code"]["pattern"] == CODE_PATTERN.pattern


TIME_TEXTS = [
    "15 menit",
    "60 Menit",
    "2 Jam",
    "3-4 jam",
    "3 – 4 jam",
    "1 s.d. 2 hari",
    "1 sampai 2 hari",
    "1 Hari",
    "1-2 Hari",
    "7 hari",
    "2 minggu",
    "1 pekan",
    "30 mnt",
    "3 hari kerja",
    "7x24 jam",
    "3 X 24 Jam",
    "Waktu Tentatif sesuai Per UU",
    "",
    "-",
    "15 menit.",
    "  2 jam  ",
    "sebentar",
    "15",
    "2 bulan",
    "jam 2",
    "3 hari kalender",
    "7x12 jam",
    "15 menit .",
]


@pytest.mark.parametrize("text", TIME_TEXTS)
def test_the_time_standard_pattern_accepts_what_the_parser_reads(text: str):
    try:
        TimeStandard.parse(text)
        parses = True
    except TimeStandardError:
        parses = False
    assert bool(re.search(DEFS["timeStandard"]["pattern"], text)) == parses


# -- documents both refuse, and optional forms both accept ----------------------------------

REFUSED = {
    "an unknown step key": ("    time: 2 jam\n", "    time: 2 jam\n    waktu: 2 jam\n"),
    "an unknown top-level key": ("domain: test\n", "domain: test\nunit: KRJ\n"),
    "a bad kind": ("    kind: wait\n", "    kind: tunggu\n"),
    "a missing identity field": ("  keterkaitan: []\n", ""),
    "a missing nama": ("  nama: SOP Contoh\n", "  nama: ''\n"),
    "a code in lower case": ("code: SKM\n", "code: skm\n"),
    "a step id with capitals": ("  - id: arsip\n", "  - id: Arsip\n"),
    "a version that is not a number": ("version: 1\n", "version: satu\n"),
    "an unknown status": ("status: draft\n", "status: final\n"),
    "an unknown paper": ("calendar: working\n", "calendar: working\npaper: Letter\n"),
    "an unknown calendar": ("calendar: working\n", "calendar: office\n"),
    "an unquoted closing time": (
        "calendar: working\n",
        "calendar: {kind: working, closes: 16:00}\n",
    ),
    "an unreadable time standard": ("    time: 2 jam\n", "    time: sebentar\n"),
    "a decision with no branch": (
        "    branches:\n      - {label: lengkap, to: tunggu}\n"
        "      - {label: tidak lengkap, to: terima, loop: true}\n",
        "    branches: []\n",
    ),
    "a wait without deadline": ("    deadline: 7 hari\n", ""),
    "a wait with a tentative deadline": ("    deadline: 7 hari\n", "    deadline: Tentatif\n"),
    "a deadline on a process step": (
        "    time: 15 menit\n",
        "    time: 15 menit\n    deadline: 1 hari\n",
    ),
    "a process step without next": ("    next: periksa\n", ""),
    "an end step with next": ("    time: 10 Menit\n", "    time: 10 Menit\n    next: terima\n"),
    "a record of an unknown type": ("type: longtext", "type: essay"),
    "a choice field without choices": ("type: longtext", "type: choice"),
    "a role without a name": ("{id: camat, name: Camat}", "{id: camat}"),
    "a role flag that is not true/false": (
        "{id: camat, name: Camat}",
        "{id: camat, name: Camat, external: ya}",
    ),
    "a branch without a target": ("{label: lengkap, to: tunggu}", "{label: lengkap}"),
    "a repeat block on a process step": (
        "    time: 15 menit\n",
        "    time: 15 menit\n    repeat: {frequency: daily, period: month}\n",
    ),
    "a binding to an unknown contract": (
        "    time: 15 menit\n",
        "    time: 15 menit\n    binds: {complaint: {fields: {description: uraian}}}\n",
    ),
    "a binding without a required role": (
        "    time: 15 menit\n",
        "    time: 15 menit\n    binds: {complaint_intake: {fields: {description: uraian}}}\n",
    ),
    "an unknown heading": ("domain: test\n", "domain: test\nheadings: {ket: Keterangan}\n"),
    "an empty heading": ("domain: test\n", "domain: test\nheadings: {waktu: ''}\n"),
    "column numbers that are not true/false": (
        "domain: test\n",
        "domain: test\ncolumn_numbers: ya\n",
    ),
    "a step drawn flag that is not true/false": (
        "  - id: arsip\n",
        '  - id: arsip\n    drawn: "no"\n',
    ),
    "a branch drawn flag that is not true/false": (
        "{label: lengkap, to: tunggu}",
        "{label: lengkap, to: tunggu, drawn: ya}",
    ),
    "a label_drawn flag that is not true/false": (
        "{label: lengkap, to: tunggu}",
        "{label: lengkap, to: tunggu, label_drawn: tidak}",
    ),
    "a symbol the document has not": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_as: diamond\n",
    ),
    "arrows drawn written as one id": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_next: tunggu\n",
    ),
    "no arrow drawn written as an empty list": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_next: []\n",
    ),
    "a drawn arrow without a target": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_next: [{label: lengkap}]\n",
    ),
    "a drawn arrow with an unknown key": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_next: [{to: tunggu, text: lengkap}]\n",
    ),
    "an unknown list mark": ("domain: test\n", "domain: test\nlist_marks: bullets\n"),
    "an unknown time scope": ("    time: 15 menit\n", "    time: 15 menit\n    time_scope: case\n"),
    "a binding to an unknown role": (
        "    time: 10 Menit\n",
        "    time: 10 Menit\n    binds: {reporter_answer: {fields: {sender: uraian}}}\n",
    ),
}


@pytest.mark.parametrize("change", list(REFUSED), ids=list(REFUSED))
def test_a_document_with_a_shape_error_is_refused_by_both(change: str):
    old, new = REFUSED[change]
    assert old in BASE, change
    text = BASE.replace(old, new, 1)
    assert loader_errors(text), f"the loader accepts {change}"
    assert schema_errors(text), f"the schema accepts {change}"


ACCEPTED = {
    "a calendar mapping with days off": (
        "calendar: working\n",
        "calendar:\n  kind: working\n  workdays: [0, 1, 2, 3, 4, 5]\n"
        '  opens: "07:30"\n  closes: "15:30"\n  days_off: [2026-12-24, 2026-12-26]\n',
    ),
    "an approval given as text": (
        '  disahkan_oleh: {jabatan: CAMAT CONTOH, nama: Budi, nip: "197001012000031001"}\n',
        "  disahkan_oleh: CAMAT CONTOH\n",
    ),
    "an empty approval": (
        '  disahkan_oleh: {jabatan: CAMAT CONTOH, nama: Budi, nip: "197001012000031001"}\n',
        "  disahkan_oleh:\n",
    ),
    "a list written as one line": ("  keterkaitan: []\n", "  keterkaitan: SOP Surat Masuk\n"),
    "an unquoted date in the identity": (
        "  tanggal_efektif: Januari 2026\n",
        "  tanggal_efektif: 2026-01-05\n",
    ),
    "a row number written as a number": ('    no: "4"\n', "    no: 4\n"),
    "a blank time standard": ("    time: 10 Menit\n", '    time: ""\n'),
    "a tentative time standard": (
        "    time: 10 Menit\n",
        "    time: Waktu Tentatif sesuai Per UU\n",
    ),
    "an around-the-clock time standard": ("    time: 2 jam\n", "    time: 7x24 jam\n"),
    "a published version superseding another": (
        "version: 1\nstatus: draft\n",
        "version: 2\nstatus: published\nsupersedes: 1\npaper: F4\ntags: [patroli]\n",
    ),
    "an external role": (
        "{id: camat, name: Camat}",
        "{id: camat, name: Camat, external: true, description: Di luar unit}",
    ),
    "a scheduled repeat": (
        "    kind: wait\n    role: kasi\n    activity: Menunggu pelanggar mentaati teguran\n"
        "    deadline: 7 hari\n",
        "    kind: repeat\n    role: kasi\n    activity: Patroli harian\n"
        "    repeat: {frequency: scheduled, period: month, schedule: terima.jadwal}\n",
    ),
    "a decision with one branch": ("      - {label: tidak lengkap, to: terima, loop: true}\n", ""),
    "the document's headings, column numbers, list marks and short name": (
        "domain: test\n",
        "domain: test\nheadings: {kelengkapan: Persyaratan, keterangan: Keterangan}\n"
        "column_numbers: true\nlist_marks: dash\nshort_name: Contoh\n",
    ),
    "a step the document does not draw": (
        '  - id: tunggu\n    no: "3"\n',
        '  - id: tunggu\n    no: "2"\n    drawn: false\n',
    ),
    "a branch drawn without its label and one not drawn": (
        "      - {label: lengkap, to: tunggu}\n"
        "      - {label: tidak lengkap, to: terima, loop: true}\n",
        "      - {label: lengkap, to: tunggu, label_drawn: false, drawn: true}\n"
        "      - {label: tidak lengkap, to: terima, loop: true, drawn: false}\n",
    ),
    "a decision drawn as a box with its arrows as drawn": (
        "    kind: decision\n",
        "    kind: decision\n    drawn_as: process\n"
        "    drawn_next: [tunggu, {to: terima, label: tidak lengkap}]\n",
    ),
    "a row's time": ("    time: 15 menit\n", "    time: 15 menit\n    time_scope: row\n"),
    "a row number printed twice": ('    no: "4"\n', '    no: "3"\n    row: 3b\n'),
    "a sub-procedure for each finding": (
        "    kind: wait\n    role: kasi\n    activity: Menunggu pelanggar mentaati teguran\n"
        "    deadline: 7 hari\n",
        "    kind: subprocedure\n    role: kasi\n    activity: Membuka kasus penegakan\n"
        "    subprocedure: {for_each: terima.jadwal, wait: true}\n",
    ),
}


@pytest.mark.parametrize("change", list(ACCEPTED), ids=list(ACCEPTED))
def test_an_optional_form_the_loader_accepts_the_schema_accepts_too(change: str):
    old, new = ACCEPTED[change]
    assert old in BASE, change
    text = BASE.replace(old, new, 1).replace(
        "      - {name: uraian, label: Uraian, type: longtext, required: true}\n",
        "      - {name: uraian, label: Uraian, type: longtext, required: true}\n"
        "      - {name: jadwal, label: Jadwal, type: list}\n",
    )
    assert loader_errors(text) == []
    assert schema_errors(text) == []


# -- the format guide -----------------------------------------------------------------------


def guide_examples() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    return [b for b in blocks if f"format: {FORMAT}" in b]


def test_the_guides_worked_example_is_valid_for_both():
    (example,) = guide_examples()
    assert loader_errors(example) == []
    assert schema_errors(example) == []


def test_the_editor_line_in_the_guide_points_from_a_library_file_to_the_schema():
    line = re.search(r"# yaml-language-server: \$schema=(\S+)", GUIDE.read_text(encoding="utf-8"))
    assert line is not None
    some_file = library_files(LIBRARY)[0]
    assert (some_file.parent / line[1]).resolve() == SCHEMA_PATH
