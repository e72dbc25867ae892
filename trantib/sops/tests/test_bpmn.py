"""The BPMN export gives a model a BPMN modeler opens and draws without auto-layout.

Every SOP in the library is exported and read back with ElementTree: lanes, flow nodes, flows,
gateways and the diagram interchange are checked against the spec. A small SOP written here
shows the wait (timer), repeat (multi-instance) and sub-procedure (call activity) mappings.
When SpiffWorkflow (which ships the official BPMN 2.0 XSD) is installed, every export is also
validated against the schema.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command

from trantib.engine.library import load_library
from trantib.engine.loader import load_text
from trantib.engine.spec import SOPSpec, StepKind
from trantib.engine.timing import TimeStandard
from trantib.sops.bpmn import export_bpmn, iso_duration

LIBRARY = Path(__file__).resolve().parents[1] / "library"
SPECS = load_library(LIBRARY).specs

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "trantib": "urn:trantib:sop:bpmn:1",
}
FLOW_NODES = (
    "startEvent",
    "endEvent",
    "userTask",
    "callActivity",
    "exclusiveGateway",
    "intermediateCatchEvent",
)
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

SMALL = """\
format: trantib-sop/1
code: KCL
version: 2
status: draft
domain: test
calendar: working
identity:
  instansi: [KECAMATAN CONTOH]
  nomor: "300.1/002/2026"
  tanggal_pembuatan: Januari 2026
  tanggal_revisi: ""
  tanggal_efektif: Januari 2026
  disahkan_oleh: {jabatan: CAMAT}
  nama: Penertiban <Reklame> & "Spanduk"
  dasar_hukum: []
  keterkaitan: []
  peringatan: []
  kualifikasi_pelaksana: []
  peralatan_perlengkapan: []
  pencatatan_pendataan: []
roles:
  - {id: kasi, name: Kasi Trantib & Ketertiban}
  - {id: anggota, name: Anggota Trantib}
  - {id: pelanggar, name: Pelanggar, external: true}
steps:
  - id: program
    no: "1"
    kind: start
    role: kasi
    activity: Menyusun jadwal penertiban bulanan
    time: 3-4 jam
    records:
      - {name: jadwal, label: Tanggal penertiban, type: list, required: true}
    next: penertiban
  - id: penertiban
    no: "2"
    kind: repeat
    role: anggota
    activity: Melakukan penertiban harian
    time: 2 jam
    repeat: {frequency: scheduled, period: month, schedule: program.jadwal}
    records:
      - {name: temuan, label: Pelanggar yang ditemukan, type: list}
    next: teguran
  - id: teguran
    no: "3"
    kind: process
    role: kasi
    activity: Memberikan Surat Teguran <I> kepada "pelanggar" & pemilik
    requirements: [Blanko Surat Teguran]
    time: 1 hari
    output: Surat Teguran I
    notes: Diserahkan langsung
    next: tunggu
  - id: tunggu
    no: "4"
    kind: wait
    role: pelanggar
    activity: Pelanggar diberi waktu untuk menurunkan reklame
    deadline: 7 hari
    next: taat
  - id: taat
    no: "5"
    kind: decision
    role: anggota
    activity: Memeriksa kepatuhan pelanggar
    question: Pelanggar mentaati?
    time: 7x24 jam
    branches:
      - {label: ya, to: selesai}
      - {label: tidak, to: tindak}
      - {label: perlu teguran ulang, to: teguran, loop: true}
  - id: tindak
    no: "6"
    kind: subprocedure
    role: kasi
    activity: Menyerahkan setiap pelanggar kepada PPNS
    subprocedure: {sop: PPNS, for_each: penertiban.temuan, wait: true}
    next: selesai
  - id: selesai
    no: "7"
    kind: end
    role: kasi
    activity: Mengarsipkan laporan
    time: Waktu Tentatif sesuai Per UU
"""


def parse(spec: SOPSpec) -> ET.Element:
    return ET.fromstring(export_bpmn(spec))  # noqa: S314 — our own output


def process_of(root: ET.Element) -> ET.Element:
    process = root.find("bpmn:process", NS)
    assert process is not None
    return process


def flow_nodes(process: ET.Element) -> list[ET.Element]:
    return [el for tag in FLOW_NODES for el in process.findall(f"bpmn:{tag}", NS)]


def by_id(root: ET.Element) -> dict[str, ET.Element]:
    return {el.attrib["id"]: el for el in root.iter() if "id" in el.attrib}


def documentation(el: ET.Element) -> str:
    return "\n".join(d.text or "" for d in el.findall("bpmn:documentation", NS))


@pytest.fixture(scope="module")
def small() -> tuple[SOPSpec, ET.Element]:
    spec, _warnings = load_text(SMALL, "KCL.v2.yaml")
    return spec, parse(spec)


library = pytest.mark.parametrize("spec", SPECS, ids=[s.key for s in SPECS])


def test_the_library_has_sops_to_export():
    assert {"PGD", "PPW"} <= {s.code for s in SPECS}


@library
def test_it_is_one_collaboration_whose_participant_runs_the_sops_process(spec: SOPSpec):
    root = parse(spec)
    assert root.tag == f"{{{NS['bpmn']}}}definitions"
    (participant,) = root.findall("bpmn:collaboration/bpmn:participant", NS)
    process = process_of(root)
    assert participant.attrib["processRef"] == process.attrib["id"] == spec.code
    assert process.attrib["name"] == spec.name


@library
def test_each_role_has_one_lane_named_after_it(spec: SOPSpec):
    lanes = process_of(parse(spec)).findall("bpmn:laneSet/bpmn:lane", NS)
    assert [lane.attrib["name"] for lane in lanes] == [role.name for role in spec.roles]


@library
def test_every_flow_node_lies_in_exactly_one_lane_the_lane_of_its_steps_role(spec: SOPSpec):
    process = process_of(parse(spec))
    refs = [
        (lane.attrib["id"], ref.text)
        for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)
        for ref in lane.findall("bpmn:flowNodeRef", NS)
    ]
    node_ids = [el.attrib["id"] for el in flow_nodes(process)]
    assert sorted(ref for _, ref in refs) == sorted(node_ids)
    lane_of = {ref: lane for lane, ref in refs}
    for step in spec.steps:
        step_nodes = [n for n in node_ids if n.split("_", 1)[1] == step.id]
        assert step_nodes, step.id
        assert {lane_of[n] for n in step_nodes} == {f"Lane_{step.role}"}


@library
def test_every_sequence_flow_joins_two_flow_nodes_of_the_process(spec: SOPSpec):
    process = process_of(parse(spec))
    node_ids = {el.attrib["id"] for el in flow_nodes(process)}
    flows = process.findall("bpmn:sequenceFlow", NS)
    assert flows
    for flow in flows:
        assert flow.attrib["sourceRef"] in node_ids
        assert flow.attrib["targetRef"] in node_ids
    nodes = {el.attrib["id"]: el for el in flow_nodes(process)}
    for flow in flows:
        outgoing = [o.text for o in nodes[flow.attrib["sourceRef"]].findall("bpmn:outgoing", NS)]
        incoming = [i.text for i in nodes[flow.attrib["targetRef"]].findall("bpmn:incoming", NS)]
        assert flow.attrib["id"] in outgoing
        assert flow.attrib["id"] in incoming


@library
def test_each_step_is_the_flow_node_its_kind_calls_for(spec: SOPSpec):
    nodes = by_id(parse(spec))
    expected = {
        StepKind.START: "userTask",
        StepKind.PROCESS: "userTask",
        StepKind.DECISION: "userTask",
        StepKind.REPEAT: "userTask",
        StepKind.END: "userTask",
        StepKind.SUBPROCEDURE: "callActivity",
        StepKind.WAIT: "intermediateCatchEvent",
    }
    prefix = {"userTask": "Task", "callActivity": "CallActivity", "intermediateCatchEvent": "Timer"}
    for step in spec.steps:
        tag = expected[step.kind]
        node = nodes[f"{prefix[tag]}_{step.id}"]
        assert node.tag == f"{{{NS['bpmn']}}}{tag}"
        if tag != "intermediateCatchEvent":
            assert node.attrib["name"] == step.display_title
            assert step.activity in documentation(node)


@library
def test_a_start_event_leads_into_the_first_step_and_every_entry(spec: SOPSpec):
    process = process_of(parse(spec))
    starts = process.findall("bpmn:startEvent", NS)
    entries = [spec.start.id] + [s.id for s in spec.steps if s.entry and s is not spec.start]
    flows = {
        f.attrib["sourceRef"]: f.attrib["targetRef"]
        for f in process.iter()
        if f.tag == f"{{{NS['bpmn']}}}sequenceFlow"
    }
    assert sorted(flows[s.attrib["id"]] for s in starts) == sorted(f"Task_{e}" for e in entries)


@library
def test_an_end_event_follows_every_end_step(spec: SOPSpec):
    process = process_of(parse(spec))
    ends = {e.attrib["id"] for e in process.findall("bpmn:endEvent", NS)}
    into_ends = {
        f.attrib["sourceRef"]
        for f in process.findall("bpmn:sequenceFlow", NS)
        if f.attrib["targetRef"] in ends
    }
    end_steps = {f"Task_{s.id}" for s in spec.steps if s.kind is StepKind.END}
    assert into_ends == end_steps
    assert len(ends) == len(end_steps)


@library
def test_each_decision_is_its_task_then_one_exclusive_gateway_with_the_branch_labels(
    spec: SOPSpec,
):
    process = process_of(parse(spec))
    gateways = process.findall("bpmn:exclusiveGateway", NS)
    decisions = [s for s in spec.steps if s.kind is StepKind.DECISION]
    assert len(gateways) == len(decisions)
    flows = process.findall("bpmn:sequenceFlow", NS)
    for step in decisions:
        gateway = f"Gateway_{step.id}"
        into = [f.attrib["sourceRef"] for f in flows if f.attrib["targetRef"] == gateway]
        assert into == [f"Task_{step.id}"]
        out = [f for f in flows if f.attrib["sourceRef"] == gateway]
        assert [f.attrib["name"] for f in out] == [b.label for b in step.branches]
        targets = [f.attrib["targetRef"].split("_", 1)[1] for f in out]
        assert targets == [b.to for b in step.branches]


@library
def test_every_element_is_drawn_every_flow_with_at_least_two_waypoints(spec: SOPSpec):
    root = parse(spec)
    process = process_of(root)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    shapes = {s.attrib["bpmnElement"]: s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.attrib["bpmnElement"]: e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    drawn = [el.attrib["id"] for el in flow_nodes(process)]
    drawn += [lane.attrib["id"] for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)]
    drawn.append(f"Participant_{spec.code}")
    assert sorted(shapes) == sorted(drawn)
    for shape in shapes.values():
        bounds = shape.find("dc:Bounds", NS)
        assert bounds is not None
        assert float(bounds.attrib["width"]) > 0
        assert float(bounds.attrib["height"]) > 0
    flows = [f.attrib["id"] for f in process.findall("bpmn:sequenceFlow", NS)]
    assert sorted(edges) == sorted(flows)
    for edge in edges.values():
        assert len(edge.findall("di:waypoint", NS)) >= 2


def _bounds(shape: ET.Element) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    assert b is not None
    return tuple(float(b.attrib[k]) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


@library
def test_lanes_are_bands_and_nodes_run_left_to_right_in_step_order_inside_them(spec: SOPSpec):
    root = parse(spec)
    process = process_of(root)
    shapes = {
        s.attrib["bpmnElement"]: _bounds(s) for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")
    }
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    bands = [shapes[lane.attrib["id"]] for lane in lanes]
    for upper, lower in itertools.pairwise(bands):
        assert upper[1] + upper[3] == lower[1]  # stacked, no gap, no overlap
        assert upper[0] == lower[0]
        assert upper[2] == lower[2]
    for lane, (_, top, _, height) in zip(lanes, bands, strict=True):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            _, y, _, h = shapes[ref.text or ""]
            assert top <= y
            assert y + h <= top + height
    order = [el.attrib["id"] for el in flow_nodes(process)]
    main = [
        next(n for n in order if n.split("_", 1)[1] == step.id and not n.startswith("Start"))
        for step in spec.steps
    ]
    xs = [shapes[n][0] for n in main]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)


@library
def test_ids_are_unique_ncnames(spec: SOPSpec):
    ids = [el.attrib["id"] for el in parse(spec).iter() if "id" in el.attrib]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids)


@library
def test_the_export_is_valid_against_the_official_bpmn_xsd(spec: SOPSpec):
    pytest.importorskip("SpiffWorkflow", reason="the BPMN 2.0 XSD ships with SpiffWorkflow")
    from importlib.resources import files

    from lxml import etree

    xsd = files("SpiffWorkflow.bpmn.parser") / "schema" / "BPMN20.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.fromstring(export_bpmn(spec).encode())
    assert schema.validate(document), schema.error_log


# -- the kinds the library does not all show -----------------------------------------------


def test_a_wait_is_a_timer_catch_event_counting_the_deadline_as_iso_8601(small):
    _spec, root = small
    timer = by_id(root)["Timer_tunggu"]
    assert timer.tag == f"{{{NS['bpmn']}}}intermediateCatchEvent"
    duration = timer.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
    assert duration is not None
    assert duration.text == "P7D"
    lane = by_id(root)["Lane_pelanggar"]
    assert "Timer_tunggu" in [r.text for r in lane.findall("bpmn:flowNodeRef", NS)]


def test_a_subprocedure_is_a_call_activity_of_the_other_sop_once_per_item(small):
    _spec, root = small
    call = by_id(root)["CallActivity_tindak"]
    assert call.tag == f"{{{NS['bpmn']}}}callActivity"
    assert call.attrib["calledElement"] == "PPNS"
    loop = call.find("bpmn:multiInstanceLoopCharacteristics", NS)
    assert loop is not None
    assert "penertiban.temuan" in documentation(loop)
    sub = call.find("bpmn:extensionElements/trantib:subprocedure", NS)
    assert sub is not None
    assert sub.attrib == {
        "sop": "PPNS",
        "entry": "",
        "forEach": "penertiban.temuan",
        "wait": "true",
    }


def test_a_subprocedure_of_the_same_sop_calls_its_own_process_at_the_entry():
    ppw = next(s for s in SPECS if s.code == "PPW")
    root = parse(ppw)
    call = by_id(root)["CallActivity_buka_penegakan"]
    assert call.attrib["calledElement"] == "PPW" == process_of(root).attrib["id"]
    sub = call.find("bpmn:extensionElements/trantib:subprocedure", NS)
    assert sub is not None
    assert sub.attrib["entry"] == "beri_teguran"


def test_a_repeat_is_a_multi_instance_user_task_over_the_schedule(small):
    _spec, root = small
    task = by_id(root)["Task_penertiban"]
    loop = task.find("bpmn:multiInstanceLoopCharacteristics", NS)
    assert loop is not None
    assert "program.jadwal" in documentation(loop)
    repeat = task.find("bpmn:extensionElements/trantib:repeat", NS)
    assert repeat is not None
    assert repeat.attrib == {
        "frequency": "scheduled",
        "period": "month",
        "schedule": "program.jadwal",
    }


def test_each_task_documents_its_activity_mutu_baku_and_time_standard(small):
    _spec, root = small
    task = by_id(root)["Task_teguran"]
    text = documentation(task)
    assert 'No. 3: Memberikan Surat Teguran <I> kepada "pelanggar" & pemilik' in text
    assert "Kelengkapan: Blanko Surat Teguran" in text
    assert "Waktu: 1 hari (P1D, waktu kerja)" in text
    assert "Output: Surat Teguran I" in text
    assert "Keterangan: Diserahkan langsung" in text
    standard = task.find("bpmn:extensionElements/trantib:timeStandard", NS)
    assert standard is not None
    assert standard.attrib == {"text": "1 hari", "duration": "P1D", "working": "true"}


def test_around_the_clock_and_tentative_standards_are_marked_as_such(small):
    _spec, root = small
    nodes = by_id(root)
    decision = nodes["Task_taat"].find("bpmn:extensionElements/trantib:timeStandard", NS)
    assert decision is not None
    assert decision.attrib == {"text": "7x24 jam", "duration": "P7D", "working": "false"}
    end = nodes["Task_selesai"].find("bpmn:extensionElements/trantib:timeStandard", NS)
    assert end is not None
    assert end.attrib == {"text": "Waktu Tentatif sesuai Per UU", "tentative": "true"}


def test_a_loop_branch_is_named_and_documented_as_a_return_for_correction(small):
    _spec, root = small
    flows = [
        f
        for f in process_of(root).findall("bpmn:sequenceFlow", NS)
        if f.attrib["sourceRef"] == "Gateway_taat"
    ]
    assert [f.attrib.get("name") for f in flows] == ["ya", "tidak", "perlu teguran ulang"]
    back = flows[2]
    assert back.attrib["targetRef"] == "Task_teguran"
    assert "Kembali" in documentation(back)


def test_markup_in_the_sop_text_is_escaped_not_interpreted(small):
    spec, root = small
    assert process_of(root).attrib["name"] == 'Penertiban <Reklame> & "Spanduk"'
    assert by_id(root)["Lane_kasi"].attrib["name"] == "Kasi Trantib & Ketertiban"
    assert "<Reklame>" not in export_bpmn(spec)


def test_characters_xml_cannot_hold_are_dropped_rather_than_breaking_the_file():
    text = SMALL.replace("activity: Mengarsipkan laporan", 'activity: "Mengarsipkan\\x0b laporan"')
    spec, _warnings = load_text(text, "KCL.v2.yaml")
    root = parse(spec)
    assert by_id(root)["Task_selesai"].attrib["name"] == "Mengarsipkan laporan"


def test_an_external_role_is_documented_on_its_lane(small):
    _spec, root = small
    assert "Di luar unit kerja" in documentation(by_id(root)["Lane_pelanggar"])


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("15 menit", "PT15M"),
        ("60 Menit", "PT60M"),
        ("2 Jam", "PT2H"),
        ("3-4 jam", "PT4H"),
        ("1-2 Hari", "P2D"),
        ("7 hari", "P7D"),
        ("3 hari kerja", "P3D"),
        ("7x24 jam", "P7D"),
        ("2 minggu", "P2W"),
        ("Waktu Tentatif sesuai Per UU", ""),
        ("", ""),
    ],
)
def test_a_time_standard_becomes_the_iso_8601_duration_of_its_upper_bound(text, duration):
    assert iso_duration(TimeStandard.parse(text)) == duration


def test_the_sop_command_writes_the_bpmn_file(tmp_path):
    out = tmp_path / "pgd.bpmn"
    call_command("sop", "export-bpmn", "PGD", "-o", str(out))
    root = ET.fromstring(out.read_text(encoding="utf-8"))  # noqa: S314 — our own output
    assert process_of(root).attrib["id"] == "PGD"
