"""The audit chain: every kind of tampering is found and the first bad entry is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from storage import audit as chain
from tests.storage_helpers import OPERATOR, SUPERVISOR, complete, provisioned


@pytest.fixture
def station(tmp_path):
    st, _ = provisioned(tmp_path / "data")
    st.auth.sign_in(*OPERATOR)
    ids = [st.records.save_captured(complete(st.records.create_draft(), s)) for s in (1, 2, 3)]
    st.auth.sign_in(*SUPERVISOR)
    st.records.approve(ids[:2])
    st.records.reject(ids[2], "tanda tangan tidak jelas")
    st.auth.sign_out()
    yield st
    st.close()


def _events(station):
    with station.engine.connect() as conn:
        return conn.execute(text("SELECT seq, action, record_id FROM audit_events ORDER BY seq")
                            ).all()


def test_every_action_is_in_the_chain_and_it_verifies(station):
    actions = [e.action for e in _events(station)]
    for expected in ("provision", "operator_add", "sign_in", "save", "approve", "reject",
                     "sign_out"):
        assert expected in actions
    assert actions.count("save") == 3
    result = station.audit.verify()
    assert result.ok and result.events == len(actions)
    assert result.last_signed_seq == result.events  # sign-out signs the newest entry


def test_modified_entry_is_named(station):
    seq = next(e.seq for e in _events(station) if e.action == "approve")
    with station.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor='operator' WHERE seq=:s"), {"s": seq})
    first = station.audit.verify().first
    assert (first.seq, first.kind) == (seq, "modified")
    assert f"#{seq}" in first.message_en and "approve" in first.message_en


def test_missing_entry_is_named(station):
    with station.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq=7"))
    first = station.audit.verify().first
    assert (first.seq, first.kind) == (7, "missing")
    assert "#7" in first.message_en


def test_reordered_entries_are_named(station):
    columns = "at, actor, action, record_id, details, prev_hash, hash"
    with station.engine.begin() as conn:
        a = conn.execute(text(f"SELECT {columns} FROM audit_events WHERE seq=9")).one()
        b = conn.execute(text(f"SELECT {columns} FROM audit_events WHERE seq=10")).one()
        for seq, row in ((9, b), (10, a)):
            conn.execute(text("UPDATE audit_events SET at=:at, actor=:actor, action=:action, "
                              "record_id=:record_id, details=:details, prev_hash=:prev_hash, "
                              "hash=:hash WHERE seq=:seq"), {**row._mapping, "seq": seq})
    first = station.audit.verify().first
    assert (first.seq, first.kind) == (9, "reordered")
    assert "out of order" in first.message_en


def test_rewritten_history_is_caught_by_the_signed_checkpoints(station):
    """An attacker without the key edits an entry and recomputes every hash after it."""
    station_id = station.station_id
    with station.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_events ORDER BY seq")).all()
        prev = chain.genesis(station_id)
        for r in rows:
            details = r.details
            if r.action == "reject":
                details = json.dumps({"forged": True})
            h = chain.event_hash(prev, r.seq, r.at, r.actor, r.action, r.record_id, details)
            conn.execute(text("UPDATE audit_events SET details=:d, prev_hash=:p, hash=:h "
                              "WHERE seq=:s"), {"d": details, "p": prev, "h": h, "s": r.seq})
            prev = h
    first = station.audit.verify().first
    assert first.kind == "checkpoint" and "rewritten" in first.message_en


def test_truncated_tail_and_forged_signature(station):
    last = _events(station)[-1].seq
    with station.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq>=:s"), {"s": last - 1})
    first = station.audit.verify().first
    assert (first.seq, first.kind) == (last - 1, "truncated")
    with station.engine.begin() as conn:
        conn.execute(text("UPDATE audit_checkpoints SET signature=zeroblob(64) "
                          "WHERE seq=(SELECT min(seq) FROM audit_checkpoints)"))
    assert station.audit.verify().first.kind == "checkpoint"


def test_rekam_audit_verify_cli(station, tmp_path):
    env = {**os.environ, "REKAM_DATA_DIR": str(station.settings.data_dir)}
    cmd = [sys.executable, "-m", "station", "audit", "verify"]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK:")
    with station.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq=5"))
    bad = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False
    assert report["first_problem"]["seq"] == 5 and report["first_problem"]["kind"] == "missing"


def test_ui_events_are_logged_and_unknown_actions_refused(station):
    station.auth.sign_in(*OPERATOR)
    seq = station.audit.log("capture", "rec-1", position=3, quality=72, attempt=2)
    station.auth.sign_in(*SUPERVISOR)
    (event,) = station.audit.events(1, record_id="rec-1")
    assert (event.seq, event.actor, event.action) == (seq, "operator", "capture")
    assert event.details == {"attempt": 2, "position": 3, "quality": 72}
    with pytest.raises(ValueError, match="unknown audit action"):
        station.audit.log("made_up")
    assert station.audit.verify().ok
