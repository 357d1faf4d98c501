"""NIK and KK rules: examples from the issue, each violation, and properties over generated NIKs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from station.domain import Sex, make_nik, regions, validate_kk, validate_nik

TODAY = date(2026, 11, 29)


def codes(nik: str, **kw) -> list[str]:
    return [p.code for p in validate_nik(nik, today=TODAY, **kw).problems]


def test_issue_example_valid_woman():
    v = validate_nik("3505014101990001", birth_date=date(1999, 1, 1), sex=Sex.FEMALE, today=TODAY)
    assert v.valid
    assert v.sex is Sex.FEMALE
    assert v.birth_date == date(1999, 1, 1)
    assert v.region.province == "Jawa Timur"
    assert v.region.regency == "Kabupaten Blitar"
    assert v.region.district_code == "35.05.01"
    assert v.serial == "0001"


def test_issue_example_sex_mismatch():
    v = validate_nik("3505014101990001", birth_date=date(1999, 1, 1), sex=Sex.MALE, today=TODAY)
    assert [p.code for p in v.problems] == ["NIK_SEX_MISMATCH"]
    problem = v.problems[0]
    assert "PEREMPUAN" in problem.message_id and "LAKI-LAKI" in problem.message_id
    assert "female" in problem.message_en


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("350501410199000", ["NIK_FORMAT"]),  # 15 digits
        ("35050141019900011", ["NIK_FORMAT"]),  # 17 digits
        ("35050141O1990001", ["NIK_FORMAT"]),  # letter O
        ("", ["NIK_FORMAT"]),
        ("9905014101990001", ["NIK_PROVINCE_UNKNOWN"]),
        ("3500014101990001", ["NIK_REGENCY_MISSING"]),
        ("3505004101990001", ["NIK_DISTRICT_MISSING"]),
        ("3505013201990001", ["NIK_DAY_INVALID"]),  # 32
        ("3505017201990001", ["NIK_DAY_INVALID"]),  # 72
        ("3505010001990001", ["NIK_DAY_INVALID"]),  # 00
        ("3505014113990001", ["NIK_MONTH_INVALID"]),
        ("3505013102990001", ["NIK_DATE_INVALID"]),  # 31 February
        ("3505017104990001", ["NIK_DATE_INVALID"]),  # woman, 31 April
        ("3505014101990000", ["NIK_SERIAL_INVALID"]),
    ],
)
def test_each_violation_is_its_own_code(nik, expected):
    assert codes(nik) == expected


def test_all_violations_reported_together():
    assert codes("0000000000000000") == [
        "NIK_PROVINCE_UNKNOWN",
        "NIK_REGENCY_MISSING",
        "NIK_DISTRICT_MISSING",
        "NIK_DAY_INVALID",
        "NIK_MONTH_INVALID",
        "NIK_SERIAL_INVALID",
    ]


def test_birth_date_mismatch_names_both_dates():
    v = validate_nik("3505011201990001", birth_date=date(1999, 1, 13), sex=Sex.MALE, today=TODAY)
    assert [p.code for p in v.problems] == ["NIK_BIRTHDATE_MISMATCH"]
    assert "12-01-99" in v.problems[0].message_id and "13-01-1999" in v.problems[0].message_id


def test_birth_year_century_mismatch():
    # Same day and month, year 1899 vs NIK "99" is fine by two digits; 2000 vs "99" is not.
    assert codes("3505011201990001", birth_date=date(2000, 1, 12)) == ["NIK_BIRTHDATE_MISMATCH"]


def test_future_birth_date():
    assert "NIK_BIRTHDATE_FUTURE" in codes("3505011212270001", birth_date=date(2027, 12, 12))


def test_two_digit_year_resolves_to_latest_past_year():
    assert validate_nik("3505011201250001", today=TODAY).birth_date == date(2025, 1, 12)
    assert validate_nik("3505011201300001", today=TODAY).birth_date == date(1930, 1, 12)


def test_leap_day_uses_stated_century():
    v = validate_nik("3505012902000001", birth_date=date(2000, 2, 29), sex=Sex.MALE, today=TODAY)
    assert v.valid, v.problems


def test_messages_are_bilingual_and_distinct():
    problems = validate_nik("0000000000000000", today=TODAY).problems
    assert len({p.message_id for p in problems}) == len(problems)
    assert len({p.message_en for p in problems}) == len(problems)
    for p in problems:
        assert p.message_id != p.message_en
        assert p.as_dict("en")["message"] == p.message_en


def test_unknown_regency_is_still_valid_with_no_name():
    # Regencies get split and renumbered; an old NIK keeps its code. Valid, just unnamed.
    v = validate_nik("3599014101990001", today=TODAY)
    assert v.valid
    assert v.region.regency is None and v.region.province == "Jawa Timur"


@pytest.mark.parametrize(
    ("kk", "expected"),
    [
        ("3505010101990001", []),
        ("350501010199000", ["KK_FORMAT"]),
        ("35050101019900a1", ["KK_FORMAT"]),
        ("0005010101990001", ["KK_PROVINCE_UNKNOWN"]),
    ],
)
def test_kk_number(kk, expected):
    assert [p.code for p in validate_kk(kk)] == expected


# --- properties ----------------------------------------------------------------------------

DISTRICTS = [r.code for r in regions.children("35.05")] + ["11.01.01", "94.71.01", "31.71.01"]
birth_dates = st.dates(min_value=date(1927, 1, 1), max_value=TODAY - timedelta(days=1))
sexes = st.sampled_from(list(Sex))


@given(st.sampled_from(DISTRICTS), birth_dates, sexes, st.integers(1, 9999))
def test_composed_nik_is_valid_and_round_trips(district, born, sex, serial):
    nik = make_nik(district, born, sex, serial)
    v = validate_nik(nik, birth_date=born, sex=sex, today=TODAY)
    assert v.valid, v.problems
    assert v.birth_date == born
    assert v.sex is sex
    assert v.region.district_code == district
    assert int(v.serial) == serial


@given(st.sampled_from(DISTRICTS), birth_dates, sexes, st.integers(1, 9999))
def test_wrong_sex_is_always_caught(district, born, sex, serial):
    nik = make_nik(district, born, sex, serial)
    other = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
    assert codes(nik, birth_date=born, sex=other) == ["NIK_SEX_MISMATCH"]


@given(st.sampled_from(DISTRICTS), birth_dates, birth_dates, sexes)
def test_other_birth_date_is_always_caught(district, born, stated, sex):
    assume((born.day, born.month, born.year % 100) != (stated.day, stated.month, stated.year % 100))
    nik = make_nik(district, born, sex, 1)
    assert codes(nik, birth_date=stated, sex=sex) == ["NIK_BIRTHDATE_MISMATCH"]


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    v = validate_nik(text, today=TODAY)
    assert v.valid == (len(v.problems) == 0)
    if not (len(text.strip()) == 16 and text.strip().isascii() and text.strip().isdigit()):
        assert [p.code for p in v.problems] == ["NIK_FORMAT"]


@settings(max_examples=300)
@given(st.from_regex(r"\d{16}", fullmatch=True))
def test_any_16_digits_gets_a_verdict_consistent_with_its_fields(nik):
    v = validate_nik(nik, today=TODAY)
    found = {p.code for p in v.problems}
    assert ("NIK_PROVINCE_UNKNOWN" in found) == (nik[:2] not in regions.province_codes())
    assert ("NIK_REGENCY_MISSING" in found) == (nik[2:4] == "00")
    assert ("NIK_DISTRICT_MISSING" in found) == (nik[4:6] == "00")
    day = int(nik[6:8])
    assert ("NIK_DAY_INVALID" in found) == (not (1 <= day <= 31 or 41 <= day <= 71))
    assert ("NIK_MONTH_INVALID" in found) == (not 1 <= int(nik[8:10]) <= 12)
    assert ("NIK_SERIAL_INVALID" in found) == (nik[12:] == "0000")
    if v.valid:
        assert v.sex is (Sex.FEMALE if day > 40 else Sex.MALE)
        assert v.birth_date <= TODAY
