"""Rekam: ui."""
