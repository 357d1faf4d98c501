"""`rekam` and `rekam-receiver` behave like command-line tools: global options before or after
the command, listings with totals and paging. Run through the real entry points (the console
scripts for a few cases, `main()` for the rest)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sync_helpers import StationSigner

from station.cli.main import main
from station.cli.options import Page, page_footer
from sync.keys import StationPublicKey
from sync.receiver.cli import main as receiver_main

BIN = Path(sys.executable).parent


def _script(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


@pytest.fixture
def rekam(tmp_path, monkeypatch, capsys):
    """rekam(*argv, password=...) -> (exit code, stdout, stderr); no --data-dir added."""

    def run(*argv: str, password: str | None = None) -> tuple[int, str, str]:
        monkeypatch.delenv("REKAM_OPERATOR", raising=False)
        if password is None:
            monkeypatch.delenv("REKAM_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("REKAM_PASSWORD", password)
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse refusals
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def station(tmp_path, rekam):
    """A provisioned station with an admin and three operators; its data dir as a string."""
    d = str(tmp_path / "station")
    code, _, err = rekam("init", "--station-id", "BLT-OPT-01", "--region", "35.05", "--admin",
                         "boss", "--kdf", "fast", "--data-dir", d, password="boss-password")
    assert code == 0, err
    os.environ["REKAM_NEW_PASSWORD"] = "new-password-1"
    try:
        for user in ("ani", "budi", "citra"):
            code, _, err = rekam("operators", "add", user, "--operator", "boss", "--data-dir", d,
                                 password="boss-password")
            assert code == 0, err
    finally:
        del os.environ["REKAM_NEW_PASSWORD"]
    return d


def test_global_options_before_or_after_the_command(station, rekam):
    spellings = [
        ["--data-dir", station, "--operator", "boss", "--json", "operators", "list"],
        ["operators", "list", "--json", "--operator", "boss", "--data-dir", station],
        ["--json", "operators", "--data-dir", station, "list", "--operator", "boss"],
        ["--operator", "boss", "operators", "list", "--data-dir", station, "--json"],
    ]
    outputs = []
    for argv in spellings:
        code, out, err = rekam(*argv, password="boss-password")
        assert code == 0, (argv, err)
        outputs.append(json.loads(out))
    assert all(o == outputs[0] for o in outputs)
    assert [o["username"] for o in outputs[0]["operators"]] == ["ani", "boss", "budi", "citra"]
    # The value given last wins, wherever it stands.
    code, _, err = rekam("--data-dir", "/nonexistent/never", "operators", "list", "--data-dir",
                         station, "--operator", "nobody", "--operator", "boss",
                         password="boss-password")
    assert code == 0, err


def test_the_console_scripts_take_global_options_after_the_command(station, tmp_path):
    env = {**os.environ, "REKAM_PASSWORD": "boss-password"}
    env.pop("REKAM_OPERATOR", None)
    proc = subprocess.run(
        [_script("rekam"), "audit", "log", "--limit", "2", "--operator", "boss", "--json",
         "--data-dir", station], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = json.loads(proc.stdout)
    assert len(page["events"]) == 2 and page["next_offset"] == 2 and page["total"] > 4
    assert page["events"][0]["seq"] == page["total"]  # newest first

    receiver = str(tmp_path / "receiver")
    for argv in (["init", "--suite", "x25519", "--data-dir", receiver],
                 ["--data-dir", receiver, "server-key", "--export", str(tmp_path / "srv.json")]):
        proc = subprocess.run([_script("rekam-receiver"), *argv], capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "srv.json").read_text())


def test_json_on_a_command_without_json_output_is_refused(station, rekam):
    code, out, err = rekam("approve", "some-id", "--json", "--data-dir", station,
                           "--operator", "boss", password="boss-password")
    assert code == 2 and out == ""
    assert "rekam approve" in err and "no JSON output" in err
    code, _, err = rekam("--json", password="boss-password")  # the GUI has no JSON either
    assert code == 2 and "no JSON output" in err


def test_bad_paging_values_are_refused_clearly(station, rekam):
    for argv, text in ((["--limit", "0"], "between 1 and"), (["--offset", "-1"], "negative"),
                       (["--limit", "many"], "not a number")):
        code, _, err = rekam("operators", "list", *argv, "--data-dir", station,
                             "--operator", "boss", password="boss-password")
        assert code == 2 and text in err, err


def test_operators_list_pages_with_totals(station, rekam):
    def listing(*argv: str) -> tuple[int, str, str]:
        return rekam("operators", "list", *argv, "--data-dir", station, "--operator", "boss",
                     password="boss-password")

    code, out, _ = listing("--json", "--limit", "3")
    page = json.loads(out)
    assert [o["username"] for o in page["operators"]] == ["ani", "boss", "budi"]
    assert (page["total"], page["offset"], page["limit"], page["next_offset"]) == (4, 0, 3, 3)
    code, out, _ = listing("--json", "--limit", "3", "--offset", "3")
    page = json.loads(out)
    assert [o["username"] for o in page["operators"]] == ["citra"]
    assert page["next_offset"] is None and page["total"] == 4
    # A truncated human listing says how many more there are and how to see them.
    code, out, _ = listing("--limit", "2")
    lines = out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("ani") and lines[1].startswith("boss")
    assert "Rows 1-2 of 4." in lines[2] and "2 more: --offset 2" in lines[2]
    code, out, _ = listing()
    assert len(out.splitlines()) == 4  # everything shown: no footer
    code, out, _ = listing("--offset", "9")
    assert "No rows after --offset 9; 4 in all" in out


def test_audit_log_pages_newest_first_with_the_total(station, rekam):
    def page(*argv: str) -> dict:
        code, out, err = rekam("audit", "log", "--json", *argv, "--data-dir", station,
                               "--operator", "boss", password="boss-password")
        assert code == 0, err
        return json.loads(out)

    everything = page("--limit", "1000")
    total = everything["total"]
    assert [e["seq"] for e in everything["events"]] == list(range(total, 0, -1))
    assert everything["next_offset"] is None
    # Listing signs in, which is itself an event: the next call sees two more (sign-out of
    # this one, sign-in of the next), newest first.
    tail = page("--limit", "3", "--offset", str(total - 1))
    assert tail["total"] == total + 2
    assert [e["seq"] for e in tail["events"]] == [3, 2, 1] and tail["next_offset"] is None
    one = page("--limit", "1", "--record", "no-such-record")
    assert one == {"events": [], "total": 0, "offset": 0, "limit": 1, "next_offset": None}


@pytest.mark.slow
def test_records_list_reports_the_total_beyond_the_limit(tmp_path, rekam):
    d = str(tmp_path / "demo")
    code, _, err = rekam("demo", "seed", "--count", "3", "--data-dir", d)
    assert code == 0, err
    code, out, err = rekam("records", "list", "--json", "--limit", "2", "--data-dir", d,
                           "--operator", "supervisor", password="rekam-supervisor")
    assert code == 0, err
    first = json.loads(out)
    assert len(first["records"]) == 2 and first["total"] == 3 and first["next_offset"] == 2
    code, out, _ = rekam("--data-dir", d, "--operator", "supervisor", "records", "list",
                         "--json", "--offset", "2", password="rekam-supervisor")
    rest = json.loads(out)
    assert len(rest["records"]) == 1 and rest["next_offset"] is None
    ids = [r["record_id"] for r in first["records"] + rest["records"]]
    assert len(set(ids)) == 3
    # Filters count too: the total is of what the filter finds, not of the whole table.
    code, out, _ = rekam("records", "list", "--json", "--status", "APPROVED", "--data-dir", d,
                         "--operator", "supervisor", password="rekam-supervisor")
    assert json.loads(out) == {"records": [], "total": 0, "offset": 0, "limit": 50,
                               "next_offset": None}
    code, out, _ = rekam("records", "list", "--limit", "1", "--data-dir", d,
                         "--operator", "supervisor", password="rekam-supervisor")
    assert out.splitlines()[0].split()[0] == ids[0]
    assert "Rows 1-1 of 3." in out and "2 more: --offset 1" in out


def test_receiver_global_options_and_station_listing(tmp_path, capsys):
    d = str(tmp_path / "receiver")
    assert receiver_main(["init", "--suite", "x25519", "--data-dir", d]) == 0
    for name in ("BLT-01", "BLT-02", "BLT-03"):
        key = tmp_path / f"{name}.key"
        key.write_bytes(StationPublicKey(name, StationSigner(name).public_key).to_json())
        argv = (["--data-dir", d, "stations", "add", "--key", str(key)] if name != "BLT-02"
                else ["stations", "add", "--key", str(key), "--data-dir", d])
        assert receiver_main(argv) == 0
    capsys.readouterr()
    for argv in (["--json", "--data-dir", d, "stations", "list", "--limit", "2"],
                 ["stations", "list", "--limit", "2", "--data-dir", d, "--json"],
                 ["stations", "--json", "list", "--data-dir", d, "--limit", "2"]):
        assert receiver_main(argv) == 0
        page = json.loads(capsys.readouterr().out)
        assert [s["station_id"] for s in page["stations"]] == ["BLT-01", "BLT-02"]
        assert page["total"] == 3 and page["next_offset"] == 2
    assert receiver_main(["stations", "list", "--offset", "2", "--data-dir", d]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("BLT-03\t") and "Rows 3-3 of 3" in out[1]
    assert receiver_main(["--db", f"sqlite:///{tmp_path / 'receiver' / 'receiver.sqlite'}",
                          "stats", "--data-dir", d, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["packets"] == 0
    with pytest.raises(SystemExit) as exc:
        receiver_main(["--json", "init", "--data-dir", d])
    assert exc.value.code == 2
    assert "rekam-receiver init" in capsys.readouterr().err


def test_page_footer_arithmetic():
    assert page_footer(Page([1, 2], 2, 0, 50)) is None
    assert page_footer(Page([], 0, 0, 50)) is None
    page = Page(list(range(50)), 51, 0, 50)
    assert page.next_offset == 50 and page.remaining == 1
    assert "Rows 1-50 of 51." in page_footer(page) and "1 more: --offset 50" in page_footer(page)
    last = Page([50], 51, 50, 50)
    assert last.next_offset is None and "Rows 51-51 of 51." in page_footer(last)
    assert "more" not in page_footer(last)
    assert Page.of(range(10), 8, 5).items == [8, 9]
