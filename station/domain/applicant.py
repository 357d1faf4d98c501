"""The applicant's demographic data: every field printed on or kept for a KTP-el."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    field_validator,
    model_validator,
)

from station.domain import regions
from station.domain.nik import Sex, regency_code_of, validate_kk, validate_nik
from station.domain.problems import Problem, RuleViolation


class BloodType(StrEnum):
    A = "A"
    B = "B"
    AB = "AB"
    O = "O"  # noqa: E741 - the blood type
    A_POS = "A+"
    A_NEG = "A-"
    B_POS = "B+"
    B_NEG = "B-"
    AB_POS = "AB+"
    AB_NEG = "AB-"
    O_POS = "O+"
    O_NEG = "O-"
    UNKNOWN = "-"  # "tidak tahu": printed as a dash on the card


class Religion(StrEnum):
    ISLAM = "ISLAM"
    KRISTEN = "KRISTEN"
    KATOLIK = "KATOLIK"
    HINDU = "HINDU"
    BUDDHA = "BUDDHA"
    KONGHUCU = "KONGHUCU"
    KEPERCAYAAN = "KEPERCAYAAN TERHADAP TUHAN YME"


class MaritalStatus(StrEnum):
    SINGLE = "BELUM KAWIN"
    MARRIED = "KAWIN"
    DIVORCED = "CERAI HIDUP"
    WIDOWED = "CERAI MATI"


class Citizenship(StrEnum):
    WNI = "WNI"  # Warga Negara Indonesia
    WNA = "WNA"  # foreign resident holding a permanent stay permit


# The occupations most often entered; any other text is accepted (SIAK has about 90 codes).
COMMON_OCCUPATIONS = (
    "BELUM/TIDAK BEKERJA",
    "MENGURUS RUMAH TANGGA",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA",
    "KEPOLISIAN RI",
    "PETANI/PEKEBUN",
    "PETERNAK",
    "NELAYAN/PERIKANAN",
    "KARYAWAN SWASTA",
    "KARYAWAN BUMN",
    "BURUH HARIAN LEPAS",
    "BURUH TANI/PERKEBUNAN",
    "PEDAGANG",
    "WIRASWASTA",
    "GURU",
    "DOSEN",
    "DOKTER",
    "BIDAN",
    "PERAWAT",
    "SOPIR",
    "TUKANG BATU",
    "TUKANG KAYU",
    "PERANGKAT DESA",
    "KEPALA DESA",
)

_NAME_CHARS = re.compile(r"[A-Z][A-Z .,'\-]*")
_RT_RW = re.compile(r"\d{1,3}")

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=60)
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=120)
]

# KTP-el recording starts on the 16th birthday; the card itself is issued at 17, or on marriage
# (whichever comes first), so a 16-year-old is recorded now and printed later.
RECORDING_AGE = 16
CARD_AGE = 17
ELIGIBLE_AGE = RECORDING_AGE  # the age from which a single resident may be recorded


def _problem(code: str, id_: str, en: str) -> Problem:
    return Problem(code, id_, en)


class Address(BaseModel):
    """Address on the card: street, RT/RW and the four administrative levels (by code)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    street: Text
    rt: Annotated[str, StringConstraints(strip_whitespace=True)]
    rw: Annotated[str, StringConstraints(strip_whitespace=True)]
    village_code: str  # desa/kelurahan, e.g. "35.05.08.2001"
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None = None

    @field_validator("rt", "rw")
    @classmethod
    def _three_digits(cls, v: str) -> str:
        if not _RT_RW.fullmatch(v) or int(v) == 0:
            raise ValueError("RT/RW harus angka 001-999 / RT and RW must be numbers 001-999")
        return f"{int(v):03d}"

    @field_validator("village_code")
    @classmethod
    def _known_village(cls, v: str) -> str:
        code = regions.normalize_code(v)
        if regions.level_of(code) is not regions.Level.VILLAGE or not regions.exists(code):
            raise ValueError(
                f"kode desa/kelurahan {v!r} tidak dikenal / unknown village code {v!r}"
            )
        return code

    @property
    def village(self) -> str:
        return regions.get(self.village_code).name

    @property
    def district_code(self) -> str:
        return self.village_code.rsplit(".", 1)[0]

    @property
    def district(self) -> str:
        return regions.get(self.district_code).name

    @property
    def regency_code(self) -> str:
        return self.village_code[:5]

    @property
    def regency(self) -> str:
        return regions.get(self.regency_code).name

    @property
    def province(self) -> str:
        return regions.get(self.village_code[:2]).name


class Applicant(BaseModel):
    """Demographics of one applicant. Construction validates every field and the NIK rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nik: Annotated[str, StringConstraints(strip_whitespace=True)]
    kk_number: Annotated[str, StringConstraints(strip_whitespace=True)]
    full_name: Name
    place_of_birth: Name
    date_of_birth: date
    sex: Sex
    blood_type: BloodType = BloodType.UNKNOWN
    address: Address
    religion: Religion
    marital_status: MaritalStatus
    occupation: Text
    citizenship: Citizenship = Citizenship.WNI

    @field_validator("full_name")
    @classmethod
    def _name_letters(cls, v: str) -> str:
        v = " ".join(v.split())
        if not _NAME_CHARS.fullmatch(v):
            raise ValueError(
                "nama hanya boleh berisi huruf, spasi, titik, koma, apostrof dan tanda hubung / "
                "a name may contain only letters, spaces, dots, commas, apostrophes and hyphens"
            )
        return v

    @model_validator(mode="after")
    def _nik_and_kk(self) -> Applicant:
        problems = list(
            validate_nik(self.nik, birth_date=self.date_of_birth, sex=self.sex).problems
        )
        problems.extend(validate_kk(self.kk_number))
        if problems:
            raise RuleViolation(problems)
        return self

    @property
    def nik_regency_code(self) -> str:
        return regency_code_of(self.nik)

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


NOT_ELIGIBLE = _problem(
    "NOT_ELIGIBLE",
    f"Pemohon belum berumur {RECORDING_AGE} tahun dan belum pernah kawin; perekaman KTP-el "
    f"dimulai pada ulang tahun ke-{RECORDING_AGE}.",
    f"The applicant is under {RECORDING_AGE} and has never been married; KTP-el recording starts "
    f"on the {RECORDING_AGE}th birthday.",
)


def _birthday(born: date, age: int) -> date:
    """The day a person born on `born` turns `age` (29 February birthdays fall on 1 March)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def eligibility_problems(applicant: Applicant, recording_date: date) -> tuple[Problem, ...]:
    """Recording is allowed from the 16th birthday, or at any age for a resident who is (or
    was) married."""
    if applicant.age_on(recording_date) >= RECORDING_AGE:
        return ()
    if applicant.marital_status is not MaritalStatus.SINGLE:
        return ()
    return (NOT_ELIGIBLE,)


def card_issue_date(applicant: Applicant, recording_date: date) -> date:
    """The first day the card may be issued for a resident recorded on `recording_date`: at once
    when married (now or before) or already 17, otherwise on the 17th birthday."""
    if applicant.marital_status is not MaritalStatus.SINGLE:
        return recording_date
    return max(recording_date, _birthday(applicant.date_of_birth, CARD_AGE))


def is_domicile_recording(applicant: Applicant, station_region_code: str) -> bool:
    """True when the NIK was issued outside the station's regency (allowed, but flagged)."""
    station = regions.normalize_code(station_region_code)[:5]
    return applicant.nik_regency_code != station


FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "kk_number": ("Nomor KK", "Family card number"),
    "full_name": ("Nama lengkap", "Full name"),
    "place_of_birth": ("Tempat lahir", "Place of birth"),
    "date_of_birth": ("Tanggal lahir", "Date of birth"),
    "sex": ("Jenis kelamin", "Sex"),
    "blood_type": ("Golongan darah", "Blood type"),
    "address": ("Alamat", "Address"),
    "street": ("Alamat (jalan)", "Street address"),
    "rt": ("RT", "RT"),
    "rw": ("RW", "RW"),
    "village_code": ("Desa/kelurahan", "Village"),
    "postal_code": ("Kode pos", "Postal code"),
    "religion": ("Agama", "Religion"),
    "marital_status": ("Status perkawinan", "Marital status"),
    "occupation": ("Pekerjaan", "Occupation"),
    "citizenship": ("Kewarganegaraan", "Citizenship"),
}


def parse_applicant(data: dict[str, object]) -> Applicant:
    """Build an Applicant from untrusted input, raising RuleViolation with every problem found.

    Field problems get the code FIELD_INVALID_<FIELD> (FIELD_MISSING_<FIELD> when absent); NIK
    and KK problems keep their own codes.
    """
    from pydantic import ValidationError

    try:
        return Applicant.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = []
        for err in exc.errors():
            inner = (err.get("ctx") or {}).get("error")
            if isinstance(inner, RuleViolation):
                problems.extend(inner.problems)
                continue
            field = str(err["loc"][-1]) if err["loc"] else "applicant"
            label_id, label_en = FIELD_LABELS.get(field, (field, field))
            missing = err["type"] == "missing"
            detail = str(err["msg"]).removeprefix("Value error, ")
            problems.append(
                Problem(
                    f"FIELD_{'MISSING' if missing else 'INVALID'}_{field.upper()}",
                    f"{label_id}: {'wajib diisi' if missing else detail}",
                    f"{label_en}: {'required' if missing else detail}",
                )
            )
        # Field errors stop pydantic before the NIK/KK rules run; report those too, at once.
        if not any(p.code.startswith(("NIK_", "KK_")) for p in problems):
            if isinstance(data.get("nik"), str) and "FIELD_INVALID_NIK" not in codes(problems):
                problems.extend(validate_nik(data["nik"]).problems)
            if isinstance(data.get("kk_number"), str):
                problems.extend(validate_kk(data["kk_number"]))
        raise RuleViolation(problems) from None


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}
