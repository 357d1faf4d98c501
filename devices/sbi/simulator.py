"""An SBI (MOSIP Device Service) simulator, written from the public specification.

It serves a fingerprint slap scanner and a face camera on 127.0.0.1 with the SBI verbs:
MOSIPDISC /device, MOSIPDINFO /info, RCAPTURE /capture, CAPTURE /capture (the biometric
encrypted to a stand-in MOSIP server key), STREAM /stream (MJPEG). Captures are
synthetic (devices.simulated.synth) wrapped in ISO/IEC 19794-4 / 19794-5 records, signed as
compact JWS (RS256, x5c) with a throw-away test certificate the simulator makes at start-up, and
hash-chained like a real device. It is the device the tests talk to, and a training device:

    python -m devices.sbi.simulator --port 4501 [--quality dry] [--fault busy] [--spec 0.9.5]

Faults (``--fault`` or, at run time, ``POST /simulator {"fault": ..., "quality": ...}``, a
simulator-only endpoint that real devices do not have): none, busy, timeout (never answers),
garbage (bioValue is not a biometric record), tamper (wrong hash), badsig (signature does not
match), disconnect (connection dropped mid-reply), unregistered (L0 device, unsigned data),
error:NNN (reply with SBI error code NNN).
"""

from __future__ import annotations

import argparse
import binascii
import hashlib
import json
import logging
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from devices.sbi import protocol as p
from devices.simulated import synth
from station.biometrics.formats import iso19794_4, iso19794_5, iso19794_6
from station.domain.enrollment import FingerPosition

log = logging.getLogger(__name__)

FAULTS = ("none", "busy", "timeout", "garbage", "tamper", "badsig", "disconnect",
          "unregistered")
NOMINAL_SCORE = {"good": 82.0, "dry": 38.0, "smudged": 30.0, "partial": 24.0, "blank": 0.0}
SLAP = {
    p.SUB_ID_LEFT_SLAP: [FingerPosition.LEFT_INDEX, FingerPosition.LEFT_MIDDLE,
                         FingerPosition.LEFT_RING, FingerPosition.LEFT_LITTLE],
    p.SUB_ID_RIGHT_SLAP: [FingerPosition.RIGHT_INDEX, FingerPosition.RIGHT_MIDDLE,
                          FingerPosition.RIGHT_RING, FingerPosition.RIGHT_LITTLE],
    p.SUB_ID_THUMBS: [FingerPosition.LEFT_THUMB, FingerPosition.RIGHT_THUMB],
}


def mosip_capture_hash(previous_hash: str, bio_value: bytes) -> str:
    """The capture hash written out the way MOSIP's own mock SBI builds it
    (mosip/mosip-mock-services, MockMDS SBIServiceResponse.getBiometricData): the previous hash is
    hex-decoded to its 32 bytes (SHA-256 of the empty UTF-8 string when the request's
    previousHash is empty), the current ISO record is hashed to 32 bytes, and the upper-case hex
    SHA-256 of the 64 concatenated bytes is the block's hash. Deliberately not shared with the
    client's `protocol.chain_hash`, so that the client is tested against the device's rule and
    not against itself (tests/test_devices_sbi.py pins both to hand-derived vectors)."""
    if not previous_hash.strip():
        previous_bytes = hashlib.sha256(b"").digest()  # the empty UTF-8 string
    else:
        previous_bytes = binascii.unhexlify(previous_hash.strip())
    if len(previous_bytes) != 32:
        raise ValueError("previousHash is not a SHA-256 digest")
    current_bytes = hashlib.sha256(bio_value).digest()
    return hashlib.sha256(previous_bytes + current_bytes).hexdigest().upper()


@dataclass
class SimDevice:
    device_id: str
    type: str  # Finger | Face
    sub_type: str  # Slap | Full face
    sub_ids: list[int]
    serial: str
    model: str


@dataclass
class SimulatorConfig:
    port: int = 4501
    host: str = "127.0.0.1"
    seed: int = 1
    quality: str = "good"
    fault: str = "none"
    spec_versions: tuple[str, ...] = p.SPEC_VERSIONS
    attempt_s: float = 0.05  # time per internal capture attempt
    compression: str = "wsq"  # wsq or png inside the ISO 19794-4 record
    stream_fps: float = 10.0
    modalities: tuple[str, ...] = ("Finger", "Face")
    iris_defects: tuple[str, ...] = ()  # synth.IRIS_DEFECTS shown by the iris camera
    devices: list[SimDevice] = field(default_factory=list)


class SbiSimulator:
    """Run with `start()` / `stop()` (or as a context manager); `url` is its callback id."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        c = self.config
        if c.quality not in synth.QUALITIES:
            raise ValueError(f"quality must be one of {', '.join(synth.QUALITIES)}")
        self.set_fault(c.fault)
        if not c.devices:
            if "Finger" in c.modalities:
                c.devices.append(SimDevice("SIMFP01", "Finger", "Slap", [1, 2, 3],
                                           f"SIMFP{c.seed:07d}", "RekamSim Slap 4-4-2"))
            if "Face" in c.modalities:
                c.devices.append(SimDevice("SIMFACE01", "Face", "Full face", [0],
                                           f"SIMFC{c.seed:07d}", "RekamSim Face HD"))
            if "Iris" in c.modalities:
                c.devices.append(SimDevice("SIMIRIS01", "Iris", "Double", [1, 2, 3],
                                           f"SIMIR{c.seed:07d}", "RekamSim Iris Duo"))
        self.pki = p.make_test_pki(c.devices[0].serial if c.devices else "SIM")
        self._domain_pki: p.TestPki | None = None
        self._busy = threading.Lock()
        self._release = threading.Event()
        self._impressions: dict[int, int] = {}
        self.requests: list[tuple[str, str]] = []  # (verb, path) log for tests and training
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def domain_pki(self) -> p.TestPki:
        """A stand-in for the MOSIP server's encryption certificate (auth CAPTURE only; the
        tests hold its private key to check what the device encrypted)."""
        if self._domain_pki is None:
            self._domain_pki = p.make_test_pki("MOSIP-DOMAIN-TEST")
        return self._domain_pki

    # -- control ---------------------------------------------------------------------------

    def set_fault(self, fault: str) -> None:
        if fault not in FAULTS and not (fault.startswith("error:") and fault[6:].isdigit()):
            raise ValueError(f"fault must be one of {', '.join(FAULTS)} or error:NNN")
        self.config.fault = fault

    def set_quality(self, quality: str) -> None:
        if quality not in synth.QUALITIES:
            raise ValueError(f"quality must be one of {', '.join(synth.QUALITIES)}")
        self.config.quality = quality

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self.config.port

    def start(self) -> SbiSimulator:
        handler = type("Handler", (_Handler,), {"sim": self})
        self._server = ThreadingHTTPServer((self.config.host, self.config.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"sbi-sim-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SbiSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- payloads --------------------------------------------------------------------------

    def _registered(self) -> bool:
        return self.config.fault != "unregistered"

    def _sign(self, payload: dict[str, Any]) -> str:
        raw = json.dumps(payload, separators=(",", ":")).encode()
        if not self._registered():
            return p.b64url(raw)
        token = p.sign_jws(raw, self.pki.device_key, self.pki.device_cert)
        if self.config.fault == "badsig":
            head, _body, sig = token.split(".")
            forged = dict(payload, qualityScore="99") if "qualityScore" in payload else \
                dict(payload, forged=True)
            token = f"{head}.{p.b64url(json.dumps(forged).encode())}.{sig}"
        return token

    def _digital_id(self, dev: SimDevice, signed: bool) -> str:
        digital = {
            "serialNo": dev.serial, "make": "Rekam", "model": dev.model, "type": dev.type,
            "deviceSubType": dev.sub_type, "deviceProvider": "Rekam Simulator (TEST)",
            "deviceProviderId": "REKAM-SIM", "dateTime": p.now_iso(),
        }
        raw = json.dumps(digital, separators=(",", ":")).encode()
        return self._sign(digital) if signed and self._registered() else p.b64url(raw)

    def _status(self) -> str:
        if not self._registered():
            return "Not Registered"
        if self.config.fault == "busy" or self._busy.locked():
            return "Busy"
        return "Ready"

    def discovery(self, wanted: str) -> list[dict[str, Any]]:
        out = []
        for dev in self.config.devices:
            if wanted not in ("Biometric Device", dev.type):
                continue
            out.append({
                "deviceId": dev.device_id, "deviceStatus": self._status(),
                "certification": "L0", "serviceVersion": "1.0.0",
                "deviceSubId": [str(s) for s in dev.sub_ids], "callbackId": self.url,
                "digitalId": self._digital_id(dev, signed=False),
                "deviceCode": str(uuid.uuid5(uuid.NAMESPACE_OID, dev.serial)),
                "specVersion": list(self.config.spec_versions),
                "purpose": "Registration" if self._registered() else "",
                "error": {"errorCode": "0", "errorInfo": "Success"},
            })
        return out

    def info(self) -> list[dict[str, Any]]:
        out = []
        for dev in self.config.devices:
            info = {
                "deviceStatus": self._status(), "deviceId": dev.device_id, "firmware": "1.0.0",
                "certification": "L0", "serviceVersion": "1.0.0",
                "deviceSubId": [str(s) for s in dev.sub_ids], "callbackId": self.url,
                "digitalId": self._digital_id(dev, signed=True),
                "deviceCode": str(uuid.uuid5(uuid.NAMESPACE_OID, dev.serial)),
                "env": "Developer" if self._registered() else "None",
                "purpose": "Registration" if self._registered() else "",
                "specVersion": list(self.config.spec_versions),
            }
            error = {"errorCode": "0", "errorInfo": "Success"} if self._registered() else \
                {"errorCode": "100", "errorInfo": "Device not registered"}
            out.append({"deviceInfo": self._sign(info), "error": error})
        return out

    def _finger_record(self, position: FingerPosition, score: float) -> bytes:
        n = self._impressions.get(int(position), 0)
        self._impressions[int(position)] = n + 1
        img = synth.fingerprint(position, self.config.seed, self.config.quality, impression=n)
        rep = iso19794_4.FingerImage(
            position=int(position), image=img, ppi=500, compression=self.config.compression,
            quality=[iso19794_4.QualityBlock(int(round(score)), vendor=0, algorithm=0)],
        )
        return iso19794_4.write([rep])

    def _iris_record(self, eye: str, score: float) -> bytes:
        """An ISO/IEC 19794-6:2011 record as MOSIP registration wants it: cropped image type,
        mono JPEG 2000 lossless, the device's quality score, the iris circle filled in."""
        img = synth.iris(self.config.seed, eye, defects=self.config.iris_defects)
        geometry = synth.iris_geometry(self.config.seed, eye, self.config.iris_defects)
        rep = iso19794_6.from_gray(img, eye, quality=int(round(score)),
                                   iris_circle=geometry.iris)
        return iso19794_6.write([rep])

    def _face_record(self) -> bytes:
        return iso19794_5.write([iso19794_5.from_bgr(synth.face(self.config.seed))])

    def rcapture(self, request: dict[str, Any], *, auth: bool = False
                 ) -> tuple[int, dict[str, Any]]:
        """RCAPTURE (or, with auth=True, CAPTURE): returns (HTTP status, body). Errors follow
        the spec: a biometrics entry carrying the error."""
        spec = str(request.get("specVersion", ""))
        bios = request.get("bio")
        if spec not in self.config.spec_versions:
            return self._error(spec, "501", f"Unsupported specVersion {spec!r}")
        if not isinstance(bios, list) or len(bios) != 1 or not isinstance(bios[0], dict):
            return self._error(spec, "101", "Invalid JSON: bio must hold one request")
        bio = bios[0]
        dev = next((d for d in self.config.devices if d.device_id == str(bio.get("deviceId"))),
                   None)
        if dev is None or str(bio.get("type", "")).lower() != dev.type.lower():
            return self._error(spec, "106", "Device not found")
        fault = self.config.fault
        if fault.startswith("error:"):
            return self._error(spec, fault[6:], f"Simulated error {fault[6:]}")
        if fault == "busy" or not self._busy.acquire(blocking=False):
            return self._error(spec, "502", "Device busy")
        try:
            return self._capture_locked(request, bio, dev, spec, auth)
        finally:
            self._busy.release()

    def _capture_locked(self, request: dict[str, Any], bio: dict[str, Any], dev: SimDevice,
                        spec: str, auth: bool = False) -> tuple[int, dict[str, Any]]:
        try:
            timeout_s = float(request.get("timeout", 10000)) / 1000.0
            requested = float(bio.get("requestedScore") or 0)
            count = int(bio.get("count") or 1)
            sub_id = int(bio.get("deviceSubId") or 0)
        except (TypeError, ValueError):
            return self._error(spec, "101", "Invalid JSON value (timeout/count/score)")
        if self.config.fault == "timeout":  # never answers, until the fault is cleared
            limit = time.monotonic() + max(timeout_s * 3, 60)
            while self.config.fault == "timeout" and time.monotonic() < limit:
                if self._release.wait(0.05):
                    break
            return self._error(spec, "501", "Capture timeout")
        rng = np.random.default_rng()
        if dev.type == "Face":
            targets: list[FingerPosition | str | None] = [None]
        elif dev.type == "Iris":
            wanted = [str(x).lower() for x in (bio.get("bioSubType") or []) if x]
            excluded_eyes = {str(x).lower() for x in (bio.get("exception") or [])}
            if not wanted:
                wanted = {1: ["left"], 2: ["right"], 3: ["left", "right"]}.get(sub_id, [])
            if not wanted or not set(wanted) <= {"left", "right"}:
                return self._error(spec, "101", f"Say which eye (Left/Right), got {wanted}")
            targets = [e for e in wanted if e not in excluded_eyes]
            if count != len(targets):
                return self._error(spec, "109", f"count {count} but {len(targets)} eyes")
        else:
            named = [x for x in (bio.get("bioSubType") or []) if x and x != "UNKNOWN"]
            excluded = {p.position_of(x) for x in (bio.get("exception") or [])}
            if named:
                targets = [p.position_of(x) for x in named]
                if None in targets:
                    return self._error(spec, "101", f"Unknown bioSubType in {named}")
            elif sub_id in SLAP:
                targets = list(SLAP[sub_id])
            else:
                return self._error(spec, "109", "Say which fingers (bioSubType or deviceSubId)")
            targets = [t for t in targets if t not in excluded]
            if count != len(targets):
                return self._error(spec, "109", f"count {count} but {len(targets)} fingers")
        # the device keeps trying until the requested score is met or time is up; best wins
        nominal = NOMINAL_SCORE[self.config.quality] if dev.type == "Finger" else 85.0
        deadline = time.monotonic() + timeout_s
        best = -1.0
        while True:
            if self._release.wait(self.config.attempt_s):
                return self._error(spec, "503", "Device stopped")
            score = float(np.clip(nominal + rng.normal(0, 4), 0, 100))
            best = max(best, score)
            if best >= requested or time.monotonic() >= deadline:
                break
        previous = str(bio.get("previousHash") or "")
        try:
            mosip_capture_hash(previous, b"")
        except (binascii.Error, ValueError):
            return self._error(spec, "101", "Invalid JSON value: previousHash is not hex")
        out = []
        for target in targets:
            if target is None:
                record = self._face_record()
            elif isinstance(target, str):
                record = self._iris_record(target, best)
            else:
                record = self._finger_record(target, best)
            if self.config.fault == "garbage":
                record = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()
            timestamp = p.now_iso()
            block = {
                "digitalId": self._digital_id(dev, signed=True),
                "deviceCode": str(uuid.uuid5(uuid.NAMESPACE_OID, dev.serial)),
                "deviceServiceVersion": "1.0.0", "bioType": dev.type,
                "bioSubType": "" if target is None else target.title()
                if isinstance(target, str) else p.BIO_SUBTYPE[target],
                "purpose": "Auth" if auth else "Registration",
                "env": str(request.get("env", "Developer")),
                "bioValue": p.b64url(record),
                "transactionId": str(request.get("transactionId", "")),
                "timestamp": timestamp,
                "requestedScore": f"{requested:g}", "qualityScore": f"{best:.1f}",
            }
            digest = mosip_capture_hash(previous, record)
            if self.config.fault == "tamper":
                digest = hashlib.sha256(digest.encode()).hexdigest().upper()
            entry: dict[str, Any] = {"specVersion": spec}
            if auth:  # the biometric is encrypted to the (here: simulated) MOSIP server key
                block["domainUri"] = str(request.get("domainUri", ""))
                sealed = p.seal_biometric(record, timestamp, self.domain_pki.ca_cert)
                block["bioValue"] = sealed["bioValue"]
                entry.update(sessionKey=sealed["sessionKey"], thumbprint=sealed["thumbprint"])
            entry.update(data=self._sign(block), hash=digest,
                         error={"errorCode": "0", "errorInfo": "Success"})
            out.append(entry)
            previous = digest
        return 200, {"biometrics": out}

    @staticmethod
    def _error(spec: str, code: str, info: str) -> tuple[int, dict[str, Any]]:
        return 200, {"biometrics": [{"specVersion": spec, "data": "", "hash": "",
                                     "error": {"errorCode": code, "errorInfo": info}}]}

    def stream_frames(self, device_id: str):
        """Endless preview frames (BGR) for a device: a finger settling, or the face."""
        dev = next((d for d in self.config.devices if d.device_id == device_id), None)
        if dev is None:
            return
        i = 0
        while not self._release.is_set():
            if dev.type == "Face":
                base = synth.face(self.config.seed)
                frame = np.roll(base, int(4 * np.sin(i / 3)), axis=1)
            elif dev.type == "Iris":
                gray = np.roll(synth.iris(self.config.seed, "right",
                                          defects=self.config.iris_defects),
                               int(3 * np.sin(i / 2)), axis=1)
                frame = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
            else:
                img = synth.fingerprint(FingerPosition.RIGHT_INDEX, self.config.seed,
                                        self.config.quality)
                k = min(1.0, 0.2 + (i % 20) / 15)
                gray = (255 - (255 - img.astype(np.float32)) * k).astype(np.uint8)
                frame = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
                cv2.putText(frame, f"Q {NOMINAL_SCORE[self.config.quality] * k:.0f}",
                            (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 160, 0), 2)
            yield frame
            i += 1


class _Handler(BaseHTTPRequestHandler):
    sim: SbiSimulator
    protocol_version = "HTTP/1.1"
    server_version = "RekamSbiSimulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("sbi-sim %s", format % args)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 1_000_000:
            raise ValueError("request too large")
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw.strip() else {}

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Location", self.sim.url)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _json_or_400(self) -> Any:
        try:
            return self._body()
        except (ValueError, UnicodeDecodeError) as exc:
            self._send(400, {"error": {"errorCode": "101", "errorInfo": f"Invalid JSON: {exc}"}})
            return None

    def do_MOSIPDISC(self) -> None:  # noqa: N802 - SBI verb
        self.sim.requests.append(("MOSIPDISC", self.path))
        body = self._json_or_400()
        if body is None:
            return
        wanted = str(body.get("type", "")) if isinstance(body, dict) else ""
        if wanted not in ("Biometric Device", "Finger", "Face", "Iris"):
            self._send(200, [{"error": {"errorCode": "101", "errorInfo": "Invalid JSON Value "
                              "Type For Discovery. ex: {type: 'Biometric Device' or 'Finger' "
                              "or 'Face' or 'Iris'}"}}])
            return
        self._send(200, self.sim.discovery(wanted))

    def do_MOSIPDINFO(self) -> None:  # noqa: N802
        self.sim.requests.append(("MOSIPDINFO", self.path))
        self._send(200, self.sim.info())

    def do_RCAPTURE(self) -> None:  # noqa: N802
        self._capture_verb("RCAPTURE", auth=False)

    def _capture_verb(self, verb: str, *, auth: bool) -> None:
        self.sim.requests.append((verb, self.path))
        body = self._json_or_400()
        if body is None:
            return
        if not isinstance(body, dict):
            self._send(200, SbiSimulator._error("", "101", "Invalid JSON")[1])
            return
        if self.sim.config.fault == "disconnect":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"biom")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        status, reply = self.sim.rcapture(body, auth=auth)
        self._send(status, reply)

    def do_CAPTURE(self) -> None:  # noqa: N802
        self._capture_verb("CAPTURE", auth=True)

    def do_STREAM(self) -> None:  # noqa: N802
        self.sim.requests.append(("STREAM", self.path))
        body = self._json_or_400()
        if body is None:
            return
        device_id = str(body.get("deviceId", "")) if isinstance(body, dict) else ""
        if not any(d.device_id == device_id for d in self.sim.config.devices):
            self._send(200, {"error": {"errorCode": "202", "errorInfo": "No Device Connected."}})
            return
        try:
            timeout_s = float(body.get("timeout", 60000)) / 1000.0
        except (TypeError, ValueError):
            timeout_s = 60.0
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=--rekamframe")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        deadline = time.monotonic() + timeout_s
        try:
            for frame in self.sim.stream_frames(device_id):
                ok, jpg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
                part = (b"--rekamframe\r\nContent-Type: image/jpeg\r\nContent-Length: "
                        + str(len(jpg)).encode() + b"\r\n\r\n" + jpg.tobytes() + b"\r\n")
                self.wfile.write(part)
                self.wfile.flush()
                if time.monotonic() > deadline or self.sim._release.wait(
                        1.0 / self.sim.config.stream_fps):
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped watching

    def do_POST(self) -> None:  # noqa: N802 - simulator control, not part of SBI
        if self.path != "/simulator":
            self._send(404, {"error": "unknown path"})
            return
        body = self._json_or_400()
        if body is None:
            return
        try:
            if "fault" in body:
                self.sim.set_fault(str(body["fault"]))
            if "quality" in body:
                self.sim.set_quality(str(body["quality"]))
        except ValueError as exc:
            self._send(400, {"error": str(exc)})
            return
        self._send(200, {"fault": self.sim.config.fault, "quality": self.sim.config.quality})

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS pre-flight for browser-based clients
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods",
                         "MOSIPDISC, MOSIPDINFO, CAPTURE, RCAPTURE, STREAM, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m devices.sbi.simulator",
                                 description="MOSIP SBI device simulator (test/training device)")
    ap.add_argument("--port", type=int, default=4501, help="127.0.0.1 port (SBI: 4501-4600)")
    ap.add_argument("--seed", type=int, default=1, help="the synthetic person")
    ap.add_argument("--quality", default="good", choices=synth.QUALITIES)
    ap.add_argument("--fault", default="none", help=f"one of {', '.join(FAULTS)}, error:NNN")
    ap.add_argument("--spec", action="append", choices=p.SPEC_VERSIONS,
                    help="spec versions to offer (repeat; default both)")
    ap.add_argument("--only", choices=("Finger", "Face", "Iris"), help="offer one device only")
    ap.add_argument("--with-iris", action="store_true", help="also offer an iris scanner")
    ap.add_argument("--compression", choices=("wsq", "png"), default="wsq")
    ap.add_argument("--export-ca", type=Path,
                    help="write the simulator's test CA certificate (PEM) here, for trust_store")
    args = ap.parse_args(argv)
    if args.port not in p.PORT_RANGE:
        print(f"note: port {args.port} is outside 4501-4600; a scan will not find it",
              file=sys.stderr)
    config = SimulatorConfig(
        port=args.port, seed=args.seed, quality=args.quality, compression=args.compression,
        spec_versions=tuple(args.spec or p.SPEC_VERSIONS),
        modalities=(args.only,) if args.only else
        ("Finger", "Face", "Iris") if args.with_iris else ("Finger", "Face"),
    )
    try:
        sim = SbiSimulator(config)
        sim.set_fault(args.fault)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.export_ca:
        args.export_ca.write_bytes(sim.pki.ca_pem)
    try:
        sim.start()
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    print(f"SBI simulator on {sim.url} (devices: "
          f"{', '.join(d.device_id for d in config.devices)}; Ctrl+C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
