"""Rekam station core: domain, biometrics, application services, CLI and composition root."""

__version__ = "0.1.0"
