"""HTTP client of the receiver, with failures classified by their real cause.

Never "no internet": a failure is one of NAME_RESOLUTION, CONNECTION_REFUSED, NETWORK_UNREACHABLE,
TLS_CERTIFICATE, TLS_ERROR, CONNECT_TIMEOUT, TIMEOUT, CONNECTION_RESET, SERVER_DISCONNECTED,
HTTP_<status> (with the server's own message), BAD_RESPONSE, RECEIPT_SIGNATURE_INVALID,
RECEIPT_MISMATCH. TLS is verified against the certificate configured at provisioning.
"""

from __future__ import annotations

import base64
import errno
import functools
import hashlib
import socket
import ssl
from dataclasses import dataclass

import httpx

from station import __version__
from sync import receipt as receipt_fmt
from sync import wire
from sync.errors import SyncError
from sync.keys import ServerPublicKey
from sync.receipt import Receipt


@dataclass(frozen=True)
class Endpoint:
    url: str
    server_key: ServerPublicKey
    tls_cert_pem: bytes | None = None  # trust anchor for https (the server's cert or its CA)
    connect_timeout: float = 10.0
    timeout: float = 60.0


@dataclass
class ItemResult:
    packet_id: str
    receipt: Receipt | None = None
    error: SyncError | None = None


def _chain(exc: BaseException):  # noqa: ANN202
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def classify(exc: BaseException, url: str) -> SyncError:
    """Name the real cause of a transport failure."""
    host = httpx.URL(url).host
    for e in _chain(exc):
        if isinstance(e, socket.gaierror):
            return SyncError(
                "NAME_RESOLUTION",
                f"Nama server {host!r} tidak dapat di-resolve (DNS): {e.strerror}. Periksa alamat "
                "server dan DNS jaringan.",
                f"The server name {host!r} cannot be resolved (DNS): {e.strerror}. Check the "
                "server address and the network's DNS.",
                retryable=True,
            )
        if isinstance(e, ssl.SSLCertVerificationError):
            return SyncError(
                "TLS_CERTIFICATE",
                f"Sertifikat TLS server {host} tidak cocok dengan yang diprovisi: "
                f"{e.verify_message}. Jangan lanjut; hubungi TI.",
                f"The TLS certificate of {host} does not match the provisioned one: "
                f"{e.verify_message}. Do not continue; contact IT.",
                retryable=True,
            )
        if isinstance(e, ssl.SSLError):
            return SyncError(
                "TLS_ERROR",
                f"Jabat tangan TLS dengan {host} gagal: {e.reason or e}.",
                f"The TLS handshake with {host} failed: {e.reason or e}.",
                retryable=True,
            )
        if isinstance(e, ConnectionRefusedError):
            return SyncError(
                "CONNECTION_REFUSED",
                f"Server {host} menolak koneksi (layanan penerima tidak berjalan atau port salah).",
                f"The server {host} refused the connection (the receiver is not running, or "
                "the port is wrong).",
                retryable=True,
            )
        if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return SyncError(
                "NETWORK_UNREACHABLE",
                f"Jaringan ke {host} tidak terjangkau (tidak ada rute).",
                f"The network to {host} is unreachable (no route).",
                retryable=True,
            )
    if isinstance(exc, httpx.ConnectTimeout):
        return SyncError(
            "CONNECT_TIMEOUT",
            f"Server {host} tidak menjawab saat menyambung (batas waktu).",
            f"The server {host} did not answer the connection (timed out).",
            retryable=True,
        )
    if isinstance(exc, httpx.TimeoutException):
        return SyncError(
            "TIMEOUT",
            f"Server {host} tidak menjawab dalam batas waktu.",
            f"The server {host} did not answer in time.",
            retryable=True,
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return SyncError(
            "SERVER_DISCONNECTED",
            f"Koneksi ke {host} terputus di tengah jawaban.",
            f"The connection to {host} was closed in the middle of the answer.",
            retryable=True,
        )
    if isinstance(exc, httpx.ReadError | httpx.WriteError | ConnectionResetError):
        return SyncError(
            "CONNECTION_RESET",
            f"Koneksi ke {host} diputus (reset) saat mengirim/menerima.",
            f"The connection to {host} was reset while sending or receiving.",
            retryable=True,
        )
    if isinstance(exc, httpx.ConnectError):
        return SyncError(
            "CONNECT_FAILED",
            f"Tidak dapat menyambung ke {host}: {exc}.",
            f"Cannot connect to {host}: {exc}.",
            retryable=True,
        )
    return SyncError(
        "TRANSPORT_ERROR",
        f"Gangguan koneksi ke {host}: {type(exc).__name__}: {exc}.",
        f"Connection failure to {host}: {type(exc).__name__}: {exc}.",
        retryable=True,
    )


def http_error(response: httpx.Response) -> SyncError:
    code = f"HTTP_{response.status_code}"
    msg_id = msg_en = ""
    try:
        doc = response.json()
        server_code = doc.get("code", "")
        msg_id, msg_en = doc.get("message", ""), doc.get("message_en", "")
        if server_code:
            code = f"{code}_{server_code}"
    except ValueError:
        msg_en = msg_id = response.text[:200]
    retryable = response.status_code >= 500 or response.status_code in (408, 425, 429)
    return SyncError(
        code,
        f"Server menjawab {response.status_code} {response.reason_phrase}: {msg_id}".rstrip(": "),
        f"The server answered {response.status_code} {response.reason_phrase}: {msg_en}".rstrip(
            ": "
        ),
        retryable=retryable,
    )


def _bad_response(detail: str) -> SyncError:
    return SyncError(
        "BAD_RESPONSE",
        f"Jawaban server tidak dapat dibaca: {detail}.",
        f"The server's answer cannot be read: {detail}.",
        retryable=True,
    )


def check_receipt(
    raw: bytes, packet_id: str, packet: bytes | None, key: ServerPublicKey
) -> Receipt:
    rec = receipt_fmt.verify(raw, key)
    if rec.packet_id != packet_id or (
        packet is not None and rec.packet_sha256 != hashlib.sha256(packet).hexdigest()
    ):
        raise SyncError(
            "RECEIPT_MISMATCH",
            f"Tanda terima untuk {packet_id} tidak cocok dengan paket yang dikirim.",
            f"The receipt for {packet_id} does not match the packet sent.",
        )
    return rec


@functools.lru_cache(maxsize=8)
def _ssl_context(tls_cert_pem: bytes | None) -> ssl.SSLContext:
    """The TLS context that verifies the server: against the certificate configured at
    provisioning, else the system's trust store. Built once per trust anchor (loading a CA
    bundle costs tens of milliseconds; a client is made at every delivery attempt) and shared:
    an SSLContext is not changed by the connections it makes."""
    if tls_cert_pem:
        return ssl.create_default_context(cadata=tls_cert_pem.decode("ascii"))
    return httpx.create_ssl_context()


class ReceiverClient:
    def __init__(self, endpoint: Endpoint, *, transport: httpx.BaseTransport | None = None):
        self.endpoint = endpoint
        verify = _ssl_context(endpoint.tls_cert_pem or None)
        self._http = httpx.Client(
            base_url=endpoint.url.rstrip("/"),
            verify=verify,
            timeout=httpx.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
            headers={"User-Agent": f"rekam-station/{__version__}"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ReceiverClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kw: object) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise classify(exc, self.endpoint.url) from exc
        except OSError as exc:
            raise classify(exc, self.endpoint.url) from exc
        if response.status_code >= 400:
            raise http_error(response)
        return response

    def health(self) -> dict:
        try:
            doc = self._request("GET", "/v1/health").json()
        except ValueError:
            raise _bad_response("health is not JSON") from None
        if doc.get("server_key_id") != self.endpoint.server_key.key_id.hex():
            raise SyncError(
                "SERVER_KEY_MISMATCH",
                "Server di alamat ini memakai kunci lain dari yang diprovisi; provisi ulang "
                "stasiun atau periksa alamat server.",
                "The server at this address uses another key than the provisioned one; "
                "re-provision the station or check the server address.",
            )
        return doc

    def put(self, packet_id: str, raw: bytes) -> Receipt:
        response = self._request(
            "PUT",
            f"/v1/packets/{packet_id}",
            content=raw,
            headers={"Content-Type": wire.PACKET_MEDIA_TYPE},
        )
        return check_receipt(response.content, packet_id, raw, self.endpoint.server_key)

    def upload(self, packets: list[tuple[str, bytes]]) -> list[ItemResult]:
        """Send packets as one upload batch; the outcome of each comes back on its own."""
        response = self._request(
            "POST",
            "/v1/packets:batch",
            content=wire.encode_upload([p for _, p in packets]),
            headers={"Content-Type": wire.UPLOAD_MEDIA_TYPE},
        )
        try:
            results = response.json()["results"]
            if not isinstance(results, list) or len(results) != len(packets):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise _bad_response("upload results") from None
        out = []
        for (packet_id, raw), item in zip(packets, results, strict=True):
            result = ItemResult(packet_id)
            try:
                if item.get("receipt"):
                    rec_raw = base64.b64decode(item["receipt"], validate=True)
                    result.receipt = check_receipt(
                        rec_raw, packet_id, raw, self.endpoint.server_key
                    )
                else:
                    problem = item.get("problem") or {}
                    status = int(item.get("status", 0))
                    result.error = SyncError(
                        f"HTTP_{status}_{problem.get('code', 'ERROR')}",
                        f"Server menolak paket {packet_id}: {problem.get('message', '')}",
                        f"The server refused packet {packet_id}: {problem.get('message_en', '')}",
                        retryable=status >= 500,
                    )
            except SyncError as exc:
                result.error = exc
            except (ValueError, TypeError, AttributeError):
                result.error = _bad_response(f"result for {packet_id}")
            out.append(result)
        return out

    def query(self, packets: list[tuple[str, bytes | None]]) -> dict[str, Receipt]:
        """Receipts the server holds for these packets (recovers receipts lost in transit)."""
        if not packets:
            return {}
        response = self._request(
            "POST", "/v1/receipts:query", json={"packet_ids": [pid for pid, _ in packets]}
        )
        try:
            found = response.json()["receipts"]
        except (ValueError, KeyError, TypeError):
            raise _bad_response("receipt query") from None
        out = {}
        for pid, raw in packets:
            if pid in found:
                out[pid] = check_receipt(
                    base64.b64decode(found[pid]), pid, raw, self.endpoint.server_key
                )
        return out
