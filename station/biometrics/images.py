"""Image decoding with clear, bilingual errors for corrupt, truncated or unsupported input.

`decode_image(data)` returns a numpy array in OpenCV's convention: 2-D uint8 for gray images,
H x W x 3 uint8 BGR for colour (alpha is dropped, 16-bit samples are reduced to 8 bits).
Supported: PNG, JPEG, BMP, TIFF, PGM/PPM, JPEG 2000 (Pillow/OpenJPEG) and WSQ.

Truncation is detected before decoding where the container makes it cheap (JPEG must end with
EOI, PNG with IEND, WSQ with its EOI marker) because the libraries otherwise return a silently
half-grey picture.
"""

from __future__ import annotations

import io
import warnings

import cv2
import numpy as np

from station.domain.problems import Problem

_MAX_PIXELS = 80_000_000  # far above any scanner or camera frame; stops decompression bombs


class ImageDecodeError(ValueError):
    """The bytes are not a decodable image. `.problem` is the bilingual, coded reason."""

    def __init__(self, code: str, message_id: str, message_en: str):
        self.problem = Problem(code, message_id, message_en)
        super().__init__(f"{message_id} / {message_en}")

    @property
    def code(self) -> str:
        return self.problem.code


def sniff_format(data: bytes) -> str | None:
    """The container format from the magic bytes: png, jpeg, jp2, j2k, bmp, tiff, pnm, wsq."""
    head = bytes(data[:16])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n"):
        return "jp2"
    if head.startswith(b"\xff\x4f\xff\x51"):
        return "j2k"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if len(head) >= 3 and head[0:1] == b"P" and head[1:2] in b"123456" and head[2:3].isspace():
        return "pnm"
    if head.startswith(b"\xff\xa0"):
        return "wsq"
    return None


def _truncated(what: str) -> ImageDecodeError:
    return ImageDecodeError(
        "IMAGE_TRUNCATED",
        f"Berkas gambar {what} terpotong (tidak lengkap); ambil atau salin ulang berkasnya.",
        f"The {what} image is truncated (incomplete); capture or copy the file again.",
    )


def _corrupt(what: str, detail: str = "") -> ImageDecodeError:
    extra = f" ({detail})" if detail else ""
    return ImageDecodeError(
        "IMAGE_CORRUPT",
        f"Berkas gambar {what} rusak dan tidak dapat dibaca{extra}.",
        f"The {what} image is corrupt and cannot be decoded{extra}.",
    )


def _check_complete(fmt: str, data: bytes) -> None:
    if fmt == "jpeg":
        # Some writers pad after EOI; allow a little trailing garbage, never a missing EOI.
        if data.rfind(b"\xff\xd9", max(0, len(data) - 4096)) < 0:
            raise _truncated("JPEG")
    elif fmt == "png":
        iend = data.rfind(b"IEND", max(0, len(data) - 64))
        if iend < 0 or len(data) < iend + 8:  # the chunk type and its 4-byte CRC
            raise _truncated("PNG")
    elif fmt == "wsq" and data.rfind(b"\xff\xa1", max(0, len(data) - 16)) < 0:
        raise _truncated("WSQ")


def _check_dimensions(data: bytes, what: str) -> None:
    """Reject decompression bombs from the header alone (Pillow reads headers lazily)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
    except Image.DecompressionBombError as exc:
        raise _too_large(what, f"> {_MAX_PIXELS // 1_000_000} MP") from exc
    except Exception:  # unreadable header: the decoder below reports the precise reason
        return
    if w * h > _MAX_PIXELS:
        raise _too_large(what, f"{w}x{h}")


def _too_large(what: str, size: str) -> ImageDecodeError:
    return ImageDecodeError(
        "IMAGE_TOO_LARGE",
        f"Gambar {what} terlalu besar ({size}).",
        f"The {what} image is too large ({size}).",
    )


def _to_8bit(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        return (img >> 8).astype(np.uint8)
    if img.dtype == bool:
        return img.astype(np.uint8) * 255
    if np.issubdtype(img.dtype, np.floating):
        return np.clip(img * (255.0 if img.max(initial=0) <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    return np.clip(img, 0, 255).astype(np.uint8)


def _normalise(img: np.ndarray) -> np.ndarray:
    img = _to_8bit(img)
    if img.ndim == 3:
        if img.shape[2] == 1:
            img = img[:, :, 0]
        elif img.shape[2] == 4:
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(img)


def _decode_with_pillow(data: bytes, what: str) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > _MAX_PIXELS:
                    raise _too_large(what, f"{im.width}x{im.height}")
                im.load()
                if im.mode in ("1", "L", "P", "LA", "I;16", "I;16B", "I", "F"):
                    if im.mode == "P":
                        im = im.convert("RGB")
                    elif im.mode == "LA":
                        im = im.convert("L")
                if im.mode in ("RGB", "RGBA", "CMYK", "YCbCr", "LAB", "HSV"):
                    rgb = np.asarray(im.convert("RGB"))
                    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
                arr = np.asarray(im)
                if im.mode in ("I", "I;16", "I;16B"):
                    arr = arr.astype(np.uint32) >> 8 if arr.max(initial=0) > 255 else arr
                    arr = np.clip(arr, 0, 255).astype(np.uint8)
                return arr
    except ImageDecodeError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _too_large(what, f"> {_MAX_PIXELS // 1_000_000} MP") from exc
    except UnidentifiedImageError as exc:
        raise _corrupt(what, type(exc).__name__) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        msg = str(exc).lower()
        if "truncated" in msg or "premature" in msg or "end of file" in msg:
            raise _truncated(what) from exc
        raise _corrupt(what, str(exc)[:80]) from exc


def decode_image(data: bytes, *, gray: bool = False) -> np.ndarray:
    """Decode image bytes to uint8 (gray 2-D or BGR); `gray=True` converts colour with BT.601 luma.

    Raises ImageDecodeError (codes IMAGE_EMPTY, IMAGE_UNSUPPORTED, IMAGE_TRUNCATED,
    IMAGE_CORRUPT, IMAGE_TOO_LARGE) with a Bahasa Indonesia and English message.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_image expects bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageDecodeError(
            "IMAGE_EMPTY", "Berkas gambar kosong (0 byte).", "The image file is empty (0 bytes)."
        )
    fmt = sniff_format(data)
    if fmt is None:
        raise ImageDecodeError(
            "IMAGE_UNSUPPORTED",
            "Format gambar tidak dikenal; gunakan PNG, JPEG, BMP, TIFF, JPEG 2000 atau WSQ.",
            "Unknown image format; use PNG, JPEG, BMP, TIFF, JPEG 2000 or WSQ.",
        )
    what = fmt.upper()
    _check_complete(fmt, data)
    if fmt == "wsq":
        from station.biometrics.formats import wsq

        try:
            img = wsq.decode(data)
        except wsq.WsqError as exc:
            raise _corrupt(what, str(exc.problem.message_en)[:80]) from exc
    elif fmt in ("jp2", "j2k", "tiff"):
        img = _decode_with_pillow(data, what)
    else:
        _check_dimensions(data, what)  # before OpenCV allocates anything
        buf = np.frombuffer(data, np.uint8)
        img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        if img is None:
            img = _decode_with_pillow(data, what)  # raises the precise reason
        if img.size == 0:
            raise _corrupt(what)
    img = _normalise(img)
    if gray and img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return img


def image_ppi(data: bytes) -> int | None:
    """The resolution an image file states (PNG pHYs, JPEG JFIF/EXIF, TIFF, WSQ NISTCOM), or None.

    Values within 2 % of 500 (e.g. 508 ppi = 20 px/mm) are reported as stated; rounding to whole
    ppi. Reads headers only.
    """
    data = bytes(data)
    fmt = sniff_format(data)
    if fmt == "wsq":
        from station.biometrics.formats import wsq

        return wsq.read_ppi(data)
    if fmt is None:
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            dpi = im.info.get("dpi")
    except Exception:  # header unreadable: the decoder reports the real reason
        return None
    if not dpi:
        return None
    try:
        x = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    if x <= 1.0:  # "unknown" in many writers (72 dpi defaults are handled by the caller)
        return None
    return round(x)


def to_gray(img: np.ndarray) -> np.ndarray:
    """A 2-D uint8 view of any decoded image (BGR converted with BT.601 luma)."""
    img = _normalise(np.asarray(img))
    if img.ndim == 3:
        return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D or 3-channel image, got shape {img.shape}")
    return img


def finger_at_500ppi(image: np.ndarray, ppi: int = 500) -> np.ndarray | Problem:
    """A fingerprint as 2-D uint8 at 500 ppi (colour to grey, other resolutions resampled), or
    the Problem that stops it: callers raise it as their own coded error."""
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[2] in (3, 4):
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY if img.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    if img.ndim != 2 or img.dtype != np.uint8:
        return Problem("IMAGE_NOT_GREY", "Gambar sidik jari harus abu-abu 8-bit.",
                       "A fingerprint image must be 8-bit grey.")
    if not 100 <= int(ppi) <= 2000:
        return Problem("IMAGE_RESOLUTION", f"Resolusi {ppi} ppi di luar 100-2000 ppi.",
                       f"A resolution of {ppi} ppi is outside 100-2000 ppi.")
    if ppi != 500:
        s = 500.0 / ppi
        img = cv2.resize(img, None, fx=s, fy=s,
                         interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    return np.ascontiguousarray(img)


def encode_png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()


def encode_jpeg(img: np.ndarray, quality: int = 92) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()
