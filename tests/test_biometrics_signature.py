"""Signature strokes: checks, rendering, ISO/IEC 19794-7-style channels; a real scanned signature
from the NIST samples is traced into strokes to have real handwriting."""

from __future__ import annotations

import csv
import json

import cv2
import numpy as np
import pytest
from biometrics_helpers import gray

from station.biometrics import signature as sig
from station.biometrics.images import decode_image

pytestmark = pytest.mark.needs_data


def traced(rel: str = "signatures/nbis-type8-valid1.9-r04.png", speed_px_ms: float = 0.8):
    """Strokes from a scanned signature: each ink contour becomes a pen stroke drawn at a steady
    speed, with pressure varying along the stroke and a 120 ms pen lift between strokes."""
    ink = (gray(rel) < 128).astype(np.uint8)
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = sorted(
        (c for c in contours if cv2.arcLength(c, False) > 20), key=lambda c: c[:, 0, 0].min()
    )
    t = 0.0
    strokes = []
    for c in contours:
        pts = c[:, 0, :].astype(float)
        stroke = []
        for i, (x, y) in enumerate(pts):
            if i:
                t += float(np.hypot(*(pts[i] - pts[i - 1]))) / speed_px_ms
            stroke.append((x, y, t, 0.3 + 0.5 * abs(np.sin(i / 7.0)), 10.0, -5.0))
        strokes.append(stroke)
        t += 120.0
    h, w = ink.shape
    return sig.Strokes.from_lists(strokes, width=w, height=h, units_per_mm=500 / 25.4)


def test_real_signature_passes_and_renders(biometric_data):
    s = traced()
    res = sig.check(s)
    assert res.acceptable, res.failures
    assert res.metrics["strokes"] >= 3 and res.metrics["duration_ms"] > 1000
    png = sig.render_png(s, max_width=1020)  # 1000 px pad + 2 x 10 px margin: scale 1
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = decode_image(png)
    margin = 10
    drawn = img[margin:-margin, margin:-margin] < 128
    orig = gray("signatures/nbis-type8-valid1.9-r04.png") < 128
    assert drawn.shape == orig.shape
    near = cv2.dilate(orig.astype(np.uint8), np.ones((13, 13), np.uint8)).astype(bool)
    assert drawn.sum() > 1000 and (drawn & near).sum() / drawn.sum() > 0.95
    small = decode_image(sig.render_png(s, max_width=400))
    assert small.shape[1] == 400


def test_channels_round_trip_with_pressure_and_tilt(biometric_data):
    s = traced()
    doc = sig.to_iso_channels(s)
    assert doc["format"] == "iso19794-7+json"
    assert doc["channels"] == ["X", "Y", "T", "S", "F", "TX", "TY"]
    pen_up = [row for row in doc["samples"] if row[3] == 0]
    assert len(pen_up) == len(s.strokes) - 1
    back = sig.from_json(sig.to_json(s))
    assert len(back.strokes) == len(s.strokes)
    assert back.width == s.width and back.units_per_mm == pytest.approx(s.units_per_mm)
    for a, b in zip(s.points, back.points, strict=True):
        assert (a.x, a.y) == pytest.approx((b.x, b.y), abs=1e-3)
        assert a.t_ms == pytest.approx(b.t_ms, abs=1e-3)
        assert a.pressure == pytest.approx(b.pressure, abs=1e-4)
        assert (a.tilt_x, a.tilt_y) == (b.tilt_x, b.tilt_y)


def test_channels_without_optional_data():
    s = sig.Strokes.from_lists([[(0, 0, 0), (10, 5, 20)], [(20, 0, 100), (30, 9, 130)]], 100, 50)
    doc = sig.to_iso_channels(s)
    assert doc["channels"] == ["X", "Y", "T", "S"]
    back = sig.from_iso_channels(json.loads(json.dumps(doc)))
    assert [len(x) for x in back.strokes] == [2, 2] and back.points[0].pressure is None


def _line(n=40, width=800.0, height=300.0, ms=20.0, x0=100.0, length=400.0):
    return sig.Strokes.from_lists(
        [[(x0 + length * i / n, 150 + 0.1 * i, ms * i) for i in range(n)]], width, height
    )


def test_nist_vector_signature_is_a_straight_line(biometric_data):
    rows = list(
        csv.DictReader(
            (biometric_data / "signatures/nbis-type8-sign_vec-r01-points.csv")
            .read_text()
            .splitlines()
        )
    )
    pts = [
        (int(r["x_0.0254mm"]) / 10, int(r["y_0.0254mm"]) / 10, 400.0 * i)
        for i, r in enumerate(rows)
        if int(r["pressure"]) < 255
    ]
    # interpolate so that the point count is not what fails it
    dense = [
        tuple(np.array(pts[0]) + (np.array(pts[-1]) - np.array(pts[0])) * k / 30) for k in range(31)
    ]
    res = sig.check(sig.Strokes.from_lists([dense], width=1000, height=1000))
    assert [p.code for p in res.failures] == ["SIGNATURE_TOO_SIMPLE"]


@pytest.mark.parametrize(
    ("strokes", "code"),
    [
        (sig.Strokes((), 800, 300), "SIGNATURE_EMPTY"),
        (sig.Strokes.from_lists([[(5, 5, i)] for i in range(30)], 800, 300), "SIGNATURE_EMPTY"),
        (
            sig.Strokes.from_lists(
                [[(400 + 30 * np.cos(i / 3), 150 + 10 * np.sin(i / 2), 20 * i) for i in range(60)]],
                800,
                300,
            ),
            "SIGNATURE_TOO_SMALL",
        ),
        (
            sig.Strokes.from_lists(
                [[(100 + 10 * i, 150 + 60 * np.sin(i / 2), 2 * i) for i in range(60)]], 800, 300
            ),
            "SIGNATURE_TOO_FAST",
        ),
        (
            sig.Strokes.from_lists(
                [[(100 + 10 * i, 150 + 60 * np.sin(i / 2), 2000 * i) for i in range(60)]], 800, 300
            ),
            "SIGNATURE_TOO_SLOW",
        ),
        (
            sig.Strokes.from_lists(
                [[(100 + 10 * i, 150 + 200 * np.sin(i / 2), 20 * i) for i in range(60)]], 800, 300
            ),
            "SIGNATURE_OUTSIDE_PAD",
        ),
    ],
)
def test_bad_signatures(strokes, code):
    res = sig.check(strokes)
    assert not res.acceptable
    assert code in [p.code for p in res.failures]
    assert all(p.message_id and p.message_en for p in res.failures)


def test_a_line_is_too_simple():
    assert "SIGNATURE_TOO_SIMPLE" in [p.code for p in sig.check(_line()).failures]


@pytest.mark.parametrize(
    "build",
    [
        lambda: sig.Strokes.from_lists([[(0, 0, 10), (1, 1, 5)]], 10, 10),  # time goes back
        lambda: sig.Strokes.from_lists([[(0, 0, 0, 1.5)]], 10, 10),  # pressure > 1
        lambda: sig.Strokes.from_lists([[(0, float("nan"), 0)]], 10, 10),
        lambda: sig.Strokes((), 0, 10),
    ],
)
def test_invalid_strokes_are_rejected(build):
    with pytest.raises(sig.SignatureFormatError) as err:
        build()
    assert err.value.problem.code == "SIGNATURE_FORMAT_INVALID"


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"{}",
        json.dumps({"format": "iso19794-7+json", "version": 2}).encode(),
        json.dumps(
            {"format": "iso19794-7+json", "version": 1, "channels": ["X", "Y"], "samples": []}
        ).encode(),
        json.dumps(
            {
                "format": "iso19794-7+json",
                "version": 1,
                "channels": ["X", "Y", "T", "S"],
                "samples": [[1, 2, 3]],
                "width": 10,
                "height": 10,
            }
        ).encode(),
        json.dumps(
            {
                "format": "iso19794-7+json",
                "version": 1,
                "channels": ["X", "Y", "T", "S"],
                "samples": [[1, 2, "3", 1]],
                "width": 10,
                "height": 10,
            }
        ).encode(),
        json.dumps(
            {
                "format": "iso19794-7+json",
                "version": 1,
                "channels": ["X", "Y", "T", "S"],
                "samples": [[1, 2, 3, 1]],
            }
        ).encode(),
    ],
)
def test_corrupt_channel_data(data):
    with pytest.raises(sig.SignatureFormatError):
        sig.from_json(data)
