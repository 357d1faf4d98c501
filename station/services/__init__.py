"""Rekam: station/services."""
