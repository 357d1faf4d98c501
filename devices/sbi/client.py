"""HTTP client for MOSIP SBI device services on loopback, with discovery by port scan.

Every failure becomes a `DeviceError` subclass naming the real cause: connection refused
(no service), timeout, dropped connection, unreadable reply, SBI error code (mapped to a clear
bilingual message), broken signature or hash chain.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from cryptography import x509

from devices.api import (
    CancelToken,
    CaptureCancelled,
    DeviceBusy,
    DeviceDisconnected,
    DeviceError,
    DeviceNotFound,
    DeviceTimeout,
    GarbageData,
    IntegrityError,
)
from devices.sbi import protocol as p

log = logging.getLogger(__name__)

T = TypeVar("T")
DISCOVERY_TIMEOUT_S = 5.0
CAPTURE_TIMEOUT_S = 40.0
CONNECT_PROBE_S = 0.3


class SbiError(DeviceError):
    """An error code reported by the device service itself."""

    code = "device.sbi"
    message_id = "Perangkat SBI melaporkan kesalahan"
    message_en = "The SBI device reported an error"

    def __init__(self, sbi_code: str, info: str = "", *, device_id: str | None = None) -> None:
        self.sbi_code = str(sbi_code)
        known = p.ERRORS.get(self.sbi_code)
        if known:
            self.message_id, self.message_en = known
        self.code = f"device.sbi.{self.sbi_code}"
        detail = f"SBI {self.sbi_code}" + (f" ({info})" if info else "")
        super().__init__(detail, device_id=device_id)


def error_from_sbi(code: str, info: str, device_id: str | None) -> DeviceError:
    text = info.lower()
    if code in ("106", "202"):
        return DeviceDisconnected(f"SBI {code}: {info}", device_id=device_id)
    if code not in p.ERRORS:  # vendor (5xx) codes: recognise the common meanings
        if "busy" in text:
            return DeviceBusy(f"SBI {code}: {info}", device_id=device_id)
        if "timeout" in text or "timed out" in text:
            return DeviceTimeout(f"SBI {code}: {info}", device_id=device_id)
    return SbiError(code, info, device_id=device_id)


@dataclass
class SbiDevice:
    """One device as the service describes it (discovery merged with verified device info)."""

    port: int
    device_id: str
    type: str  # Finger | Face | Iris
    status: str
    sub_ids: list[int]
    spec_versions: list[str]
    certification: str = ""
    purpose: str = ""
    callback: str = ""
    digital_id: dict[str, Any] = field(default_factory=dict)
    firmware: str = ""
    signed: bool = False  # device info arrived as a verified JWS
    trusted: bool = False  # ... and its certificate chains to the trust store
    problem: str = ""  # why it is not usable, if it is not

    @property
    def spec_version(self) -> str:
        for v in p.SPEC_VERSIONS:
            if v in self.spec_versions:
                return v
        return self.spec_versions[0] if self.spec_versions else p.SPEC_VERSIONS[0]


@dataclass(frozen=True)
class SbiBiometric:
    """One verified capture block."""

    bio_type: str
    bio_sub_type: str
    bio_value: bytes  # ISO 19794-x record, decoded from base64url
    quality_score: float | None
    requested_score: float | None
    hash: str
    transaction_id: str
    timestamp: str
    spec_version: str
    signed: bool
    trusted: bool
    digital_id: dict[str, Any]


@dataclass(frozen=True)
class SbiAuthBlock:
    """One authentication-capture block: signed, its biometric sealed for the server."""

    data: dict[str, Any]  # bioValue is AES-GCM ciphertext (base64url)
    session_key: str  # RSA-OAEP wrapped AES key (base64url)
    thumbprint: str  # SHA-256 of the server certificate used
    hash: str  # chain hash over the *plaintext*: only the server can check it
    signed: bool
    trusted: bool


def _run_cancellable(fn: Callable[[], T], cancel: CancelToken | None, limit_s: float) -> T:
    """Run a blocking call on a helper thread so that cancel (or the limit) returns at once."""
    if cancel is None:
        return fn()
    box: concurrent.futures.Future = concurrent.futures.Future()

    def target() -> None:
        try:
            box.set_result(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box.set_exception(exc)

    threading.Thread(target=target, daemon=True, name="sbi-request").start()
    waited = 0.0
    while True:
        try:
            return box.result(timeout=0.05)
        except concurrent.futures.TimeoutError:
            waited += 0.05
            if cancel.cancelled:
                raise CaptureCancelled(cancel.reason) from None
            if waited > limit_s + 1.0:
                raise DeviceTimeout(f"no answer after {limit_s:g} s") from None


class SbiClient:
    def __init__(self, port: int, host: str = "127.0.0.1", *,
                 discovery_timeout_s: float = DISCOVERY_TIMEOUT_S,
                 capture_timeout_s: float = CAPTURE_TIMEOUT_S,
                 trust_store: list[x509.Certificate] | None = None,
                 require_signed: bool = True, env: str = "Staging",
                 app_name: str = "Rekam") -> None:
        self.host = host
        self.port = int(port)
        self.discovery_timeout_s = discovery_timeout_s
        self.capture_timeout_s = capture_timeout_s
        self.trust_store = trust_store
        self.require_signed = require_signed
        self.env = env
        self.app_name = app_name

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def where(self) -> str:
        return f"sbi:{self.port}"

    # -- transport -------------------------------------------------------------------------

    def _request(self, verb: str, path: str, body: Any | None, timeout_s: float) -> Any:
        url = f"{self.base}{path}"
        headers = {"EXT": self.app_name, "Accept": "application/json"}
        content = None if body is None else json.dumps(body).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            with httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0)),
                              trust_env=False) as client:
                resp = client.request(verb, url, content=content, headers=headers)
        except httpx.ConnectError as exc:
            raise DeviceNotFound(f"no SBI service at {url} ({exc})", device_id=self.where) \
                from None
        except httpx.TimeoutException:
            raise DeviceTimeout(f"{verb} {path}: no answer within {timeout_s:g} s",
                                device_id=self.where) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise DeviceDisconnected(f"{verb} {path}: connection dropped ({exc})",
                                     device_id=self.where) from None
        except httpx.HTTPError as exc:
            raise DeviceDisconnected(f"{verb} {path}: {type(exc).__name__}: {exc}",
                                     device_id=self.where) from None
        if resp.status_code != 200:
            raise GarbageData(f"{verb} {path}: HTTP {resp.status_code}", device_id=self.where)
        try:
            return resp.json()
        except ValueError:
            raise GarbageData(f"{verb} {path}: reply is not JSON", device_id=self.where) \
                from None

    def _verify(self, token: str, what: str) -> tuple[p.Jws, bool]:
        """Verify a JWS block; returns it and whether its certificate is trusted."""
        try:
            jws = p.parse_jws(token)
        except p.JwsError as exc:
            raise IntegrityError(f"{what}: {exc}", device_id=self.where) from None
        if not jws.signed:
            if self.require_signed:
                raise IntegrityError(f"{what} is not signed (unregistered device?)",
                                     device_id=self.where)
            return jws, False
        trusted = False
        if self.trust_store is not None:
            assert jws.certificate is not None
            trusted = p.verify_chain(jws.certificate, self.trust_store)
            if not trusted:
                subject = jws.certificate.subject.rfc4514_string()
                raise IntegrityError(f"{what}: certificate {subject!r} is not issued by a "
                                     "trusted device provider", device_id=self.where)
        return jws, trusted

    # -- verbs -----------------------------------------------------------------------------

    def discover(self, device_type: str = "Biometric Device") -> list[dict[str, Any]]:
        reply = self._request("MOSIPDISC", "/device", {"type": device_type},
                              self.discovery_timeout_s)
        if not isinstance(reply, list):
            raise GarbageData("MOSIPDISC reply is not a list", device_id=self.where)
        out = []
        for item in reply:
            if not isinstance(item, dict):
                raise GarbageData("MOSIPDISC entry is not an object", device_id=self.where)
            err = item.get("error") or {}
            code = str(err.get("errorCode", "0"))
            if code != "0" and not item.get("deviceId"):
                raise error_from_sbi(code, str(err.get("errorInfo", "")), self.where)
            out.append(item)
        return out

    def info(self) -> list[SbiDevice]:
        reply = self._request("MOSIPDINFO", "/info", None, self.discovery_timeout_s)
        if not isinstance(reply, list):
            raise GarbageData("MOSIPDINFO reply is not a list", device_id=self.where)
        devices = []
        for item in reply:
            if not isinstance(item, dict) or not isinstance(item.get("deviceInfo"), str):
                raise GarbageData("MOSIPDINFO entry has no deviceInfo", device_id=self.where)
            err = item.get("error") or {}
            code = str(err.get("errorCode", "0"))
            problem = "" if code == "0" else str(error_from_sbi(
                code, str(err.get("errorInfo", "")), self.where).problem.message_en)
            token = item["deviceInfo"]
            try:
                jws, trusted = self._verify(token, "device info")
            except IntegrityError as exc:
                if code != "100":  # a registered device must sign its info
                    raise
                parts = token.split(".")
                try:  # an unregistered device: read what it says, but it is not usable
                    jws = p.parse_jws(parts[1] if len(parts) == 3 else parts[0])
                except p.JwsError:
                    raise GarbageData("device info unreadable", device_id=self.where) from None
                trusted = False
                problem = problem or exc.problem.message_en
            signed = jws.signed
            info = jws.json()
            if not isinstance(info, dict):
                raise GarbageData("device info payload is not an object", device_id=self.where)
            digital = self._digital_id(info.get("digitalId"))
            try:
                sub_ids = [int(x) for x in info.get("deviceSubId") or []]
            except (TypeError, ValueError):
                raise GarbageData("deviceSubId is not a list of numbers",
                                  device_id=self.where) from None
            devices.append(SbiDevice(
                port=self.port, device_id=str(info.get("deviceId", "")),
                type=str(digital.get("type") or info.get("type") or ""),
                status=str(info.get("deviceStatus", "")), sub_ids=sub_ids,
                spec_versions=[str(v) for v in info.get("specVersion") or []],
                certification=str(info.get("certification", "")),
                purpose=str(info.get("purpose", "")),
                callback=str(info.get("callbackId", "")), digital_id=digital,
                firmware=str(info.get("firmware", "")), signed=signed, trusted=trusted,
                problem=problem,
            ))
        return devices

    def _digital_id(self, token: Any) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            return {}
        try:
            jws = p.parse_jws(token)
            value = jws.json()
        except p.JwsError:
            return {}
        return value if isinstance(value, dict) else {}

    def rcapture(self, device: SbiDevice, *, bio_type: str, sub_id: int,
                 sub_types: Iterable[str] = (), exceptions: Iterable[str] = (),
                 count: int = 1, requested_score: float = 40.0, timeout_s: float | None = None,
                 previous_hash: str = p.EMPTY_HASH, cancel: CancelToken | None = None,
                 ) -> list[SbiBiometric]:
        """Registration capture: decoded, signature-checked, hash-chain-checked biometrics."""
        timeout = self.capture_timeout_s if timeout_s is None else float(timeout_s)
        spec = device.spec_version
        transaction = str(uuid.uuid4())
        request = {
            "env": self.env, "purpose": "Registration", "specVersion": spec,
            "timeout": str(int(timeout * 1000)), "captureTime": p.now_iso(),
            "transactionId": transaction,
            "bio": [{
                "type": bio_type, "count": str(count), "bioSubType": list(sub_types),
                "exception": list(exceptions), "requestedScore": f"{requested_score:g}",
                "deviceId": device.device_id, "deviceSubId": str(sub_id),
                "previousHash": previous_hash,
            }],
            "customOpts": None,
        }
        # the device may use all of `timeout`; allow it a little more to answer
        reply = _run_cancellable(
            lambda: self._request("RCAPTURE", "/capture", request, timeout + 5.0), cancel,
            timeout + 5.0)
        blocks = reply.get("biometrics") if isinstance(reply, dict) else None
        if not isinstance(blocks, list) or not blocks:
            raise GarbageData("RCAPTURE reply has no biometrics", device_id=self.where)
        out = []
        previous = previous_hash
        for block in blocks:
            if not isinstance(block, dict):
                raise GarbageData("RCAPTURE block is not an object", device_id=self.where)
            err = block.get("error") or {}
            code = str(err.get("errorCode", "0"))
            if code != "0":
                raise error_from_sbi(code, str(err.get("errorInfo", "")), self.where)
            if str(block.get("specVersion", "")) != spec:
                raise GarbageData(f"reply spec version {block.get('specVersion')!r} differs "
                                  f"from the requested {spec!r}", device_id=self.where)
            jws, trusted = self._verify(str(block.get("data") or ""), "capture data")
            data = jws.json()
            if not isinstance(data, dict):
                raise GarbageData("capture data is not an object", device_id=self.where)
            if str(data.get("transactionId", "")) != transaction:
                raise IntegrityError("transaction id in the reply does not match the request",
                                     device_id=self.where)
            try:
                bio_value = p.b64url_decode(str(data.get("bioValue") or ""))
            except ValueError:
                raise GarbageData("bioValue is not base64url", device_id=self.where) from None
            if not bio_value:
                raise GarbageData("bioValue is empty", device_id=self.where)
            claimed = str(block.get("hash") or "")
            if not p.chain_matches(previous, bio_value, claimed):
                raise IntegrityError("hash chain broken: the biometric does not match its hash",
                                     device_id=self.where)
            previous = claimed
            out.append(SbiBiometric(
                bio_type=str(data.get("bioType", "")),
                bio_sub_type=str(data.get("bioSubType", "")), bio_value=bio_value,
                quality_score=_number(data.get("qualityScore")),
                requested_score=_number(data.get("requestedScore")), hash=claimed,
                transaction_id=transaction, timestamp=str(data.get("timestamp", "")),
                spec_version=spec, signed=jws.signed, trusted=trusted,
                digital_id=self._digital_id(data.get("digitalId")),
            ))
        return out

    def capture_auth(self, device: SbiDevice, *, bio_type: str, sub_id: int,
                     sub_types: Iterable[str] = (), count: int = 1,
                     requested_score: float = 40.0, timeout_s: float | None = None,
                     domain_uri: str = "", previous_hash: str = p.EMPTY_HASH,
                     cancel: CancelToken | None = None) -> list[SbiAuthBlock]:
        """Authentication capture (CAPTURE): the device encrypts each biometric to the MOSIP
        server's key, so the station can verify the signature but cannot read, decode or
        hash-check the biometric; the server does that. Not used for registration."""
        timeout = self.capture_timeout_s if timeout_s is None else float(timeout_s)
        spec = device.spec_version
        transaction = str(uuid.uuid4())
        request = {
            "env": self.env, "purpose": "Auth", "specVersion": spec,
            "timeout": str(int(timeout * 1000)), "captureTime": p.now_iso(),
            "domainUri": domain_uri, "transactionId": transaction,
            "bio": [{
                "type": bio_type, "count": str(count), "bioSubType": list(sub_types),
                "requestedScore": f"{requested_score:g}", "deviceId": device.device_id,
                "deviceSubId": str(sub_id), "previousHash": previous_hash,
            }],
            "customOpts": None,
        }
        reply = _run_cancellable(
            lambda: self._request("CAPTURE", "/capture", request, timeout + 5.0), cancel,
            timeout + 5.0)
        blocks = reply.get("biometrics") if isinstance(reply, dict) else None
        if not isinstance(blocks, list) or not blocks:
            raise GarbageData("CAPTURE reply has no biometrics", device_id=self.where)
        out = []
        for block in blocks:
            if not isinstance(block, dict):
                raise GarbageData("CAPTURE block is not an object", device_id=self.where)
            err = block.get("error") or {}
            code = str(err.get("errorCode", "0"))
            if code != "0":
                raise error_from_sbi(code, str(err.get("errorInfo", "")), self.where)
            jws, trusted = self._verify(str(block.get("data") or ""), "capture data")
            data = jws.json()
            if not isinstance(data, dict) or str(data.get("transactionId", "")) != transaction:
                raise IntegrityError("transaction id in the reply does not match the request",
                                     device_id=self.where)
            for key in ("sessionKey", "thumbprint", "hash"):
                if not isinstance(block.get(key), str) or not block[key]:
                    raise GarbageData(f"CAPTURE block has no {key}", device_id=self.where)
            out.append(SbiAuthBlock(data=data, session_key=block["sessionKey"],
                                    thumbprint=block["thumbprint"], hash=block["hash"],
                                    signed=jws.signed, trusted=trusted))
        return out

    def stream(self, device: SbiDevice, sub_id: int, timeout_s: float = 60.0
               ) -> Iterator[bytes]:
        """JPEG frames of the device's MJPEG preview until the device ends it or the caller
        stops iterating."""
        body = json.dumps({"deviceId": device.device_id, "deviceSubId": str(sub_id),
                           "timeout": str(int(timeout_s * 1000))}).encode()
        parser = p.MjpegParser()
        try:
            with httpx.Client(timeout=httpx.Timeout(self.discovery_timeout_s),
                              trust_env=False) as client, \
                    client.stream("STREAM", f"{self.base}/stream", content=body,
                                  headers={"EXT": self.app_name,
                                           "Content-Type": "application/json"}) as resp:
                ctype = resp.headers.get("content-type", "")
                if resp.status_code != 200 or "json" in ctype:
                    resp.read()
                    try:
                        err = resp.json().get("error", {})
                    except (ValueError, AttributeError):
                        err = {}
                    raise error_from_sbi(str(err.get("errorCode", "202")),
                                         str(err.get("errorInfo", "no stream")), self.where)
                for chunk in resp.iter_bytes():
                    yield from parser.feed(chunk)
        except httpx.ConnectError:
            raise DeviceNotFound(f"no SBI service at {self.base}", device_id=self.where) \
                from None
        except httpx.TimeoutException:
            raise DeviceTimeout("STREAM: no frame in time", device_id=self.where) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise DeviceDisconnected(f"STREAM dropped ({exc})", device_id=self.where) from None
        except ValueError as exc:
            raise GarbageData(f"STREAM: {exc}", device_id=self.where) from None


def _number(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Port scan
# --------------------------------------------------------------------------------------------


async def _probe(host: str, port: int, timeout_s: float) -> int | None:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (TimeoutError, OSError):
        return None
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return port


async def _scan(host: str, ports: Iterable[int], timeout_s: float) -> list[int]:
    results = await asyncio.gather(*(_probe(host, port, timeout_s) for port in ports))
    return [port for port in results if port is not None]


def open_ports(host: str = "127.0.0.1", ports: Iterable[int] = p.PORT_RANGE,
               timeout_s: float = CONNECT_PROBE_S) -> list[int]:
    """Ports that accept a TCP connection, all probed at once (a closed loopback port refuses
    at once, so scanning the 100 SBI ports takes milliseconds when nothing listens)."""
    return asyncio.run(_scan(host, list(ports), timeout_s))


def parse_ports(text: str) -> list[int]:
    """"4501-4600" or "4501,4503" -> ports; rejects anything outside 1-65535."""
    ports: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError:
            raise ValueError(f"not a port or range: {part!r}") from None
        if not (1 <= a <= b <= 65535):
            raise ValueError(f"bad port range: {part!r}")
        ports.extend(range(a, b + 1))
    return ports


def scan(host: str = "127.0.0.1", ports: Iterable[int] = p.PORT_RANGE, *,
         timeout_s: float = DISCOVERY_TIMEOUT_S, trust_store: list[x509.Certificate] | None = None,
         require_signed: bool = True) -> tuple[list[SbiDevice], dict[int, DeviceError]]:
    """Find SBI devices: probe every port at once, then MOSIPDISC + MOSIPDINFO the open ones
    concurrently. Returns the devices and, per open port, why it is not an SBI service."""
    found: list[SbiDevice] = []
    problems: dict[int, DeviceError] = {}
    listening = open_ports(host, ports, min(CONNECT_PROBE_S, timeout_s))
    if not listening:
        return found, problems

    def ask(port: int) -> list[SbiDevice]:
        client = SbiClient(port, host, discovery_timeout_s=timeout_s, trust_store=trust_store,
                           require_signed=require_signed)
        listed = client.discover()
        if not listed:
            return []
        return client.info()

    with concurrent.futures.ThreadPoolExecutor(max_workers=min(16, len(listening))) as pool:
        futures = {pool.submit(ask, port): port for port in listening}
        for fut in concurrent.futures.as_completed(futures):
            port = futures[fut]
            try:
                found.extend(fut.result())
            except DeviceError as exc:
                problems[port] = exc
                log.info("port %d is not a usable SBI service: %s", port, exc)
    found.sort(key=lambda d: (d.port, d.device_id))
    return found, problems
