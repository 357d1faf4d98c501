"""The outbox's batch calls (`seal_many`, `apply_receipts`) on a real station database: one
transaction each, all or nothing, one audit event per record, idempotent receipts; and the
station id rule provisioning shares with the packet format."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.app import open_station
from station.domain import RecordStatus, ServerOutcome
from station.services import errors
from storage.vault import FAST_KDF_FOR_TESTS
from tests.storage_helpers import (
    ADMIN,
    OPERATOR,
    REGION,
    SUPERVISOR,
    complete,
    provisioned,
    settings_for,
    shrink,
)

S = RecordStatus


@pytest.fixture
def station(tmp_path):
    st, _ = provisioned(tmp_path / "data")
    yield st
    st.close()


def _approved(station, first: int, count: int) -> list[str]:  # noqa: ANN001
    station.auth.sign_in(*OPERATOR)
    ids = station.records.save_captured_many([
        shrink(complete(station.records.create_draft(), seed))
        for seed in range(first, first + count)
    ])
    station.auth.sign_in(*SUPERVISOR)
    station.records.approve(ids)
    return ids


def _build(e):  # noqa: ANN001, ANN202
    return f"pkt-{e.record_id}", b"SEALED:" + e.record_id.encode() + e.applicant.nik.encode()


def _db(station, sql: str, **params):  # noqa: ANN001, ANN202
    with station.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _events(station, action: str) -> list[str]:  # noqa: ANN001
    return [r[0] for r in _db(station, "SELECT record_id FROM audit_events WHERE action = :a "
                                       "ORDER BY seq", a=action)]


def _state(station) -> tuple:  # noqa: ANN001
    """Everything sealing and receipts touch, to show that a refused call changed nothing."""
    return (
        _db(station, "SELECT record_id, status, wrapped_dk, packet_id, server_outcome, "
                     "server_reason, updated_at FROM records ORDER BY record_id"),
        _db(station, "SELECT record_id, field, ciphertext FROM record_fields "
                     "ORDER BY record_id, field"),
        _db(station, "SELECT * FROM outbox ORDER BY packet_id"),
        _db(station, "SELECT * FROM outbox_packets ORDER BY packet_id"),
        _db(station, "SELECT seq, hash FROM audit_events ORDER BY seq"),
    )


def test_seal_many_seals_all_in_one_go_with_one_audit_event_each(station):
    ids = _approved(station, 1, 6)
    packet_ids = station.outbox.seal_many(ids + [ids[0]], _build)  # a repeated id: sealed once
    assert packet_ids == [f"pkt-{i}" for i in ids]
    for record_id in ids:
        summary = station.records.summary(record_id)
        assert (summary.status, summary.packet_id) == (S.SEALED, f"pkt-{record_id}")
        with pytest.raises(errors.NotReadable):
            station.records.open(record_id)
    assert _db(station, "SELECT count(*) FROM record_fields")[0][0] == 0
    assert _db(station, "SELECT count(*) FROM records WHERE wrapped_dk IS NOT NULL")[0][0] == 0
    assert _events(station, "seal") == ids
    items = station.outbox.outbox_pending(10)
    assert [i.packet_id for i in items] == packet_ids  # in sealing order
    assert items[2].bytes.startswith(b"SEALED:" + ids[2].encode())
    assert station.audit.verify().ok
    with pytest.raises(errors.InvalidTransition):  # sealed already: refused, nothing changes
        station.outbox.seal_many(ids[:1], _build)


def test_seal_many_is_all_or_nothing_when_the_fifth_build_fails(station):
    ids = _approved(station, 11, 8)
    before = _state(station)
    built = []

    def build(e):  # noqa: ANN001, ANN202
        if len(built) == 4:
            raise RuntimeError("HPKE failed on the 5th record")
        built.append(e.record_id)
        return _build(e)

    with pytest.raises(RuntimeError, match="5th"):
        station.outbox.seal_many(ids, build)
    assert built == ids[:4]  # four packets were built, none of them kept
    assert _state(station) == before
    for record_id in ids:
        assert station.records.open(record_id).status is S.APPROVED  # still readable
    assert _events(station, "seal") == []
    assert station.audit.verify().ok
    assert station.outbox.seal_many(ids, _build) == [f"pkt-{i}" for i in ids]  # then it works


@pytest.mark.parametrize("case", ["missing", "not_approved", "bad_packet_id", "empty_packet"])
def test_seal_many_refusals_change_nothing(station, case):
    ids = _approved(station, 21, 3)
    build = _build
    if case == "missing":
        ids.insert(1, "no-such-record")
        expected: type[Exception] = errors.NotFound
    elif case == "not_approved":
        station.auth.sign_in(*OPERATOR)
        ids.append(station.records.save_captured(
            shrink(complete(station.records.create_draft(), 29))))
        station.auth.sign_in(*SUPERVISOR)
        expected = errors.InvalidTransition
    elif case == "bad_packet_id":
        def build(e):  # noqa: ANN001, ANN202
            return ("x" * 65 if e.record_id == ids[2] else f"p-{e.record_id}"), b"packet"
        expected = ValueError
    else:
        def build(e):  # noqa: ANN001, ANN202
            return f"p-{e.record_id}", (b"" if e.record_id == ids[2] else b"packet")
        expected = ValueError
    before = _state(station)
    with pytest.raises(expected):
        station.outbox.seal_many(ids, build)
    assert _state(station) == before


def test_seal_many_needs_the_seal_permission_and_an_unlocked_station(station):
    ids = _approved(station, 31, 2)
    station.auth.sign_in(*OPERATOR)
    with pytest.raises(errors.NotPermitted):
        station.outbox.seal_many(ids, _build)
    station.auth.sign_out()
    with pytest.raises(errors.NotSignedIn):
        station.outbox.seal_many(ids, _build)
    assert [station.outbox.outbox_pending(5)] == [[]]


def test_apply_receipts_one_transaction_idempotent_and_audited(station):
    ids = _approved(station, 41, 4)
    pids = station.outbox.seal_many(ids, _build)
    station.outbox.mark_exported(pids[3:], "batch-1")
    receipts = [
        (pids[0], ServerOutcome.ACCEPTED, None, b"r0"),
        (pids[1], "DUPLICATE", "NIK sudah diterima / NIK already accepted", b"r1"),
        (pids[2], ServerOutcome.REJECTED, "sidik jari tidak terbaca", b"r2"),
        (pids[0], ServerOutcome.ACCEPTED, None, b"r0"),  # the same receipt twice in one list
        (pids[3], ServerOutcome.ACCEPTED, "", b"r3"),
    ]
    assert station.outbox.apply_receipts(receipts) == 4
    summaries = {i: station.records.summary(i) for i in ids}
    assert all(s.status is S.ACKNOWLEDGED for s in summaries.values())
    assert [summaries[i].server_outcome for i in ids] == [
        ServerOutcome.ACCEPTED, ServerOutcome.DUPLICATE, ServerOutcome.REJECTED,
        ServerOutcome.ACCEPTED]
    assert summaries[ids[2]].server_reason == "sidik jari tidak terbaca"
    assert summaries[ids[3]].server_reason is None
    assert _db(station, "SELECT packet_id, receipt FROM outbox WHERE acknowledged_at IS NOT NULL "
                        "ORDER BY packet_id") == sorted(
        [(pids[0], b"r0"), (pids[1], b"r1"), (pids[2], b"r2"), (pids[3], b"r3")])
    assert _events(station, "receipt") == ids
    # Applying the same receipts again changes nothing at all.
    before = _state(station)
    assert station.outbox.apply_receipts(receipts) == 0
    report = station.outbox.apply_receipts_report(receipts)
    assert (report.applied, report.unknown) == ([], [])
    assert sorted(report.already) == sorted(pids[:4] + [pids[0]])
    assert _state(station) == before
    assert station.audit.verify().ok


def test_apply_receipts_with_an_unknown_packet_applies_nothing(station):
    ids = _approved(station, 51, 3)
    pids = station.outbox.seal_many(ids, _build)
    before = _state(station)
    items = [(p, ServerOutcome.ACCEPTED, None, b"r") for p in pids]
    with pytest.raises(errors.NotFound, match="pkt-unknown"):
        station.outbox.apply_receipts(items[:2] + [("pkt-unknown", "ACCEPTED", None, b"r")])
    assert _state(station) == before
    report = station.outbox.apply_receipts_report(
        items[:2] + [("pkt-unknown", "ACCEPTED", None, b"r")])
    assert (report.applied, report.unknown, report.outcomes) == (
        pids[:2], ["pkt-unknown"], {"ACCEPTED": 2})
    assert station.records.summary(ids[2]).status is S.SEALED
    with pytest.raises(ValueError):  # an outcome that does not exist: refused before writing
        station.outbox.apply_receipts([(pids[2], "MAYBE", None, b"r")])
    assert station.records.summary(ids[2]).status is S.SEALED
    assert station.audit.verify().ok


@pytest.mark.parametrize("bad", ["", "BLT 01", "-BLT", ".hidden", "A" * 65, "STASIUN/1",
                                 "BLITAR\u00a001", "Ätzel-01", "a\nb"])
def test_provision_refuses_a_station_id_packets_cannot_carry(tmp_path, bad):
    station = open_station(settings_for(tmp_path / "data"))
    try:
        with pytest.raises(errors.InvalidInput) as info:
            station.provision(bad, REGION, *ADMIN, kdf=FAST_KDF_FOR_TESTS)
        problem = info.value.problem
        assert problem.code == "STATION_ID_INVALID"
        assert "A-Z a-z 0-9 . _ -" in problem.message_id and "starting with" in problem.message_en
        assert not station.is_provisioned()
    finally:
        station.close()


def test_provision_takes_the_longest_station_id_packets_carry(tmp_path):
    from station.services.sync import SyncService
    from sync.keys import StationPublicKey

    station_id = "Blt_01.kec-" + "9" * 53  # 64 characters
    station = open_station(settings_for(tmp_path / "data"))
    try:
        station.provision(f"  {station_id} ", REGION, *ADMIN, kdf=FAST_KDF_FOR_TESTS)
        assert station.station_id == station_id
        key = SyncService(station).station_public_key()
        assert StationPublicKey.from_json(key.to_json()).station_id == station_id
    finally:
        station.close()
