"""Fixtures of the enforcement tests: violators of Satpol PP Kota Tangerang and Cipondoh."""

from __future__ import annotations

import pytest

from trantib.conftest import DemoOrg
from trantib.enforcement import services
from trantib.enforcement.models import Violator

NIK_BUDI = "3671011705850001"
NIK_SITI = "3671015708920003"
NIB_WARUNG = "9120123456789"


@pytest.fixture
def budi(demo_org: DemoOrg) -> Violator:
    return services.violator_create(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        kind="orang",
        name="Budi Hartono",
        nik=NIK_BUDI,
        phone="0812-7766-5544",
        address="Jl. Gatot Subroto No. 14 RT 02/RW 05",
        desa="Cibodas",
        kecamatan="Cibodas",
    )


@pytest.fixture
def warung(demo_org: DemoOrg, budi: Violator) -> Violator:
    return services.violator_create(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        kind="usaha",
        name="Warung Makan Sederhana Bu Tini",
        nib=NIB_WARUNG,
        business_type="Rumah makan",
        owner=budi,
        address="Jl. Gatot Subroto No. 20",
        desa="Cibodas",
        kecamatan="Cibodas",
        latitude=-6.2011,
        longitude=106.6102,
    )
