"""Configuration precedence and the redacting log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from station.config import load_settings
from station.logsetup import configure_logging, redact


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REKAM_DATA_DIR", str(tmp_path / "env"))
    assert load_settings().data_dir == (tmp_path / "env").resolve()
    # The command line wins over the environment.
    assert load_settings(data_dir=tmp_path / "cli").data_dir == (tmp_path / "cli").resolve()


def test_platformdirs_default(monkeypatch):
    monkeypatch.delenv("REKAM_DATA_DIR")
    data_dir = load_settings().data_dir
    assert data_dir.is_absolute() and "rekam" in str(data_dir).lower()


def test_region_must_exist(monkeypatch):
    assert load_settings().region_code == "35.05"
    monkeypatch.setenv("REKAM_REGION_CODE", "3572")
    assert load_settings().region_code == "35.72"
    monkeypatch.setenv("REKAM_REGION_CODE", "3599")
    with pytest.raises(ValidationError, match="35.99"):
        load_settings()


def test_redact_masks_personal_data():
    text = "NIK 3505014101990001 KK 3505010101990001 phone 081234567890 a@b.id " + "QUJD" * 20
    masked = redact(text)
    for secret in ("3505014101990001", "3505010101990001", "081234567890", "a@b.id", "QUJDQUJD"):
        assert secret not in masked
    assert masked.count("[NIK]") == 2
    assert redact("record 42 saved in 12 ms") == "record 42 saved in 12 ms"


def test_log_file_never_holds_personal_data(tmp_path: Path):
    path = configure_logging(tmp_path / "logs")
    log = logging.getLogger("rekam.test")
    nik = "3505014101990001"
    log.warning("duplicate NIK %s found", nik)
    log.info("payload %r", {"nik": nik, "photo": "iVBORw0KGgo" + "A" * 200})
    try:
        raise ValueError(f"bad record {nik}")
    except ValueError:
        log.exception("save failed for %s", nik)
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text()
    assert nik not in content and "iVBORw0KGgo" not in content
    assert "duplicate NIK [NIK] found" in content
    assert "ValueError: bad record [NIK]" in content  # the traceback is kept, redacted
