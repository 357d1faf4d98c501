"""Schema migrations: a fresh database matches the schema; every earlier schema version upgrades
with its data intact (fixtures in tests/fixtures/storage/schema_<rev>.sql, made by that revision;
see tests.storage_helpers.make_schema_fixture)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from station.app import open_station
from station.domain import RecordStatus
from storage import migrate
from storage.schema import metadata
from tests.storage_helpers import (
    ADMIN,
    FIXTURE_DIR,
    FIXTURE_SEEDS,
    SUPERVISOR,
    face_jpeg,
    make_applicant,
    settings_for,
)

FIXTURES = sorted(FIXTURE_DIR.glob("schema_*.sql"))


def _schema_diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(ctx, metadata)


def _pragma(engine, name):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_fresh_database_is_at_head_and_matches_the_schema(tmp_path):
    station = open_station(settings_for(tmp_path / "data"))
    try:
        assert migrate.current_revision(station.engine) == migrate.head_revision()
        assert _schema_diff(station.engine) == []
        assert _pragma(station.engine, "journal_mode") == "wal"
        assert _pragma(station.engine, "synchronous") == 2  # FULL
        assert _pragma(station.engine, "foreign_keys") == 1
        assert _pragma(station.engine, "secure_delete") == 1
    finally:
        station.close()


def test_every_earlier_revision_has_a_fixture():
    revisions = {s.revision for s in ScriptDirectory.from_config(migrate.alembic_config())
                 .walk_revisions()}
    earlier = revisions - {migrate.head_revision()}
    assert {f.stem.removeprefix("schema_") for f in FIXTURES} >= earlier


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_upgrade_from_fixture_keeps_everything(tmp_path, fixture):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with sqlite3.connect(data_dir / "station.sqlite") as raw:
        raw.executescript(fixture.read_text())
        revision = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert fixture.stem == f"schema_{revision}"
    station = open_station(settings_for(data_dir))
    try:
        assert migrate.current_revision(station.engine) == migrate.head_revision()
        assert _schema_diff(station.engine) == []
        with station.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert station.audit.verify().ok
        station.auth.sign_in(*SUPERVISOR)
        found = {}
        for seed in FIXTURE_SEEDS:
            (summary,) = station.records.find_by_nik(make_applicant(seed).nik)
            found[seed] = summary
            opened = station.records.open(summary.record_id)
            assert opened.applicant == make_applicant(seed)
            assert opened.face.data == face_jpeg()[:256] and len(opened.fingers) == 10
        assert found[FIXTURE_SEEDS[0]].status is RecordStatus.APPROVED
        # What the new revisions added works on the upgraded data.
        packet = station.outbox.seal(found[FIXTURE_SEEDS[0]].record_id, lambda e: ("p", b"x"))
        assert [i.packet_id for i in station.outbox.outbox_pending()] == [packet]
        station.auth.sign_in(*ADMIN)
        assert len(station.operators.list()) == 3
    finally:
        station.close()


def test_failed_migration_changes_nothing(tmp_path):
    """Migrations run in one transaction: a failure part-way leaves the old schema intact."""
    fixture = FIXTURE_DIR / "schema_0001.sql"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with sqlite3.connect(data_dir / "station.sqlite") as raw:
        raw.executescript(fixture.read_text())
        # Make 0002 fail at its last step: the outbox table already exists.
        raw.execute("CREATE TABLE outbox (x INTEGER)")
    from storage.db import make_engine

    engine = make_engine(data_dir / "station.sqlite")
    try:
        with pytest.raises(Exception, match="outbox"):
            migrate.upgrade(engine)
        assert migrate.current_revision(engine) == "0001"
        with engine.connect() as conn:
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(records)")).all()}
        assert "packet_id" not in columns
    finally:
        engine.dispose()


def test_upgrade_moves_outbox_packets_out_of_the_outbox_row(tmp_path):
    """0003 keeps every sealed packet (now in outbox_packets) and its outbox bookkeeping."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    packet = bytes(range(256)) * 600  # larger than a page: stored on overflow pages
    with sqlite3.connect(data_dir / "station.sqlite") as raw:
        raw.executescript((FIXTURE_DIR / "schema_0002.sql").read_text())
        (record_id,) = raw.execute(
            "SELECT record_id FROM records WHERE status = 'APPROVED' LIMIT 1").fetchone()
        raw.execute("DELETE FROM record_fields WHERE record_id = ?", (record_id,))
        raw.execute("UPDATE records SET status = 'SEALED', wrapped_dk = NULL, packet_id = 'pkt-1' "
                    "WHERE record_id = ?", (record_id,))
        raw.execute("INSERT INTO outbox (packet_id, record_id, packet, sealed_at, attempts, "
                    "last_error) VALUES ('pkt-1', ?, ?, '2026-11-01T08:00:00.000000Z', 2, 'x')",
                    (record_id, packet))
    station = open_station(settings_for(data_dir))
    try:
        assert migrate.current_revision(station.engine) == migrate.head_revision()
        assert _schema_diff(station.engine) == []
        with station.engine.connect() as conn:
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(outbox)")).all()}
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert "packet" not in columns
        (item,) = station.outbox.outbox_pending()
        assert (item.packet_id, item.record_id, item.bytes) == ("pkt-1", record_id, packet)
        assert (item.attempts, item.last_error) == (2, "x")
        assert station.outbox.apply_receipts([("pkt-1", "ACCEPTED", None, b"receipt")]) == 1
        assert station.outbox.purge_acknowledged(timedelta(0)) == 1
        with station.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM outbox_packets").scalar() == 0
        assert station.audit.verify().ok
    finally:
        station.close()
