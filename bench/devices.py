"""Device layer: SBI discovery scan, SBI capture round trip, synthetic fingerprint generation.

Floors, measured in the same run:
- scan: the same 100 TCP connects to a closed loopback port, made one after the other;
- RCAPTURE: the simulator building the same ISO record in-process (no HTTP, no JWS, no checks),
  so the ratio is the cost of the protocol, signature and hash-chain verification;
- synthesis: one full-image Gabor filter pass (a single iteration of one orientation).
"""

from __future__ import annotations

import socket
import time

import cv2
import numpy as np

from bench.core import Result, median_seconds


def _refused_connect(port: int) -> None:
    s = socket.socket()
    try:
        s.settimeout(0.3)
        s.connect_ex(("127.0.0.1", port))
    finally:
        s.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(quick: bool) -> list[Result]:
    from devices.api import CancelToken
    from devices.sbi import client as c
    from devices.sbi.simulator import SbiSimulator, SimulatorConfig
    from devices.simulated import synth
    from station.domain.enrollment import FingerPosition

    results = []
    repeat = 3 if quick else 7

    closed = _free_port()
    scan = median_seconds(lambda: c.scan(ports=range(4501, 4601), timeout_s=5.0),
                          repeat=repeat)
    floor = 100 * median_seconds(lambda: _refused_connect(closed), repeat=repeat, number=20)
    results.append(Result(
        name="devices.sbi_scan", unit="ms", value=scan * 1000, floor=floor * 1000,
        target="<= 1000 ms for ports 4501-4600 (the CLI promises a couple of seconds)",
        ok=scan <= 1.0, note="all 100 ports probed at once, then MOSIPDISC/MOSIPDINFO",
    ))

    sim = SbiSimulator(SimulatorConfig(port=_free_port(), modalities=("Finger",),
                                       attempt_s=0.0)).start()
    try:
        client = c.SbiClient(sim.port)
        device = client.info()[0]
        pos = FingerPosition.RIGHT_INDEX

        def capture() -> None:
            client.rcapture(device, bio_type="Finger", sub_id=2,
                            sub_types=["Right IndexFinger"], count=1, timeout_s=10,
                            cancel=CancelToken())

        def build() -> None:
            sim._finger_record(pos, 80.0)

        synth.fingerprint(pos, sim.config.seed)  # grow the ridge map outside the timing
        rc = median_seconds(capture, repeat=repeat)
        rc_floor = median_seconds(build, repeat=repeat)
    finally:
        sim.stop()
    results.append(Result(
        name="devices.sbi_rcapture", unit="ms", value=rc * 1000, floor=rc_floor * 1000,
        target="<= 2x floor + 150 ms (HTTP, RS256 sign/verify, hash chain, ISO/WSQ decode)",
        ok=rc <= 2 * rc_floor + 0.15,
    ))

    def grow() -> None:
        synth._ridge_map.cache_clear()
        synth.fingerprint(3, int(time.perf_counter_ns() % 1000))

    gen = median_seconds(grow, repeat=repeat)
    img = np.random.default_rng(1).normal(0, 1, (500, 400)).astype(np.float32)
    kernel = synth._gabor_bank(9.5)[0]
    g_floor = median_seconds(lambda: cv2.filter2D(img, cv2.CV_32F, kernel), repeat=repeat,
                             number=5)
    results.append(Result(
        name="devices.synth_fingerprint", unit="ms", value=gen * 1000, floor=g_floor * 1000,
        target="<= 400 ms per new finger (demo seeding of 10 fingers a person)",
        ok=gen <= 0.4, note="orientation field + iterated Gabor growth at half resolution",
    ))
    return results
