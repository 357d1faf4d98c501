"""Applicant model, eligibility, domicile, statuses, roles, enrollment completeness."""

from __future__ import annotations

from datetime import date

import pytest

from station.domain import (
    Capture,
    Enrollment,
    ExceptionReason,
    FingerCapture,
    FingerException,
    FingerPosition,
    MaritalStatus,
    Permission,
    RecordStatus,
    Role,
    RuleViolation,
    TransitionError,
    can,
    card_issue_date,
    check_transition,
    eligibility_problems,
    is_domicile_recording,
    parse_applicant,
)


def applicant_data(**overrides):
    data = {
        "nik": "3505014101990001",
        "kk_number": "3505010101990001",
        "full_name": " siti   aminah ",
        "place_of_birth": "Blitar",
        "date_of_birth": "1999-01-01",
        "sex": "P",
        "blood_type": "O+",
        "address": {"street": "Jl. Merdeka 1", "rt": "1", "rw": "12", "village_code": "3505082001"},
        "religion": "ISLAM",
        "marital_status": "BELUM KAWIN",
        "occupation": "Petani/Pekebun",
    }
    data.update(overrides)
    return data


def test_valid_applicant_normalises_fields():
    a = parse_applicant(applicant_data())
    assert a.full_name == "SITI AMINAH"
    assert a.place_of_birth == "BLITAR"
    assert a.occupation == "PETANI/PEKEBUN"
    assert (a.address.rt, a.address.rw) == ("001", "012")
    assert a.address.village_code == "35.05.08.2001"
    assert a.address.district == "Wonotirto"
    assert a.address.regency == "Kabupaten Blitar"
    assert a.address.province == "Jawa Timur"
    assert a.citizenship == "WNI"


def test_nik_rules_apply_inside_the_model():
    with pytest.raises(RuleViolation) as exc:
        parse_applicant(applicant_data(sex="L"))
    assert exc.value.codes == ["NIK_SEX_MISMATCH"]


def test_every_problem_reported_at_once():
    with pytest.raises(RuleViolation) as exc:
        parse_applicant(
            applicant_data(
                full_name="Budi 2",
                religion="JEDI",
                nik="3505013201990001",
                kk_number="12",
                address=None,
            )
        )
    found = set(exc.value.codes)
    assert {
        "FIELD_INVALID_FULL_NAME",
        "FIELD_INVALID_RELIGION",
        "FIELD_INVALID_ADDRESS",
        "NIK_DAY_INVALID",
        "KK_FORMAT",
    } <= found
    nama = next(p for p in exc.value.problems if p.code == "FIELD_INVALID_FULL_NAME")
    assert nama.message_id.startswith("Nama lengkap") and nama.message_en.startswith("Full name")


@pytest.mark.parametrize("village", ["3505082999", "35.05.08", "abc"])
def test_unknown_village_rejected(village):
    data = applicant_data()
    data["address"] = dict(data["address"], village_code=village)
    with pytest.raises(RuleViolation) as exc:
        parse_applicant(data)
    assert "FIELD_INVALID_VILLAGE_CODE" in exc.value.codes


@pytest.mark.parametrize("rt", ["0", "1000", "1a", ""])
def test_bad_rt(rt):
    data = applicant_data()
    data["address"] = dict(data["address"], rt=rt)
    with pytest.raises(RuleViolation) as exc:
        parse_applicant(data)
    assert exc.value.codes == ["FIELD_INVALID_RT"]


def test_missing_fields_named():
    with pytest.raises(RuleViolation) as exc:
        parse_applicant({})
    assert "FIELD_MISSING_NIK" in exc.value.codes
    assert "FIELD_MISSING_OCCUPATION" in exc.value.codes


def test_recording_is_allowed_from_the_16th_birthday():
    a = parse_applicant(applicant_data(nik="3505014101100001", date_of_birth="2010-01-01"))
    (problem,) = eligibility_problems(a, date(2025, 12, 31))  # the day before turning 16
    assert problem.code == "NOT_ELIGIBLE"
    assert "16 tahun" in problem.message_id and "16th birthday" in problem.message_en
    assert eligibility_problems(a, date(2026, 1, 1)) == ()  # the 16th birthday itself
    assert eligibility_problems(a, date(2026, 11, 29)) == ()  # 16, single: recorded now
    # ... and the card is printed from the 17th birthday
    assert card_issue_date(a, date(2026, 1, 1)) == date(2027, 1, 1)
    assert card_issue_date(a, date(2027, 3, 5)) == date(2027, 3, 5)


def test_card_date_of_a_leap_day_birthday_and_of_a_married_resident():
    leap = parse_applicant(applicant_data(nik="3505016902080001", date_of_birth="2008-02-29"))
    assert card_issue_date(leap, date(2024, 6, 1)) == date(2025, 3, 1)  # no 29 Feb in 2025
    married = parse_applicant(applicant_data(nik="3505014101100001", date_of_birth="2010-01-01",
                                             marital_status="KAWIN"))
    assert card_issue_date(married, date(2026, 6, 1)) == date(2026, 6, 1)


def test_married_minor_is_eligible():
    a = parse_applicant(
        applicant_data(nik="3505014101100001", date_of_birth="2010-01-01", marital_status="KAWIN")
    )
    assert a.marital_status is MaritalStatus.MARRIED
    assert eligibility_problems(a, date(2026, 11, 29)) == ()


def test_domicile_flag():
    local = parse_applicant(applicant_data())
    assert not is_domicile_recording(local, "35.05")
    assert not is_domicile_recording(local, "3505")
    outsider = parse_applicant(applicant_data(nik="3572014101990001", kk_number="3572010101990001"))
    assert is_domicile_recording(outsider, "35.05")


def test_status_transitions():
    check_transition(RecordStatus.CAPTURED, RecordStatus.APPROVED)
    check_transition(RecordStatus.EXPORTED, RecordStatus.ACKNOWLEDGED)
    with pytest.raises(TransitionError, match="SEALED"):
        check_transition(RecordStatus.SEALED, RecordStatus.APPROVED)
    with pytest.raises(TransitionError):
        check_transition(RecordStatus.DRAFT, RecordStatus.SEALED)
    with pytest.raises(TransitionError):
        check_transition(RecordStatus.PURGED, RecordStatus.DRAFT)


def test_roles():
    assert can(Role.SUPERVISOR, Permission.APPROVE)
    assert not can(Role.OPERATOR, Permission.APPROVE)
    assert not can(Role.SUPERVISOR, Permission.MANAGE_OPERATORS)
    assert all(can(Role.ADMIN, p) for p in Permission)


def _cap(pos=None, quality=80.0, forced_by=None):
    if pos is None:
        return Capture(data=b"x", format="jpeg", device_id="sim")
    return FingerCapture(
        data=b"x", format="wsq", device_id="sim", position=pos, quality=quality, forced_by=forced_by
    )


def test_enrollment_completeness():
    e = Enrollment(station_id="S1", operator="op")
    first = {p.code for p in e.completeness_problems()}
    assert {"MISSING_DEMOGRAPHICS", "MISSING_FACE", "MISSING_SIGNATURE"} <= first
    assert {f"MISSING_FINGER_{i}" for i in range(1, 11)} <= first

    fingers = {p: _cap(p) for p in FingerPosition if p is not FingerPosition.LEFT_LITTLE}
    fingers[FingerPosition.RIGHT_INDEX] = _cap(FingerPosition.RIGHT_INDEX, quality=22)
    exc = FingerException(position=FingerPosition.LEFT_LITTLE, reason=ExceptionReason.BANDAGED)
    e = e.model_copy(
        update={
            "applicant": parse_applicant(applicant_data()),
            "face": _cap(),
            "signature": _cap(),
            "fingers": fingers,
            "finger_exceptions": {FingerPosition.LEFT_LITTLE: exc},
        }
    )
    assert {p.code for p in e.completeness_problems()} == {
        "EXCEPTION_UNCONFIRMED_10",
        "FINGER_QUALITY_LOW_2",
    }

    fingers[FingerPosition.RIGHT_INDEX] = _cap(FingerPosition.RIGHT_INDEX, 22, forced_by="sup")
    confirmed = exc.model_copy(update={"confirmed_by": "sup"})
    e = e.model_copy(
        update={"fingers": fingers, "finger_exceptions": {FingerPosition.LEFT_LITTLE: confirmed}}
    )
    assert e.completeness_problems() == []


def test_finger_slot_must_match_capture():
    with pytest.raises(ValueError, match="slot"):
        Enrollment(
            station_id="S",
            operator="o",
            fingers={FingerPosition.LEFT_THUMB: _cap(FingerPosition.RIGHT_THUMB)},
        )
