"""The SOP files the access matrix probes (``sops:file`` and the pages beside it): drafts
``MTX.v1`` in Cipondoh's folder and ``MTK.v1`` in Karawaci's, in a temporary uploads folder
for the run (two units' files never share a ``CODE.vN``: the library would refuse both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

from trantib.sops import registry

LIBRARY = Path(__file__).resolve().parents[3] / "sops" / "library"


@pytest.fixture(scope="module", autouse=True)
def sop_uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("sop-uploads")
    text = (LIBRARY / "ketertiban" / "PPL.v2.yaml").read_text(encoding="utf-8")
    head = "code: PPL\nversion: 2\nsupersedes: 1\nstatus: published\n"
    assert head in text
    for unit, code in (("CPD", "MTX"), ("KRW", "MTK")):
        (folder / unit).mkdir()
        draft = text.replace(head, f"code: {code}\nversion: 1\nstatus: draft\n")
        (folder / unit / f"{code}.v1.yaml").write_text(draft, encoding="utf-8")
    with override_settings(TRANTIB_SOP_UPLOADS=folder):
        registry.reload()
        yield folder
    registry.library.cache_clear()
