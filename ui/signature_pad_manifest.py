"""Manifest of the on-screen / pen-tablet signature pad (entry point ``screen-pad``).

Imports nothing but the driver contract, so `rekam devices list` can show the pad without
loading Qt; the driver itself lives in `ui.signature_pad`.
"""

from __future__ import annotations

from devices.api import DriverManifest, Modality

SCREEN_PAD = DriverManifest(
    id="screen-pad",
    name="Pad tanda tangan di layar / On-screen signature pad",
    vendor="Rekam",
    modalities=(Modality.SIGNATURE,),
    factory="ui.signature_pad:ScreenPadDriver",
    version="1.0",
    requires=("PySide6",),
    description="Signing on the station's screen or a pen tablet (Wacom and the like, through "
    "Qt's tablet events: position, time, pressure and tilt), with a mouse or touch fallback. "
    "Listed while the Rekam window shows a pad.",
)
