"""The opencv-camera driver on a real video file written with cv2.VideoWriter."""

from __future__ import annotations

import queue

import cv2
import devices_helpers as h
import numpy as np
import pytest

from devices.api import DeviceNotFound, InvalidOption, Modality
from devices.manager import DeviceManager
from devices.simulated import synth

N_FRAMES = 12


def _level(frame: np.ndarray) -> int:
    """Each test frame carries its number as the brightness of a corner patch."""
    return int(round(float(frame[4:28, 4:28].mean()) / 20))


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "applicant.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    assert writer.isOpened()
    base = synth.face(5, 1992)
    for i in range(N_FRAMES):
        frame = base.copy()
        frame[0:32, 0:32] = 20 * i
        writer.write(frame)
    writer.release()
    assert path.stat().st_size > 10_000
    return path


@pytest.fixture
def manager():
    m = DeviceManager(h.registry(), capture_timeout_s=5.0)
    yield m
    m.close()


def test_capture_from_a_video_file(manager, video):
    with manager.open(manager.configured("opencv-camera", "face", source=str(video))) as cam:
        res = cam.capture().result(5)
    assert res.modality is Modality.FACE and res.image.shape == (480, 640, 3)
    assert res.format == "jpeg" and res.data[:3] == b"\xff\xd8\xff"
    assert _level(res.image) == 0  # the first frame of the file
    assert res.device.extra["width"] == 640 and res.device.extra["fps"] == pytest.approx(10)
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    faces = cascade.detectMultiScale(cv2.cvtColor(res.image, cv2.COLOR_BGR2GRAY), 1.1, 5)
    assert len(faces) == 1


def test_preview_plays_the_file_in_order_and_loops(manager, video):
    frames: queue.Queue = queue.Queue(maxsize=100)
    with manager.open(manager.configured("opencv-camera", "face", source=str(video))) as cam:
        cam.start_preview(frames, max_fps=200)
        levels = [_level(frames.get(timeout=5).image) for _ in range(N_FRAMES + 4)]
        cam.stop_preview()
    assert levels[:N_FRAMES] == list(range(N_FRAMES))
    assert levels[N_FRAMES:] == [0, 1, 2, 3]  # rewound at the end


def test_resolution_setting_is_applied(manager, video):
    desc = manager.configured("opencv-camera", "face", source=str(video), width=320, height=240)
    with manager.open(desc) as cam:
        assert cam.capture().result(5).image.shape == (240, 320, 3)


def test_missing_source_and_bad_options_are_clear(manager, tmp_path):
    with pytest.raises(DeviceNotFound, match="cannot open"):
        manager.open(manager.configured("opencv-camera", "face",
                                        source=str(tmp_path / "nope.avi")))
    with pytest.raises(InvalidOption, match="width"):
        manager.open(manager.configured("opencv-camera", "face", source="0", width="wide"))


class _MjpegServer:
    """An HTTP MJPEG camera (as IP cameras serve it) sending `count` frames, then closing."""

    def __init__(self, count: int) -> None:
        import http.server
        import threading
        import time

        base = synth.face(2, 1990)
        frames = []
        for i in range(5):
            f = base.copy()
            f[0:32, 0:32] = 40 * i
            frames.append(cv2.imencode(".jpg", f)[1].tobytes())

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    for i in range(count):
                        jpg = frames[i % 5]
                        self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\n"
                                         b"Content-Length: " + str(len(jpg)).encode()
                                         + b"\r\n\r\n" + jpg + b"\r\n")
                        time.sleep(0.02)
                except OSError:
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/video.mjpg"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_stream_url_and_its_end(manager):
    from devices.api import DeviceDisconnected

    server = _MjpegServer(count=15)
    try:
        desc = manager.configured("opencv-camera", "face", source=server.url)
        with manager.open(desc) as cam:
            first = cam.capture().result(5)
            assert first.image.shape == (480, 640, 3)
            assert first.device.extra["backend"] == "FFMPEG"
            with pytest.raises(DeviceDisconnected, match="stopped delivering"):
                for _ in range(40):  # the camera sends 15 frames, then hangs up
                    cam.capture().result(5)
    finally:
        server.close()
