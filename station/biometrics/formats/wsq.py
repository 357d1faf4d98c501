"""WSQ (FBI Wavelet Scalar Quantization) encode/decode through the NBIS codec of PyPI `wsq`.

The `wsq` distribution ships a Pillow plugin and, under it, the C extension `_wsq` with
`compress(bytes, rows, cols, bitrate)` and `decompress(bytes) -> (pixels, w, h, ppi)`. We call the
extension directly: the plugin copies every pixel through a Python list. That codec always
encodes at the FBI's 0.75 bits/pixel (about 15:1) whatever bitrate it is given, and always writes
"PPI 500" in its NISTCOM comment; `encode(..., ppi=N)` rewrites that comment so the stated
resolution is right.

The C decoder prints its own diagnostics on stderr for malformed input, so `decode` walks the
marker structure in Python first and rejects truncated or malformed streams with a clear error
before the codec sees them.
"""

from __future__ import annotations

import struct
import subprocess

import _wsq  # the NBIS codec inside the PyPI `wsq` package
import numpy as np

from station.biometrics.formats import wsq_child
from station.biometrics.formats.errors import FormatError
from station.frozen import WSQ_CHILD_FLAG, child_argv

SOI, EOI, SOF, SOB, DTT, DQT, DHT, DRT, COM = (0xFFA0 + i for i in range(9))
_TABLES = {DTT, DQT, DHT, DRT, COM}
BITRATE = 0.75
CHILD_TIMEOUT_S = 30
MAX_SIDE = 8000  # 16 inches at 500 ppi: larger than any ten-print card or palm scan


class WsqError(FormatError):
    def __init__(self, detail_id: str, detail_en: str, code: str = "FORMAT_INVALID"):
        super().__init__("WSQ", detail_id, detail_en, code)


def _segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of every header segment; validates the whole stream's framing."""
    n = len(data)
    if n < 4 or data[0:2] != b"\xff\xa0":
        raise WsqError("penanda SOI tidak ada", "no SOI marker")
    if data[-2:] != b"\xff\xa1":
        raise WsqError(
            "data terpotong (penanda EOI tidak ada)",
            "truncated (no EOI marker)",
            code="FORMAT_TRUNCATED",
        )
    out = []
    pos = 2
    seen_sof = seen_sob = False
    while pos < n - 2:
        if data[pos] != 0xFF:
            raise WsqError(f"byte tak terduga di posisi {pos}", f"unexpected byte at offset {pos}")
        marker = (data[pos] << 8) | data[pos + 1]
        if pos + 4 > n:
            raise WsqError("segmen terpotong", "truncated segment", code="FORMAT_TRUNCATED")
        length = (data[pos + 2] << 8) | data[pos + 3]
        end = pos + 2 + length
        if length < 2 or end > n:
            raise WsqError(
                f"panjang segmen {length} salah",
                f"bad segment length {length}",
                code="FORMAT_TRUNCATED",
            )
        if marker == SOF:
            seen_sof = True
        elif marker == SOB:
            if not seen_sof:
                raise WsqError("blok data sebelum header frame", "data block before frame header")
            seen_sob = True
            # entropy-coded data follows until the next marker (0xFF followed by non-zero)
            scan = end
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan >= n - 1:
                    raise WsqError(
                        "data blok terpotong", "truncated block data", code="FORMAT_TRUNCATED"
                    )
                if data[scan + 1] != 0x00:
                    break
                scan += 2
            out.append((marker, pos, end))
            pos = scan
            continue
        elif marker not in _TABLES:
            raise WsqError(
                f"penanda 0x{marker:04X} tidak dikenal", f"unknown marker 0x{marker:04X}"
            )
        out.append((marker, pos, end))
        pos = end
    if not seen_sof or not seen_sob:
        raise WsqError(
            "header frame atau blok data tidak ada", "missing frame header or data block"
        )
    return out


def frame_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the WSQ frame header."""
    for marker, start, _end in _segments(data):
        if marker == SOF:
            height, width = struct.unpack(">HH", data[start + 6 : start + 10])
            return width, height
    raise WsqError("header frame tidak ada", "no frame header")  # pragma: no cover


def nistcom(data: bytes) -> dict[str, str]:
    """The NISTCOM comment fields (PIX_WIDTH, PPI, WSQ_BITRATE ...), empty when absent."""
    for marker, start, end in _segments(data):
        if marker == COM:
            text = data[start + 4 : end].decode("latin-1")
            if text.startswith("NIST_COM"):
                fields = {}
                for line in text.splitlines():
                    key, _, value = line.partition(" ")
                    fields[key] = value.strip()
                return fields
    return {}


def nistcom_size(data: bytes) -> tuple[int, int] | None:
    """(PIX_WIDTH, PIX_HEIGHT) from the NISTCOM comment, if it states them."""
    fields = nistcom(data)
    try:
        return int(fields["PIX_WIDTH"]), int(fields["PIX_HEIGHT"])
    except (KeyError, ValueError):
        return None


def read_ppi(data: bytes) -> int | None:
    try:
        ppi = int(nistcom(data).get("PPI", "-1"))
    except (FormatError, ValueError):
        return None
    return ppi if ppi > 0 else None


def decode(data: bytes, *, isolated: bool = True) -> np.ndarray:
    """WSQ bytes -> 2-D uint8 array. Raises WsqError on malformed or truncated input.

    The NBIS codec is C code that fuzzing shows can corrupt its process's heap on crafted or
    damaged streams (the crash then comes later, anywhere). So by default the codec runs in a
    short-lived child process (about 30-60 ms extra) and a crash there is just a WsqError.
    `isolated=False` decodes in-process: use it only for bytes this station wrote and
    authenticated itself (e.g. its own records after AEAD decryption). In a frozen bundle the
    child is the bundle's own executable (station/frozen.py), so the isolation holds there too.
    """
    data = bytes(data)
    width, height = frame_size(data)  # validates framing
    # The codec trusts the frame header: out-of-range sizes corrupt its heap at once.
    if not (32 <= width <= MAX_SIDE and 32 <= height <= MAX_SIDE):
        raise WsqError(
            f"ukuran gambar {width}x{height} tidak masuk akal",
            f"implausible image size {width}x{height}",
        )
    declared = nistcom_size(data)
    if declared is not None and declared != (width, height):
        raise WsqError(
            f"ukuran frame {width}x{height} berbeda dari NISTCOM {declared}",
            f"frame size {width}x{height} differs from NISTCOM {declared}",
        )
    if isolated:
        pixels, w, h = _decompress_in_child(data)
    else:
        try:
            pixels, w, h, _ppi = _wsq.decompress(data)
        except Exception as exc:  # the codec raises a bare Exception("WSQ Error: -N")
            raise WsqError(f"kodek gagal ({exc})", f"codec failed ({exc})") from exc
    if (w, h) != (width, height) or len(pixels) != w * h:
        raise WsqError("jumlah piksel tidak cocok", "pixel count mismatch")
    return np.frombuffer(pixels, np.uint8).reshape(h, w).copy()


def _decompress_in_child(data: bytes) -> tuple[bytes, int, int]:
    try:
        proc = subprocess.run(
            child_argv(WSQ_CHILD_FLAG, wsq_child.__file__),
            input=data,
            capture_output=True,
            timeout=CHILD_TIMEOUT_S,
            check=False,
            # A windowed bundle on Windows would otherwise flash a console for the child.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except subprocess.TimeoutExpired as exc:
        raise WsqError("dekode terlalu lama", "decoding took too long") from exc
    except OSError as exc:  # cannot start a process at all: fail closed, clearly
        raise WsqError(
            f"proses dekode gagal dimulai ({exc})", f"the decoder process could not start ({exc})"
        ) from exc
    out = proc.stdout
    if proc.returncode == 0 and out[:2] == b"OK" and len(out) >= 10:
        w = int.from_bytes(out[2:6], "big")
        h = int.from_bytes(out[6:10], "big")
        return out[10:], w, h
    if proc.returncode == 3:
        msg = out.decode("latin-1").removeprefix("ERR ").strip()
        raise WsqError(f"kodek gagal ({msg})", f"codec failed ({msg})")
    raise WsqError(
        f"kodek berhenti tidak normal (kode {proc.returncode}); data rusak",
        f"the codec stopped abnormally (status {proc.returncode}); the data is damaged",
    )


def _set_ppi(data: bytes, ppi: int) -> bytes:
    for marker, start, end in _segments(data):
        if marker == COM and data[start + 4 : start + 12] == b"NIST_COM":
            lines = data[start + 4 : end].decode("latin-1").split("\n")
            lines = [f"PPI {ppi}" if ln.startswith("PPI ") else ln for ln in lines]
            body = "\n".join(lines).encode("latin-1")
            seg = struct.pack(">HH", COM, len(body) + 2) + body
            return data[:start] + seg + data[end:]
    # no NISTCOM: add one after SOI
    body = f"NIST_COM 2\nPPI {ppi}".encode()
    return data[:2] + struct.pack(">HH", COM, len(body) + 2) + body + data[2:]


def encode(gray: np.ndarray, ppi: int = 500) -> bytes:
    """2-D uint8 array -> WSQ bytes at 0.75 bpp, NISTCOM stating `ppi`."""
    arr = np.asarray(gray)
    if arr.ndim != 2 or arr.dtype != np.uint8:
        raise ValueError(f"WSQ needs a 2-D uint8 gray image, got {arr.dtype} {arr.shape}")
    h, w = arr.shape
    if h < 32 or w < 32:  # the wavelet decomposition needs room for its 5 levels
        raise ValueError(f"WSQ needs an image of at least 32x32 pixels, got {w}x{h}")
    out = _wsq.compress(np.ascontiguousarray(arr).tobytes(), h, w, BITRATE)
    if ppi != 500:
        out = _set_ppi(out, int(ppi))
    return out
