"""Rekam: storage."""
