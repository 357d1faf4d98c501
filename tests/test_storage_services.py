"""Sign-in, roles, lockout, idle lock, and the record lifecycle on a real station database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from station.app import DemoCredential, open_station, provision_demo
from station.domain import FingerPosition, Permission, RecordStatus, RuleViolation, ServerOutcome
from station.services import errors
from storage.vault import FAST_KDF_FOR_TESTS
from tests.storage_helpers import (
    ADMIN,
    OPERATOR,
    SUPERVISOR,
    complete,
    make_applicant,
    provisioned,
    settings_for,
)


@pytest.fixture
def station(tmp_path):
    st, _ = provisioned(tmp_path / "data")
    yield st
    st.close()


def test_demo_provisioning_is_idempotent(tmp_path):
    settings = settings_for(tmp_path / "demo")
    first = provision_demo(settings, kdf=FAST_KDF_FOR_TESTS)
    again = provision_demo(settings, kdf=FAST_KDF_FOR_TESTS)
    assert first == again
    assert DemoCredential("operator", "rekam-operator", "operator") in first
    assert {c.username for c in first} == {"operator", "supervisor", "admin"}
    st = open_station(settings)
    try:
        assert st.is_provisioned() and st.station_id == "DEMO-BLITAR-01"
        assert st.region_code == "35.05"
        for cred in first:
            session = st.auth.sign_in(cred.username, cred.password)
            assert session.operator.role.value == cred.role
        st.auth.sign_in("admin", "rekam-admin")
        assert len(st.operators.list()) == 3
    finally:
        st.close()


def test_fresh_station_is_not_provisioned_and_refuses_sign_in(tmp_path):
    st = open_station(settings_for(tmp_path / "fresh"))
    try:
        assert not st.is_provisioned()
        with pytest.raises(errors.NotProvisioned):
            st.auth.sign_in("admin", "whatever1")
    finally:
        st.close()


def test_sign_in_session_and_distinct_refusals(station):
    with pytest.raises(errors.NotSignedIn) as not_signed:
        station.records.create_draft()
    session = station.auth.sign_in(*OPERATOR)
    assert station.auth.current is session
    assert session.operator.username == "operator" and session.signed_in_at <= datetime.now(UTC)
    with pytest.raises(errors.NotPermitted) as no_right:
        station.records.approve(["x"])
    assert no_right.value.permission is Permission.APPROVE
    station.auth.sign_out()
    assert station.auth.current is None
    with pytest.raises(errors.WrongPassword) as wrong:
        station.auth.sign_in(OPERATOR[0], "not-the-password")
    assert wrong.value.attempts_left == 4
    with pytest.raises(errors.UnknownOperator):
        station.auth.sign_in("nobody", "whatever1")
    station.auth.sign_in(*ADMIN)
    station.operators.lock(OPERATOR[0])
    station.auth.sign_out()
    with pytest.raises(errors.AccountLocked) as locked:
        station.auth.sign_in(*OPERATOR)
    assert locked.value.until is None
    messages = {e.value.problem.code: str(e.value)
                for e in (not_signed, no_right, wrong, locked)}
    assert set(messages) == {"NOT_SIGNED_IN", "NOT_PERMITTED", "WRONG_PASSWORD", "ACCOUNT_LOCKED"}
    assert len(set(messages.values())) == 4
    assert "salah" in messages["WRONG_PASSWORD"] and "Wrong" in messages["WRONG_PASSWORD"]
    assert "approve" in messages["NOT_PERMITTED"]
    refusals = (not_signed, no_right, wrong, locked)
    assert all(isinstance(e.value, errors.ServiceError) for e in refusals)


def test_lockout_after_five_failures_then_doubles(station):
    for _ in range(4):
        with pytest.raises(errors.WrongPassword):
            station.auth.sign_in(OPERATOR[0], "bad-password")
    with pytest.raises(errors.AccountLocked) as first:
        station.auth.sign_in(OPERATOR[0], "bad-password")
    minutes = (first.value.until - datetime.now(UTC)).total_seconds() / 60
    assert 4.9 < minutes <= 5.0
    # Even the right password is refused while locked out (checked before the KDF runs).
    with pytest.raises(errors.AccountLocked):
        station.auth.sign_in(*OPERATOR)
    # Let the lockout expire (rewind it in the database), fail five times again: 10 minutes.
    with station.engine.begin() as conn:
        conn.execute(text("UPDATE operators SET lockout_until='2000-01-01T00:00:00.000000Z' "
                          "WHERE username='operator'"))
    for _ in range(4):
        with pytest.raises(errors.WrongPassword):
            station.auth.sign_in(OPERATOR[0], "bad-password")
    with pytest.raises(errors.AccountLocked) as second:
        station.auth.sign_in(OPERATOR[0], "bad-password")
    minutes = (second.value.until - datetime.now(UTC)).total_seconds() / 60
    assert 9.9 < minutes <= 10.0
    # An admin unlock clears it; a success resets the doubling.
    station.auth.sign_in(*ADMIN)
    station.operators.unlock(OPERATOR[0])
    station.auth.sign_in(*OPERATOR)
    with station.engine.connect() as conn:
        row = conn.execute(text("SELECT failed_attempts, lockout_level FROM operators "
                                "WHERE username='operator'")).one()
    assert tuple(row) == (0, 0)


def test_idle_lock_keeps_session_and_unlock_needs_same_password(station):
    session = station.auth.sign_in(*OPERATOR)
    draft = station.records.create_draft()
    assert not station.auth.idle_lock_if_due(datetime.now(UTC) + timedelta(seconds=10))
    assert station.auth.idle_lock_if_due(datetime.now(UTC) + timedelta(seconds=301))
    assert station.auth.current is session and session.locked
    with pytest.raises(errors.StationLocked):
        station.records.save_captured(complete(draft, 1))
    with pytest.raises(errors.StationLocked):
        station.identity.sign(b"x")
    with pytest.raises(errors.WrongPassword):
        station.auth.unlock(SUPERVISOR[1])  # another operator's password does not unlock
    station.auth.unlock(OPERATOR[1])
    record_id = station.records.save_captured(complete(draft, 1))
    assert station.records.open(record_id).record_id == draft.record_id


def test_save_open_roundtrip(station):
    station.auth.sign_in(*OPERATOR)
    draft = station.records.create_draft()
    assert draft.status is RecordStatus.DRAFT and draft.operator == "operator"
    enrollment = complete(draft, 7)
    record_id = station.records.save_captured(enrollment)
    opened = station.records.open(record_id)
    assert opened.status is RecordStatus.CAPTURED
    assert opened.applicant == enrollment.applicant
    assert opened.face == enrollment.face
    assert opened.signature == enrollment.signature
    assert opened.signature_image == enrollment.signature_image
    assert opened.fingers == enrollment.fingers
    assert opened.created_at == enrollment.created_at
    assert opened.domicile_recording is False
    (summary,) = station.records.list()
    assert summary.record_id == record_id and summary.status is RecordStatus.CAPTURED
    assert summary.finger_count == 10 and summary.exception_count == 0
    assert summary.district_code == enrollment.applicant.address.district_code
    assert station.records.counts_by_status()[RecordStatus.CAPTURED] == 1


def test_incomplete_record_is_refused_and_nothing_saved(station):
    station.auth.sign_in(*OPERATOR)
    draft = complete(station.records.create_draft(), 3)
    fingers = dict(draft.fingers)
    del fingers[FingerPosition.LEFT_LITTLE]
    with pytest.raises(RuleViolation) as exc:
        station.records.save_captured(draft.model_copy(update={"fingers": fingers, "face": None}))
    assert set(exc.value.codes) == {"MISSING_FACE", "MISSING_FINGER_10"}
    assert station.records.list() == []


def test_duplicate_nik_is_refused_with_date_and_status(station):
    station.auth.sign_in(*OPERATOR)
    first = station.records.save_captured(complete(station.records.create_draft(), 11))
    again = complete(station.records.create_draft(), 99, applicant=make_applicant(11))
    with pytest.raises(errors.DuplicateNik) as dup:
        station.records.save_captured(again)
    assert dup.value.existing[0].record_id == first
    assert "CAPTURED" in str(dup.value)
    hits = station.records.find_by_nik(make_applicant(11).nik)
    assert [h.record_id for h in hits] == [first]
    assert station.records.find_by_nik(make_applicant(12).nik) == []


def test_domicile_flag_for_nik_from_another_regency(station):
    station.auth.sign_in(*OPERATOR)
    applicant = make_applicant(5, regency="35.07")
    record_id = station.records.save_captured(
        complete(station.records.create_draft(), 5, applicant=applicant))
    assert station.records.open(record_id).domicile_recording is True
    assert station.records.list(status="CAPTURED")[0].domicile is True


def test_review_edit_approve_reject_and_filters(station):
    station.auth.sign_in(*OPERATOR)
    ids = [station.records.save_captured(complete(station.records.create_draft(), s))
           for s in (21, 22, 23)]
    station.auth.sign_in(*SUPERVISOR)
    station.records.approve(ids[:2])
    station.records.reject(ids[2], "  foto   buram ")
    rejected = station.records.summary(ids[2])
    assert rejected.status is RecordStatus.REJECTED and rejected.rejection_reason == "foto buram"
    assert rejected.supervisor == "supervisor"
    with pytest.raises(errors.InvalidTransition):
        station.records.approve([ids[2]])
    with pytest.raises(errors.InvalidInput):
        station.records.reject(ids[0], "  ")
    # The operator corrects the rejected record: CAPTURED again, reason cleared.
    station.auth.sign_in(*OPERATOR)
    corrected = station.records.open(ids[2])
    station.records.update(corrected.model_copy(update={"applicant": make_applicant(24)}))
    assert station.records.open(ids[2]).applicant == make_applicant(24)
    assert station.records.summary(ids[2]).status is RecordStatus.CAPTURED
    assert station.records.summary(ids[2]).rejection_reason is None
    with pytest.raises(errors.InvalidTransition):
        station.records.update(station.records.open(ids[0]))  # approved: no more edits
    assert {s.record_id for s in station.records.list(status=RecordStatus.APPROVED)} == set(ids[:2])
    assert len(station.records.list(operator="operator")) == 3
    assert station.records.list(operator="supervisor") == []
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert station.records.list(since=tomorrow) == []
    assert len(station.records.list(until=tomorrow, limit=2)) == 2
    assert len(station.records.list(limit=2, offset=2)) == 1
    district = station.records.summary(ids[0]).district_code
    assert all(s.district_code == district for s in station.records.list(district_code=district))


def test_not_found(station):
    station.auth.sign_in(*SUPERVISOR)
    with pytest.raises(errors.NotFound):
        station.records.open("no-such-record")
    with pytest.raises(errors.NotFound):
        station.records.approve(["no-such-record"])


def _build(enrollment):
    return f"pkt-{enrollment.record_id}", b"SEALED:" + enrollment.record_id.encode()


def test_seal_outbox_delivery_receipt_and_purge(station):
    station.auth.sign_in(*OPERATOR)
    ids = [station.records.save_captured(complete(station.records.create_draft(), s))
           for s in (31, 32)]
    with pytest.raises(errors.NotPermitted):
        station.outbox.seal(ids[0], _build)
    station.auth.sign_in(*SUPERVISOR)
    with pytest.raises(errors.InvalidTransition):
        station.outbox.seal(ids[0], _build)  # not approved yet
    station.records.approve(ids)
    seen = []
    packet_id = station.outbox.seal(ids[0], lambda e: (seen.append(e), _build(e))[1])
    assert seen[0].applicant == make_applicant(31)
    assert packet_id == f"pkt-{ids[0]}"
    with pytest.raises(errors.NotReadable):
        station.records.open(ids[0])
    with station.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM record_fields WHERE record_id=:r"),
                            {"r": ids[0]}).scalar()
        dk = conn.execute(text("SELECT wrapped_dk FROM records WHERE record_id=:r"),
                          {"r": ids[0]}).scalar()
    assert left == 0 and dk is None
    # A failing packet builder leaves the record approved and readable.
    with pytest.raises(RuntimeError):
        station.outbox.seal(ids[1], lambda e: (_ for _ in ()).throw(RuntimeError("boom")))
    assert station.records.open(ids[1]).status is RecordStatus.APPROVED
    (item,) = station.outbox.outbox_pending(10)
    assert (item.packet_id, item.record_id, item.status) == (packet_id, ids[0], RecordStatus.SEALED)
    assert item.bytes == b"SEALED:" + ids[0].encode() and item.attempts == 0
    station.outbox.record_delivery_error(packet_id, "TLS: certificate verify failed")
    (item,) = station.outbox.outbox_pending(10)
    assert item.attempts == 1 and item.last_error.startswith("TLS")
    assert station.outbox.mark_synced([packet_id]) == 1
    assert station.outbox.outbox_pending(10) == []
    assert station.records.summary(ids[0]).status is RecordStatus.SYNCED
    with pytest.raises(errors.NotFound):
        station.outbox.mark_synced(["unknown-packet"])
    assert station.outbox.apply_receipt(packet_id, ServerOutcome.ACCEPTED, None, b"receipt")
    assert not station.outbox.apply_receipt(packet_id, ServerOutcome.ACCEPTED, None, b"receipt")
    assert station.records.summary(ids[0]).status is RecordStatus.ACKNOWLEDGED
    assert station.outbox.purge_acknowledged(timedelta(days=1)) == 0  # too recent
    with pytest.raises(errors.NotPermitted):
        station.records.purge(timedelta(0))
    assert station.outbox.purge_acknowledged(timedelta(0)) == 1
    assert station.records.summary(ids[0]).status is RecordStatus.PURGED
    assert station.audit.verify().ok


def test_server_rejection_goes_back_to_the_operator(station):
    station.auth.sign_in(*OPERATOR)
    record_id = station.records.save_captured(complete(station.records.create_draft(), 41))
    station.auth.sign_in(*SUPERVISOR)
    station.records.approve([record_id])
    packet_id = station.outbox.seal(record_id, _build)
    assert station.outbox.mark_exported([packet_id], "batch-1") == 1
    assert station.records.summary(record_id).status is RecordStatus.EXPORTED
    assert [i.packet_id for i in station.outbox.outbox_pending(5)] == [packet_id]
    reason = "sidik jari tidak terbaca"
    station.outbox.apply_receipt(packet_id, ServerOutcome.REJECTED, reason, b"r")
    (back,) = station.records.list(server_outcome="REJECTED")
    assert back.record_id == record_id and back.server_reason == "sidik jari tidak terbaca"


def test_identity_signs_and_config_store(station):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    station.auth.sign_in(*OPERATOR)
    signature = station.identity.sign(b"packet")
    public = Ed25519PublicKey.from_public_bytes(station.identity.public_key_bytes())
    public.verify(signature, b"packet")
    assert station.identity.station_id == "TEST-BLITAR-01"
    with pytest.raises(errors.NotPermitted):
        station.config_store.set("server_url", "https://example.invalid")
    station.auth.sign_in(*ADMIN)
    station.config_store.set("server_url", "https://collect.example.id")
    assert station.config_store.get("server_url") == "https://collect.example.id"
    with pytest.raises(errors.InvalidInput):
        station.config_store.set("station_id", "OTHER")
    assert station.config_store.get("missing", "default") == "default"
