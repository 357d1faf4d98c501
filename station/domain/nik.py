"""NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) number rules.

A NIK is 16 digits: PP KK CC DDMMYY SSSS
  PP   province code (must be a real Kemendagri province code)
  KK   regency/city code within the province (00 is not a regency)
  CC   kecamatan code within the regency (00 is not a kecamatan)
  DD   day of birth, plus 40 for women (01-31 men, 41-71 women)
  MM   month of birth (01-12)
  YY   last two digits of the year of birth
  SSSS serial number, 0001-9999

Every rule broken is reported as its own problem, so an operator sees all of them at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from station.domain import regions
from station.domain.problems import Problem

_DIGITS16 = re.compile(r"\d{16}")


class Sex(StrEnum):
    MALE = "L"  # laki-laki
    FEMALE = "P"  # perempuan

    @property
    def label_id(self) -> str:
        return "LAKI-LAKI" if self is Sex.MALE else "PEREMPUAN"


# --- the problems a NIK or KK number can have -------------------------------------------------

NIK_FORMAT = Problem(
    "NIK_FORMAT",
    "NIK harus terdiri dari 16 digit angka.",
    "The NIK must be exactly 16 digits.",
)


def _p(code: str, id_: str, en: str) -> Problem:
    return Problem(code, id_, en)


def nik_province_unknown(pp: str) -> Problem:
    return _p(
        "NIK_PROVINCE_UNKNOWN",
        f"Kode provinsi {pp} pada NIK tidak dikenal.",
        f"Province code {pp} in the NIK is not an Indonesian province.",
    )


NIK_REGENCY_MISSING = _p(
    "NIK_REGENCY_MISSING",
    "Kode kabupaten/kota pada NIK (digit 3-4) tidak boleh 00.",
    "The regency/city code in the NIK (digits 3-4) must not be 00.",
)
NIK_DISTRICT_MISSING = _p(
    "NIK_DISTRICT_MISSING",
    "Kode kecamatan pada NIK (digit 5-6) tidak boleh 00.",
    "The district (kecamatan) code in the NIK (digits 5-6) must not be 00.",
)


def nik_day_invalid(dd: str) -> Problem:
    return _p(
        "NIK_DAY_INVALID",
        f"Tanggal lahir pada NIK ({dd}) harus 01-31 untuk laki-laki atau 41-71 untuk perempuan.",
        f"The birth day in the NIK ({dd}) must be 01-31 for men or 41-71 for women.",
    )


def nik_month_invalid(mm: str) -> Problem:
    return _p(
        "NIK_MONTH_INVALID",
        f"Bulan lahir pada NIK ({mm}) harus 01-12.",
        f"The birth month in the NIK ({mm}) must be 01-12.",
    )


def nik_date_invalid(dd: int, mm: int, yy: str) -> Problem:
    return _p(
        "NIK_DATE_INVALID",
        f"Tanggal lahir pada NIK ({dd:02d}-{mm:02d}-{yy}) bukan tanggal yang ada.",
        f"The birth date in the NIK ({dd:02d}-{mm:02d}-{yy}) does not exist.",
    )


NIK_SERIAL_INVALID = _p(
    "NIK_SERIAL_INVALID",
    "Nomor urut pada NIK (4 digit terakhir) harus 0001-9999.",
    "The serial number in the NIK (last 4 digits) must be 0001-9999.",
)


def nik_sex_mismatch(nik_sex: Sex, stated: Sex) -> Problem:
    return _p(
        "NIK_SEX_MISMATCH",
        f"NIK menunjukkan jenis kelamin {nik_sex.label_id} (tanggal {'41-71' if nik_sex is Sex.FEMALE else '01-31'}), "  # noqa: E501
        f"tetapi yang diisi {stated.label_id}.",
        f"The NIK encodes sex {'female' if nik_sex is Sex.FEMALE else 'male'} "
        f"(day {'41-71' if nik_sex is Sex.FEMALE else '01-31'}) but "
        f"{'female' if stated is Sex.FEMALE else 'male'} was entered.",
    )


def nik_birthdate_mismatch(encoded: str, stated: date) -> Problem:
    return _p(
        "NIK_BIRTHDATE_MISMATCH",
        f"Tanggal lahir pada NIK ({encoded}) tidak sama dengan tanggal lahir yang diisi "
        f"({stated:%d-%m-%Y}).",
        f"The birth date in the NIK ({encoded}) does not match the stated birth date "
        f"({stated:%d-%m-%Y}).",
    )


NIK_BIRTHDATE_FUTURE = _p(
    "NIK_BIRTHDATE_FUTURE",
    "Tanggal lahir tidak boleh setelah hari ini.",
    "The birth date cannot be in the future.",
)

KK_FORMAT = _p(
    "KK_FORMAT",
    "Nomor KK harus terdiri dari 16 digit angka.",
    "The family card (KK) number must be exactly 16 digits.",
)


def kk_province_unknown(pp: str) -> Problem:
    return _p(
        "KK_PROVINCE_UNKNOWN",
        f"Kode provinsi {pp} pada nomor KK tidak dikenal.",
        f"Province code {pp} in the KK number is not an Indonesian province.",
    )


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NikRegion:
    province_code: str  # "35"
    regency_code: str  # "35.05"
    district_code: str  # "35.05.01"
    province: str | None
    regency: str | None  # None when the code is not in the reference data (old or new code)
    district: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "district_code": self.district_code,
            "province": self.province,
            "regency": self.regency,
            "district": self.district,
        }


@dataclass(frozen=True, slots=True)
class NikVerdict:
    nik: str
    problems: tuple[Problem, ...] = ()
    region: NikRegion | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    serial: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_dict(self, locale: str = "id") -> dict[str, object]:
        return {
            "nik": self.nik,
            "valid": self.valid,
            "errors": [p.as_dict(locale) for p in self.problems],
            "region": self.region.as_dict() if self.region else None,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex.value if self.sex else None,
            "serial": self.serial,
        }


def _region_names(pp: str, kk: str, cc: str) -> NikRegion:
    def name(code: str) -> str | None:
        try:
            return regions.get(code).name
        except regions.UnknownRegion:
            return None

    return NikRegion(
        province_code=pp,
        regency_code=f"{pp}.{kk}",
        district_code=f"{pp}.{kk}.{cc}",
        province=name(pp),
        regency=name(f"{pp}.{kk}"),
        district=name(f"{pp}.{kk}.{cc}"),
    )


def _resolve_year(yy: int, dd: int, mm: int, today: date) -> int:
    """A two-digit year means the most recent such year not after today."""
    year = today.year - (today.year % 100) + yy
    try:
        if date(year, mm, dd) > today:
            year -= 100
    except ValueError:  # an impossible day/month is reported elsewhere
        if year > today.year:
            year -= 100
    return year


def validate_nik(
    nik: str,
    *,
    birth_date: date | None = None,
    sex: Sex | None = None,
    today: date | None = None,
) -> NikVerdict:
    """Check a NIK on its own and, when given, against the stated birth date and sex."""
    nik = nik.strip()
    today = today or date.today()
    if not _DIGITS16.fullmatch(nik):
        return NikVerdict(nik=nik, problems=(NIK_FORMAT,))

    pp, kk, cc = nik[0:2], nik[2:4], nik[4:6]
    dd_raw, mm_raw, yy_raw, serial = nik[6:8], nik[8:10], nik[10:12], nik[12:16]
    problems: list[Problem] = []

    if pp not in regions.province_codes():
        problems.append(nik_province_unknown(pp))
    if kk == "00":
        problems.append(NIK_REGENCY_MISSING)
    if cc == "00":
        problems.append(NIK_DISTRICT_MISSING)

    dd, mm, yy = int(dd_raw), int(mm_raw), int(yy_raw)
    nik_sex: Sex | None = None
    day: int | None = None
    if 1 <= dd <= 31:
        nik_sex, day = Sex.MALE, dd
    elif 41 <= dd <= 71:
        nik_sex, day = Sex.FEMALE, dd - 40
    else:
        problems.append(nik_day_invalid(dd_raw))
    month_ok = 1 <= mm <= 12
    if not month_ok:
        problems.append(nik_month_invalid(mm_raw))

    encoded_date: date | None = None
    if day is not None and month_ok:
        if birth_date is not None and birth_date.year % 100 == yy:
            year = birth_date.year
        else:
            year = _resolve_year(yy, day, mm, today)
        try:
            encoded_date = date(year, mm, day)
        except ValueError:
            # 29 February in a year we guessed wrongly is still a real date a century apart.
            problems.append(nik_date_invalid(day, mm, yy_raw))

    if serial == "0000":
        problems.append(NIK_SERIAL_INVALID)

    if sex is not None and nik_sex is not None and sex is not nik_sex:
        problems.append(nik_sex_mismatch(nik_sex, sex))
    if birth_date is not None:
        if birth_date > today:
            problems.append(NIK_BIRTHDATE_FUTURE)
        if (
            day is not None
            and month_ok
            and ((birth_date.day, birth_date.month, birth_date.year % 100) != (day, mm, yy))
        ):
            problems.append(nik_birthdate_mismatch(f"{day:02d}-{mm:02d}-{yy_raw}", birth_date))

    return NikVerdict(
        nik=nik,
        problems=tuple(problems),
        region=_region_names(pp, kk, cc),
        birth_date=encoded_date,
        sex=nik_sex,
        serial=serial,
    )


def validate_kk(number: str) -> tuple[Problem, ...]:
    number = number.strip()
    if not _DIGITS16.fullmatch(number):
        return (KK_FORMAT,)
    if number[:2] not in regions.province_codes():
        return (kk_province_unknown(number[:2]),)
    return ()


def regency_code_of(nik: str) -> str:
    """The dotted regency code a (well-formed) NIK was issued in: "3505..." -> "35.05"."""
    return f"{nik[0:2]}.{nik[2:4]}"


def make_nik(district_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """Compose a NIK (for demo data and tests): district "35.05.08", 1990-01-31, P, 1."""
    digits = regions.normalize_code(district_code).replace(".", "")
    if len(digits) != 6:
        raise ValueError(f"a kecamatan code has six digits, got {district_code!r}")
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1-9999")
    day = birth_date.day + (40 if sex is Sex.FEMALE else 0)
    return f"{digits}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
