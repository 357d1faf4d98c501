"""Rekam: sync/receiver."""
