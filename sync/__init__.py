"""Rekam: sync."""
