"""The structure of an NIK (Nomor Induk Kependudukan) and an NIB (Nomor Induk Berusaha).

Pure Python: no database, no Django models. Each check returns nothing or raises
:class:`IdentityError` with a message in Indonesian that says what is wrong.

An NIK is 16 digits ``PP KK CC DDMMYY SSSS``:

- ``PP`` a province code (11–19 Sumatra, 21 Kepri, 31–36 Jawa, 51–53 Bali/Nusa Tenggara,
  61–65 Kalimantan, 71–76 Sulawesi, 81–82 Maluku, 91–97 Papua);
- ``KK`` the kabupaten/kota and ``CC`` the kecamatan, neither 00;
- ``DDMMYY`` the birth date, women add 40 to the day (41–71); the century is the one that puts
  the date in the past;
- ``SSSS`` a serial, not 0000.

An NIB from OSS is 13 digits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

PROVINCES: frozenset[int] = frozenset(
    [
        *range(11, 20),
        21,
        *range(31, 37),
        *range(51, 54),
        *range(61, 66),
        *range(71, 77),
        81,
        82,
        *range(91, 98),
    ]
)


class IdentityError(ValueError):
    """An NIK or NIB that cannot be right; ``message`` says why, in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NikInfo:
    """What an NIK says about its holder."""

    province: str
    regency: str
    district: str
    birth_date: dt.date
    female: bool
    serial: str

    @property
    def gender_text(self) -> str:
        return _("Perempuan") if self.female else _("Laki-laki")


def digits_only(value: str) -> str:
    """The value as typed, without spaces, dots and dashes (``3671 0101 …`` → ``36710101…``)."""
    return "".join(ch for ch in str(value or "") if ch not in " .-\t")


def nik_parse(value: str, *, today: dt.date | None = None) -> NikInfo:
    """The parts of a well-formed NIK; :class:`IdentityError` when it cannot be one."""
    nik = digits_only(value)
    if not nik.isdigit() or not nik.isascii():
        raise IdentityError(_("NIK hanya boleh berisi angka."))
    if len(nik) != 16:
        raise IdentityError(_("NIK harus 16 angka (yang diisi %(n)s angka).") % {"n": len(nik)})
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if int(province) not in PROVINCES:
        raise IdentityError(
            _("Kode provinsi pada NIK tidak dikenal: %(code)s.") % {"code": province}
        )
    if regency == "00":
        raise IdentityError(_("Kode kabupaten/kota pada NIK tidak boleh 00."))
    if district == "00":
        raise IdentityError(_("Kode kecamatan pada NIK tidak boleh 00."))
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    shown = f"{day:02d}-{month:02d}-{year2:02d}"
    today = today or dt.datetime.now(dt.UTC).date()
    birth = None
    for century in (2000, 1900):
        try:
            candidate = dt.date(century + year2, month, day)
        except ValueError:
            continue
        if candidate <= today:
            birth = candidate
            break
    if birth is None:
        raise IdentityError(_("Tanggal lahir pada NIK tidak ada: %(date)s.") % {"date": shown})
    serial = nik[12:16]
    if serial == "0000":
        raise IdentityError(_("Nomor urut pada NIK tidak boleh 0000."))
    return NikInfo(province, regency, district, birth, female, serial)


def nik_clean(value: str, *, today: dt.date | None = None) -> str:
    """The NIK as stored (16 digits), or "" when none was typed; raises on a bad one."""
    nik = digits_only(value)
    if not nik:
        return ""
    nik_parse(nik, today=today)
    return nik


def nib_clean(value: str) -> str:
    """The NIB as stored (13 digits), or "" when none was typed; raises on a bad one."""
    nib = digits_only(value)
    if not nib:
        return ""
    if not nib.isdigit() or not nib.isascii():
        raise IdentityError(_("NIB hanya boleh berisi angka."))
    if len(nib) != 13:
        raise IdentityError(_("NIB harus 13 angka (yang diisi %(n)s angka).") % {"n": len(nib)})
    return nib


def nik_mask(nik: str) -> str:
    """``3671012345670001`` → ``3671••••••••0001``: the region and the serial, nothing else."""
    if not nik:
        return ""
    if len(nik) <= 8:
        return "•" * len(nik)
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:]


def phone_mask(phone: str) -> str:
    """``+6281277665544`` → ``+62•••••••••44``."""
    if not phone:
        return ""
    keep = 3 if phone.startswith("+") else 2
    return phone[:keep] + "•" * max(len(phone) - keep - 2, 0) + phone[-2:]
