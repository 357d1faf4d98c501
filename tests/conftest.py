"""Shared test configuration: headless Qt, the NIST sample data, isolated data directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Headless everywhere, before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """REKAM_TEST_DATA, defaulting to ../shared/data beside the checkout."""
    return Path(os.environ.get("REKAM_TEST_DATA", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def biometric_data() -> Path:
    """The public-domain NIST sample data (never copied into the repository)."""
    root = data_root() / "biometrics"
    if not (root / "README.md").exists():
        pytest.skip(
            f"NIST sample data not found at {root}; set REKAM_TEST_DATA to the folder that "
            "holds biometrics/ (CI sets it in .ci/run)"
        )
    return root


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the real user data directory or a developer's password."""
    monkeypatch.setenv("REKAM_DATA_DIR", str(tmp_path / "rekam-data"))
    monkeypatch.delenv("REKAM_PASSWORD", raising=False)
    monkeypatch.delenv("REKAM_OPERATOR", raising=False)
