"""The vault's guarantees: nothing readable on disk, tampering named, keys in slots only."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import text

from station.app import open_station
from station.domain import RecordStatus
from station.logsetup import configure_logging
from station.services import errors
from storage import vault
from tests.storage_helpers import (
    ADMIN,
    OPERATOR,
    SUPERVISOR,
    complete,
    face_jpeg,
    finger_wsq,
    make_applicant,
    provisioned,
    settings_for,
    signature_png,
)


@pytest.fixture
def station(tmp_path):
    st, code = provisioned(tmp_path / "data")
    st.recovery_code_for_test = code
    yield st
    st.close()


def _files(data_dir):
    return [p for p in data_dir.rglob("*") if p.is_file()]


def _secrets(applicants) -> dict[str, bytes]:
    needles: dict[str, bytes] = {}
    for a in applicants:
        needles[f"nik {a.nik}"] = a.nik.encode()
        needles[f"kk {a.kk_number}"] = a.kk_number.encode()
        needles[f"name {a.full_name}"] = a.full_name.encode()
        needles[f"street {a.address.street}"] = a.address.street.encode()
    for label, blob in (("jpeg", face_jpeg()), ("png", signature_png()), ("wsq", finger_wsq(3))):
        needles[f"{label} header"] = blob[:48]
        needles[f"{label} middle"] = blob[len(blob) // 2 : len(blob) // 2 + 48]
    return needles


def _scan(data_dir, needles) -> list[str]:
    found = []
    for path in _files(data_dir):
        content = path.read_bytes()
        found += [f"{label} in {path.name}" for label, n in needles.items() if n in content]
    return found


def test_no_plaintext_anywhere_in_the_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    station, _ = provisioned(data_dir)
    configure_logging(data_dir / "logs", "DEBUG")
    try:
        station.auth.sign_in(*OPERATOR)
        applicants = [make_applicant(s) for s in range(60, 66)]
        ids = [station.records.save_captured(complete(station.records.create_draft(), s,
                                                      applicant=a))
               for s, a in zip(range(60, 66), applicants, strict=True)]
        station.records.update(station.records.open(ids[0]))  # an edit rewrites every field
        station.auth.sign_in(*SUPERVISOR)
        station.records.approve(ids[:3])
        station.records.reject(ids[3], "foto buram")
        station.outbox.seal(ids[0], lambda e: ("p-1", b"opaque packet"))
        logging.getLogger("station").info("saved %s records", len(ids))
        needles = _secrets(applicants)
        # Sanity: the needles are findable when they are there.
        probe = data_dir / "probe.bin"
        probe.write_bytes(b"xx" + needles["jpeg middle"] + b"xx")
        assert _scan(data_dir, needles) == ["jpeg middle in probe.bin"]
        probe.unlink()
        # While open (WAL not yet checkpointed), and after closing.
        assert (data_dir / "station.sqlite-wal").exists()
        assert _scan(data_dir, needles) == []
    finally:
        station.close()
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_rekam", False):
                logging.getLogger().removeHandler(handler)
                handler.close()
    assert _scan(data_dir, needles) == []
    assert any(p.name == "rekam.log" for p in _files(data_dir))


def test_flipped_byte_on_disk_names_record_and_field(tmp_path):
    data_dir = tmp_path / "data"
    station, _ = provisioned(data_dir)
    station.auth.sign_in(*OPERATOR)
    ids = [station.records.save_captured(complete(station.records.create_draft(), s))
           for s in (70, 71)]
    with station.engine.connect() as conn:
        blob = conn.execute(text("SELECT ciphertext FROM record_fields WHERE record_id=:r "
                                 "AND field='finger.3'"), {"r": ids[0]}).scalar()
    station.close()  # checkpoints the WAL into the main file
    db = data_dir / "station.sqlite"
    content = bytearray(db.read_bytes())
    at = content.find(blob[40:200])
    assert at > 0 and content.find(blob[40:200], at + 1) == -1
    content[at + 50] ^= 0x01
    db.write_bytes(bytes(content))
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    station = open_station(settings_for(data_dir))
    try:
        station.auth.sign_in(*OPERATOR)
        with pytest.raises(errors.IntegrityError) as exc:
            station.records.open(ids[0])
        assert (exc.value.record_id, exc.value.field) == (ids[0], "finger.3")
        assert ids[0] in str(exc.value) and "finger.3" in str(exc.value)
        # The rest of the store stays usable.
        assert station.records.open(ids[1]).applicant == make_applicant(71)
        assert {s.record_id for s in station.records.list()} == set(ids)
        station.records.save_captured(complete(station.records.create_draft(), 72))
    finally:
        station.close()


def test_swapped_or_damaged_ciphertexts_are_detected(station):
    station.auth.sign_in(*OPERATOR)
    a, b = (station.records.save_captured(complete(station.records.create_draft(), s))
            for s in (80, 81))
    with station.engine.begin() as conn:
        # Move b's applicant into a: same station key, but bound to another record id.
        conn.execute(text(
            "UPDATE record_fields SET ciphertext=(SELECT ciphertext FROM record_fields "
            "WHERE record_id=:b AND field='applicant') WHERE record_id=:a AND field='applicant'"),
            {"a": a, "b": b})
        # Relabel b's face ciphertext as its portrait field: bound to another field name.
        conn.execute(text("UPDATE record_fields SET field='portrait' WHERE record_id=:b "
                          "AND field='face'"), {"b": b})
    with pytest.raises(errors.IntegrityError) as exc_a:
        station.records.open(a)
    assert exc_a.value.field == "applicant"
    with pytest.raises(errors.IntegrityError) as exc_b:
        station.records.open(b)
    assert (exc_b.value.record_id, exc_b.value.field) == (b, "portrait")
    with station.engine.begin() as conn:
        wrapped = conn.execute(text("SELECT wrapped_dk FROM records WHERE record_id=:a"),
                               {"a": a}).scalar()
        damaged = wrapped[:20] + bytes([wrapped[20] ^ 0x80]) + wrapped[21:]
        conn.execute(text("UPDATE records SET wrapped_dk=:w WHERE record_id=:a"),
                     {"a": a, "w": damaged})
    with pytest.raises(errors.IntegrityError) as exc_dk:
        station.records.open(a)
    assert exc_dk.value.field == "data_key"


def test_station_key_only_in_slots_password_change_rewraps_one_slot(station):
    station.auth.sign_in(*OPERATOR)
    record_id = station.records.save_captured(complete(station.records.create_draft(), 90))
    with station.engine.connect() as conn:
        before = dict(conn.execute(text("SELECT slot_id, wrapped_key FROM key_slots")).all())
    assert set(before) == {"recovery", "password:admin", "password:supervisor",
                           "password:operator"}
    station.operators.change_password(OPERATOR[0], "new-operator-pw", old_password=OPERATOR[1])
    with station.engine.connect() as conn:
        after = dict(conn.execute(text("SELECT slot_id, wrapped_key FROM key_slots")).all())
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"password:operator"}
    station.auth.sign_out()
    with pytest.raises(errors.WrongPassword):
        station.auth.sign_in(*OPERATOR)
    station.auth.sign_in(OPERATOR[0], "new-operator-pw")
    assert station.records.open(record_id).applicant == make_applicant(90)
    # Someone else's password: only an admin.
    with pytest.raises(errors.NotPermitted):
        station.operators.change_password(SUPERVISOR[0], "hijacked-password")
    with pytest.raises(errors.InvalidInput):
        station.operators.change_password(OPERATOR[0], "short", old_password="new-operator-pw")


def test_recovery_code_resets_a_password(station):
    code = station.recovery_code_for_test
    assert len(vault.normalize_recovery_code(code).replace("-", "")) == 25
    with pytest.raises(errors.InvalidInput) as wrong:
        station.recover("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", ADMIN[0], "fresh-admin-pw")
    assert wrong.value.code == "WRONG_RECOVERY_CODE"
    station.recover(code.lower().replace("-", " "), ADMIN[0], "fresh-admin-pw")
    station.auth.sign_in(ADMIN[0], "fresh-admin-pw")
    actions = [e.action for e in station.audit.events(10)]
    assert actions.count("recovery") == 2
    assert station.audit.verify().ok


def test_slot_keeps_its_kdf_parameters(station):
    with station.engine.connect() as conn:
        kdfs = {r[0] for r in conn.execute(text("SELECT kdf FROM key_slots")).all()}
    assert kdfs == {vault.FAST_KDF_FOR_TESTS.to_json()}
    assert vault.DEFAULT_KDF.memory_kib == 65536 and vault.DEFAULT_KDF.iterations >= 2


def test_sealed_record_keeps_no_data_key_and_is_unreadable(station):
    station.auth.sign_in(*SUPERVISOR)
    record_id = station.records.save_captured(complete(station.records.create_draft(), 95))
    station.records.approve([record_id])
    station.outbox.seal(record_id, lambda e: ("pk", b"bytes"))
    with station.engine.connect() as conn:
        row = conn.execute(text("SELECT status, wrapped_dk, nik_index IS NOT NULL FROM records "
                                "WHERE record_id=:r"), {"r": record_id}).one()
    assert (row[0], row[1], row[2]) == (RecordStatus.SEALED.value, None, 1)
    with pytest.raises(errors.NotReadable):
        station.records.open(record_id)
    # The blind index still finds it, so a second recording of the same NIK is caught.
    assert [s.status for s in station.records.find_by_nik(make_applicant(95).nik)] == [
        RecordStatus.SEALED]
