"""decode_image: every supported container, and a clear bilingual error for every kind of damage."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from biometrics_helpers import color, gray
from PIL import Image

from station.biometrics.images import ImageDecodeError, decode_image, image_ppi, sniff_format

pytestmark = pytest.mark.needs_data


def _png(img: np.ndarray) -> bytes:
    return cv2.imencode(".png", img)[1].tobytes()


def test_png_gray_and_colour_round_trip(biometric_data):
    g = gray("fingerprints/sfinge-test03.png")
    assert np.array_equal(decode_image(_png(g)), g)
    c = color("faces/skimage-astronaut.png")
    out = decode_image((biometric_data / "faces/skimage-astronaut.png").read_bytes())
    assert out.shape == (512, 512, 3) and np.array_equal(out, c)
    assert decode_image(_png(c), gray=True).ndim == 2


def test_jpeg_bmp_tiff_wsq(biometric_data):
    jpg = (biometric_data / "faces/nbis-type10-face_jpb_DOM_GMT_DCS-r01.jpg").read_bytes()
    assert decode_image(jpg).shape == (1024, 768, 3)
    g = gray("fingerprints/sivv-card0003_05.png")
    assert np.array_equal(decode_image(cv2.imencode(".bmp", g)[1].tobytes()), g)
    buf = io.BytesIO()
    Image.fromarray(g).save(buf, "TIFF")
    assert np.array_equal(decode_image(buf.getvalue()), g)
    wsq_bytes = (biometric_data / "formats/img.wsq").read_bytes()
    assert sniff_format(wsq_bytes) == "wsq"
    assert decode_image(wsq_bytes).shape == (256, 256)


def test_sixteen_bit_and_alpha_are_normalised():
    g16 = np.arange(64 * 64, dtype=np.uint16).reshape(64, 64) * 16
    out = decode_image(cv2.imencode(".png", g16)[1].tobytes())
    assert out.dtype == np.uint8 and np.array_equal(out, (g16 >> 8).astype(np.uint8))
    bgra = np.zeros((20, 30, 4), np.uint8)
    bgra[..., 2] = 200
    bgra[..., 3] = 255
    out = decode_image(cv2.imencode(".png", bgra)[1].tobytes())
    assert out.shape == (20, 30, 3) and out[0, 0, 2] == 200


def test_stated_resolution_is_read(biometric_data):
    assert image_ppi((biometric_data / "fingerprints/sfinge-test01.png").read_bytes()) == 500
    other = biometric_data / "fingerprints/other-resolution/lbm-type3-type3-r02-f02.png"
    assert image_ppi(other.read_bytes()) == 250
    assert image_ppi(_png(np.zeros((4, 4), np.uint8))) is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "IMAGE_EMPTY"),
        (b"hello, this is not an image at all", "IMAGE_UNSUPPORTED"),
        (b"%PDF-1.7\n...", "IMAGE_UNSUPPORTED"),
    ],
)
def test_unusable_bytes(data, code):
    with pytest.raises(ImageDecodeError) as err:
        decode_image(data)
    assert err.value.code == code
    assert err.value.problem.message_id and err.value.problem.message_en
    assert " / " in str(err.value)  # both languages in the plain message


@pytest.mark.parametrize("fmt", [".png", ".jpg"])
def test_truncated_files_are_named_as_truncated(biometric_data, fmt):
    data = cv2.imencode(fmt, color("faces/skimage-astronaut.png"))[1].tobytes()
    for cut in (len(data) // 2, len(data) - 3):
        with pytest.raises(ImageDecodeError) as err:
            decode_image(data[:cut])
        assert err.value.code == "IMAGE_TRUNCATED"
        assert "terpotong" in err.value.problem.message_id


def test_corrupt_body_is_reported(biometric_data):
    data = bytearray(_png(gray("fingerprints/sfinge-test01.png")))
    data[100:400] = b"\x00" * 300  # damage compressed data (CRC mismatch), keep IEND
    with pytest.raises(ImageDecodeError) as err:
        decode_image(bytes(data))
    assert err.value.code in ("IMAGE_CORRUPT", "IMAGE_TRUNCATED")
    jp2 = (biometric_data / "formats/img.jp2").read_bytes()
    with pytest.raises(ImageDecodeError):
        decode_image(jp2[: len(jp2) // 3])


def test_rejects_non_bytes():
    with pytest.raises(TypeError):
        decode_image("image.png")  # type: ignore[arg-type]


def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_decompression_bombs_are_refused_from_the_header(side):
    with pytest.raises(ImageDecodeError) as err:
        decode_image(_png_claiming(side, side))
    assert err.value.code == "IMAGE_TOO_LARGE"
    assert f"{side}x{side}" in err.value.problem.message_en or "> 80 MP" in str(err.value)
