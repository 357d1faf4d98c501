"""`rekam validate-nik` as a user runs it: a real subprocess of the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def rekam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station", *args], capture_output=True, text=True, timeout=120
    )


def test_valid_json():
    r = rekam(
        "validate-nik", "3505014101990001", "--birth-date", "1999-01-01", "--sex", "P", "--json"
    )
    assert r.returncode == 0, r.stderr
    verdict = json.loads(r.stdout)
    assert verdict["valid"] is True and verdict["errors"] == []
    assert verdict["birth_date"] == "1999-01-01" and verdict["sex"] == "P"
    assert verdict["region"]["regency"] == "Kabupaten Blitar"


def test_sex_mismatch_json():
    r = rekam(
        "validate-nik", "3505014101990001", "--birth-date", "1999-01-01", "--sex", "L", "--json"
    )
    assert r.returncode == 1
    verdict = json.loads(r.stdout)
    assert verdict["valid"] is False
    assert [e["code"] for e in verdict["errors"]] == ["NIK_SEX_MISMATCH"]
    assert set(verdict["errors"][0]) >= {"code", "message"}


def test_human_output_in_english():
    r = rekam("validate-nik", "12", "--lang", "en")
    assert r.returncode == 1
    assert "NIK_FORMAT" in r.stdout and "exactly 16 digits" in r.stdout


@pytest.mark.parametrize("bad", [["--birth-date", "1999-13-01"], ["--sex", "X"]])
def test_bad_arguments_exit_2(bad):
    r = rekam("validate-nik", "3505014101990001", *bad)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_help_lists_commands():
    r = rekam("--help")
    assert r.returncode == 0
    assert "validate-nik" in r.stdout and "demo" in r.stdout
