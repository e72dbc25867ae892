"""Which units a report covers: the reader's own unit, a parent's subtree, never a sibling."""

from __future__ import annotations

import pytest

from trantib.core.errors import NotFound
from trantib.reports.scope import scope_for

pytestmark = pytest.mark.django_db


def test_a_kecamatan_reports_on_itself_only(demo_org, supervisor):
    scope = scope_for(supervisor, None)
    assert scope.unit.code == "CPD"
    assert [u.code for u in scope.units] == ["CPD"]
    assert not scope.is_parent


def test_a_sibling_unit_is_not_found(demo_org, supervisor):
    with pytest.raises(NotFound):
        scope_for(supervisor, "KRW")
    with pytest.raises(NotFound):
        scope_for(supervisor, "PEMKOT-TNG")  # not its parent either
    with pytest.raises(NotFound):
        scope_for(supervisor, "NOPE")


def test_a_pemerintah_kota_sees_its_subtree_summed_and_per_child(demo_org):
    sekda = demo_org.user("sekda.tng")
    scope = scope_for(sekda, "PEMKOT-TNG")
    codes = {u.code for u in scope.units}
    assert {"PEMKOT-TNG", "CPD", "KRW", "PPTNG"} <= codes
    assert "KRJ" not in codes  # another regency's kecamatan
    children = {child.code: ids for child, ids in scope.groups}
    assert {"CPD", "KRW", "PPTNG"} <= set(children)
    assert children["CPD"] == (demo_org.unit("CPD").pk,)
    assert scope.group_of(demo_org.unit("KRW").pk).code == "KRW"
    # and may narrow it to one child
    assert [u.code for u in scope_for(sekda, "CPD").units] == ["CPD"]
