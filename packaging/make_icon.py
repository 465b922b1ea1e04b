"""Draw the program's icon: white "CĐS" on a blue rounded square.

    python packaging/make_icon.py

Writes ``resources/icons/cdsdesk.png`` (256 px, the window icon) and
``resources/icons/cdsdesk.ico`` (16…256 px, the Windows executable). The outputs
are committed; run this only to change the drawing. Each size is drawn on its
own at four times its size and scaled down, so the small ones stay crisp rather
than being shrunk from the 256 px picture. Needs Pillow and a bold sans-serif
font with "Đ" (DejaVu Sans Bold or Liberation Sans Bold); no font is committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
BLUE = (21, 94, 173, 255)  # the blue of Vietnamese government portals
BLUE_DARK = (12, 63, 122, 255)
WHITE = (255, 255, 255, 255)
SUPERSAMPLE = 4
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


def bold_font_path() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    sys.exit("No bold sans-serif font found; install fonts-dejavu-core.")


def draw(size: int, font_path: Path) -> Image.Image:
    """The icon at ``size`` pixels square."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    margin = round(big * 0.04)
    radius = round(big * 0.2)
    box = (margin, margin, big - margin - 1, big - margin - 1)
    canvas.rounded_rectangle(box, radius=radius, fill=BLUE_DARK)
    inner = (box[0], box[1], box[2], box[3] - round(big * 0.035))  # a thin darker lip below
    canvas.rounded_rectangle(inner, radius=radius, fill=BLUE)
    text = "CĐS"
    usable = (big - 2 * margin) * 0.8
    font_size = big
    font = ImageFont.truetype(str(font_path), font_size)
    while font_size > 4:
        font = ImageFont.truetype(str(font_path), font_size)
        left, top, right, bottom = canvas.textbbox((0, 0), text, font=font)
        if right - left <= usable:
            break
        font_size -= max(1, font_size // 50)
    left, top, right, bottom = canvas.textbbox((0, 0), text, font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top - big * 0.01
    canvas.text((x, y), text, font=font, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    font_path = bold_font_path()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size, font_path) for size in ICO_SIZES}
    images[256].save(OUT_DIR / "cdsdesk.png", optimize=True)
    largest = images[max(ICO_SIZES)]
    largest.save(
        OUT_DIR / "cdsdesk.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    print(f"wrote {OUT_DIR / 'cdsdesk.png'} and {OUT_DIR / 'cdsdesk.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
