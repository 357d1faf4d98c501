"""Rekam: station/biometrics."""
