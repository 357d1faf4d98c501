"""Draw the Rekam icon: a white ID card with a portrait and text lines on a teal tile, and a
fingerprint's arcs in its corner. Deterministic (Pillow only), so the icon is code, not a binary
someone once made.

    python packaging/tools/make_icon.py ui/icons/rekam.png     # the PNG the app and .deb use
    python packaging/tools/make_icon.py build/icons/rekam.ico  # the Windows icon (all sizes)
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (11, 92, 122, 255)  # ui/style.py ACCENT
TEAL_DARK = (8, 68, 90, 255)
WHITE = (255, 255, 255, 255)
RED = (196, 40, 40, 255)  # the KTP-el backdrop for odd birth years


def draw(size: int = 512) -> Image.Image:
    s = size / 512
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((16 * s, 16 * s, 496 * s, 496 * s), radius=96 * s, fill=TEAL)
    # the card
    d.rounded_rectangle((64 * s, 128 * s, 448 * s, 384 * s), radius=28 * s, fill=WHITE)
    # portrait on its red backdrop
    d.rounded_rectangle((96 * s, 168 * s, 216 * s, 328 * s), radius=10 * s, fill=RED)
    d.ellipse((126 * s, 186 * s, 186 * s, 246 * s), fill=WHITE)
    d.pieslice((108 * s, 252 * s, 204 * s, 348 * s), 180, 360, fill=WHITE)
    # text lines
    for i, width in enumerate((190, 150, 170)):
        y = (186 + 46 * i) * s
        d.rounded_rectangle((244 * s, y, (244 + width) * s, y + 18 * s), radius=9 * s,
                            fill=TEAL_DARK)
    # fingerprint arcs in the corner of the tile
    cx, cy = 404 * s, 412 * s
    for r in (18, 34, 50):
        d.arc((cx - r * s, cy - r * s, cx + r * s, cy + r * s), 200, 340, fill=WHITE,
              width=max(1, int(8 * s)))
    return img


def main(out: str) -> None:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".ico":
        draw(256).save(path, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                    (128, 128), (256, 256)])
    else:
        draw(256).save(path, optimize=True)


if __name__ == "__main__":
    main(sys.argv[1])
