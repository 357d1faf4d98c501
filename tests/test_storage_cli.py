"""The store's commands, run through `rekam`'s real entry point on real data directories."""

from __future__ import annotations

import json
import shutil

import pytest

from station.cli.main import main


@pytest.fixture
def rekam(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "station"

    def run(*argv: str, password: str | None = None, **env: str) -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("REKAM_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("REKAM_PASSWORD", password)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        code = main(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        for key in env:
            monkeypatch.delenv(key)
        return code, out, err

    run.data_dir = data_dir
    return run


@pytest.fixture
def station_dir(rekam):
    code, out, err = rekam("init", "--station-id", "BLT-CLI-01", "--region", "35.05",
                           "--admin", "boss", "--kdf", "fast", password="boss-password")
    assert code == 0, err
    rekam.recovery_output = out
    for user, role in (("ani", "operator"), ("sri", "supervisor")):
        code, out, err = rekam("operators", "add", user, "--role", role, "--operator", "boss",
                               password="boss-password", REKAM_NEW_PASSWORD=f"{user}-password")
        assert code == 0, err
    return rekam


def test_init_shows_the_recovery_code_once(station_dir):
    out = station_dir.recovery_output
    assert "RECOVERY CODE" in out and "shown only once" in out
    code_line = out.split("shown only once):\n", 1)[1].splitlines()[0].strip()
    assert len(code_line.replace("-", "")) == 25
    code, out, err = station_dir("init", "--station-id", "OTHER", "--region", "35.05",
                                 "--admin", "x1", "--kdf", "fast", password="another-pass")
    assert code == 1 and "ALREADY_PROVISIONED" in err and "BLT-CLI-01" in err
    assert code_line not in out + err
    code, out, err = station_dir("operators", "list", "--json", "--operator", "boss",
                                 password="boss-password")
    assert code == 0
    assert {(o["username"], o["role"]) for o in json.loads(out)["operators"]} == {
        ("boss", "admin"), ("ani", "operator"), ("sri", "supervisor")}


def test_init_refuses_bad_input(rekam):
    code, _, err = rekam("init", "--station-id", "X", "--region", "99.99", "--admin", "boss",
                         "--kdf", "fast", password="boss-password")
    assert code == 1 and "REGION_UNKNOWN" in err
    code, _, err = rekam("init", "--station-id", "X", "--region", "35.05", "--admin", "boss",
                         "--kdf", "fast", password="short")
    assert code == 1 and "PASSWORD_TOO_SHORT" in err
    code, _, err = rekam("records", "list", "--operator", "boss", password="boss-password")
    assert code == 1 and "NOT_PROVISIONED" in err


def test_wrong_password_locked_account_and_missing_right_are_distinct(station_dir):
    run = station_dir
    code, _, wrong = run("records", "list", "--operator", "ani", password="nope-nope")
    assert code == 1 and "WRONG_PASSWORD" in wrong
    code, _, no_right = run("approve", "some-id", "--operator", "ani", password="ani-password")
    assert code == 1 and "NOT_PERMITTED" in no_right and "approve" in no_right
    code, _, no_right_admin = run("operators", "add", "bob", "--operator", "sri",
                                  password="sri-password", REKAM_NEW_PASSWORD="bob-password")
    assert code == 1 and "NOT_PERMITTED" in no_right_admin
    assert run("operators", "lock", "ani", "--operator", "boss", password="boss-password")[0] == 0
    code, _, locked = run("records", "list", "--operator", "ani", password="ani-password")
    assert code == 1 and "ACCOUNT_LOCKED" in locked
    assert len({wrong, no_right, locked}) == 3
    assert run("operators", "unlock", "ani", "--operator", "boss",
               password="boss-password")[0] == 0
    assert run("records", "list", "--operator", "ani", password="ani-password")[0] == 0
    code, _, err = run("records", "list", password="ani-password")
    assert code == 2 and "--operator" in err


def test_passwd_changes_own_password(station_dir):
    run = station_dir
    code, _, err = run("operators", "passwd", "ani", "--operator", "ani", password="ani-password",
                       REKAM_NEW_PASSWORD="ani-new-password")
    assert code == 0, err
    assert run("records", "list", "--operator", "ani", password="ani-password")[0] == 1
    assert run("records", "list", "--operator", "ani", password="ani-new-password")[0] == 0


def _enroll_dir(run, tmp_path):
    folder = tmp_path / "applicant"
    code, out, err = run("enroll", "--template", str(folder))
    assert code == 0, err
    return folder


@pytest.mark.slow
def test_enroll_template_from_dir_review_and_show(station_dir, tmp_path):
    run = station_dir
    folder = _enroll_dir(run, tmp_path)
    assert sorted(p.name for p in (folder / "fingers").iterdir()) == sorted(
        f"{n}.png" for n in range(1, 11))
    applicant = json.loads((folder / "applicant.json").read_text())
    code, out, err = run("enroll", "--from-dir", str(folder), "--operator", "ani",
                         password="ani-password")
    assert code == 0, err
    record_id = out.strip()
    code, out, _ = run("records", "list", "--status", "CAPTURED", "--json", "--operator", "ani",
                       password="ani-password")
    (row,) = json.loads(out)["records"]
    assert row["record_id"] == record_id and row["finger_count"] == 10
    code, out, _ = run("records", "show", record_id, "--json", "--operator", "ani",
                       password="ani-password")
    shown = json.loads(out)
    assert shown["applicant"]["nik"] == applicant["nik"]
    assert shown["applicant"]["full_name"] == applicant["full_name"]
    assert shown["face"]["format"] == "jpeg" and len(shown["fingers"]) == 10
    # good by the live score, or by NFIQ 2 proper where a borderline print got it at capture
    assert all(f["format"] == "wsq" and max(f["quality"], f.get("nfiq2") or 0) >= 40
               for f in shown["fingers"].values())
    code, out, _ = run("records", "show", record_id, "--operator", "ani", password="ani-password")
    assert applicant["nik"] in out and "SITI CONTOH" in out
    # The same person again: refused as a duplicate, with date and status.
    code, _, err = run("enroll", "--from-dir", str(folder), "--operator", "ani",
                       password="ani-password")
    assert code == 1 and "DUPLICATE_NIK" in err and "CAPTURED" in err
    # Review.
    code, _, err = run("reject", record_id, "--reason", "foto buram", "--operator", "sri",
                       password="sri-password")
    assert code == 0, err
    code, out, _ = run("records", "list", "--operator", "sri", password="sri-password")
    assert "REJECTED" in out and "foto buram" in out
    code, _, err = run("approve", record_id, "--operator", "sri", password="sri-password")
    assert code == 1 and "INVALID_TRANSITION" in err
    code, out, err = run("audit", "verify")
    assert code == 0 and out.startswith("OK")


@pytest.mark.slow
def test_enroll_rejects_every_bad_part_and_saves_nothing(station_dir, tmp_path):
    run = station_dir
    folder = _enroll_dir(run, tmp_path)
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    applicant = json.loads((bad / "applicant.json").read_text())
    applicant["nik"] = applicant["nik"][:6] + "99" + applicant["nik"][8:]  # impossible day
    (bad / "applicant.json").write_text(json.dumps(applicant))
    (bad / "fingers" / "3.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (bad / "fingers" / "10.png").unlink()
    code, out, err = run("enroll", "--from-dir", str(bad), "--operator", "ani",
                         password="ani-password")
    assert code == 1 and out == ""
    assert "NIK_DAY_INVALID" in err
    assert "fingers/3.png" in err
    assert "MISSING_FINGER_10" in err and "MISSING_FINGER_3" not in err
    code, out, _ = run("records", "list", "--json", "--operator", "ani", password="ani-password")
    assert json.loads(out)["records"] == []
    # The same finger in two slots is a sequence error.
    twice = tmp_path / "twice"
    shutil.copytree(folder, twice)
    shutil.copy(twice / "fingers" / "2.png", twice / "fingers" / "3.png")
    code, _, err = run("enroll", "--from-dir", str(twice), "--operator", "ani",
                       password="ani-password")
    assert code == 1 and "FINGER_SEQUENCE_DUPLICATE" in err and "right middle" in err
    # A missing finger with an exception: the operator alone cannot confirm it ...
    fixed = tmp_path / "fixed"
    shutil.copytree(folder, fixed)
    (fixed / "fingers" / "10.png").unlink()
    applicant = json.loads((fixed / "applicant.json").read_text())
    applicant["exceptions"] = [{"position": 10, "reason": "MISSING", "note": "amputasi"}]
    (fixed / "applicant.json").write_text(json.dumps(applicant))
    code, _, err = run("enroll", "--from-dir", str(fixed), "--operator", "ani",
                       password="ani-password")
    assert code == 1 and "EXCEPTION_UNCONFIRMED_10" in err
    # ... a supervisor's confirmation makes it complete.
    code, out, err = run("enroll", "--from-dir", str(fixed), "--operator", "ani",
                         "--confirm-by", "sri", password="ani-password",
                         REKAM_CONFIRM_PASSWORD="sri-password")
    assert code == 0, err
    code, shown, _ = run("records", "show", out.strip(), "--json", "--operator", "ani",
                         password="ani-password")
    exceptions = json.loads(shown)["finger_exceptions"]
    assert exceptions["10"]["reason"] == "MISSING" and exceptions["10"]["confirmed_by"] == "sri"


@pytest.mark.slow
def test_demo_seed_saves_through_the_real_path(rekam):
    code, out, err = rekam("demo", "seed", "--count", "2", "--seed", "5")
    assert code == 0, err
    assert out.startswith("2 ")
    code, out, err = rekam("records", "list", "--json", "--operator", "supervisor",
                           password="rekam-supervisor")
    rows = json.loads(out)["records"]
    assert len(rows) == 2 and all(r["finger_count"] == 10 for r in rows)
    code, out, _ = rekam("records", "show", rows[0]["record_id"], "--json", "--operator",
                         "supervisor", password="rekam-supervisor")
    shown = json.loads(out)
    assert shown["face"]["format"] == "jpeg" and shown["signature"]["bytes"] > 100
    assert rekam("audit", "verify")[0] == 0


def test_recovery_code_from_init_resets_a_password(station_dir):
    run = station_dir
    code_line = run.recovery_output.split("shown only once):\n", 1)[1].splitlines()[0].strip()
    code, _, err = run("operators", "recover", "boss", REKAM_RECOVERY_CODE="WRONG-CODE1",
                       REKAM_NEW_PASSWORD="boss-new-password")
    assert code == 1 and "WRONG_RECOVERY_CODE" in err
    code, out, err = run("operators", "recover", "boss", REKAM_RECOVERY_CODE=code_line,
                         REKAM_NEW_PASSWORD="boss-new-password")
    assert code == 0, err
    assert run("operators", "list", "--operator", "boss", password="boss-password")[0] == 1
    assert run("operators", "list", "--operator", "boss", password="boss-new-password")[0] == 0
