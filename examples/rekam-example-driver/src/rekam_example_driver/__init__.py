"""Example Rekam driver package (see docs/driver-guide.md in the Rekam repository)."""

__version__ = "0.1.0"
