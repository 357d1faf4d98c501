"""Rekam: bench."""
