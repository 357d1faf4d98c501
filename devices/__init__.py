"""Rekam: devices."""
