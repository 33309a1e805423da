"""Page pictures for editors and reviewers (review stage, raster only).

Input: a PDF file. Output: one PNG per page, rendered by poppler's pdftoppm
(or Ghostscript when poppler is missing); optionally with boxes (PDF user
space, through ``Space``: CropBox and /Rotate as the renderer draws them)
outlined and tinted over the picture in the colour of what happened to them
(changed, deleted, inserted, moved; ``COLOURS``), and two rounds' pages side by
side. A missing renderer is a clear error naming what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

DPI = 50  # enough to see a page's arrangement and read headlines


class NoRenderer(Exception):
    pass


def render_pngs(pdf: Path, out_prefix: Path, dpi: int = DPI) -> list[Path]:
    """``out_prefix``-1.png, -2.png … one per page (written via a temporary folder)."""
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_prefix.parent) as tmp:
        if shutil.which("pdftoppm"):
            cmd = ["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/p"]
        elif shutil.which("gs"):
            cmd = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", f"-r{dpi}",
                   f"-sOutputFile={tmp}/p-%d.png", str(pdf)]  # fmt: skip
        else:
            raise NoRenderer(
                "page pictures need poppler-utils (pdftoppm) or Ghostscript: apt-get install poppler-utils"
            )
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        made = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        out = []
        for i, png in enumerate(made, 1):
            target = out_prefix.with_name(f"{out_prefix.name}-{i}.png")
            png.replace(target)
            out.append(target)
    return out


COLOURS = {  # what a mark means → (tint with alpha, outline)
    "changed": ((255, 200, 0, 90), (220, 0, 0, 255)),
    "deleted": ((255, 40, 40, 80), (200, 0, 0, 255)),
    "inserted": ((0, 200, 60, 80), (0, 140, 40, 255)),
    "moved": ((60, 120, 255, 80), (0, 60, 220, 255)),
    "module": (None, (120, 0, 200, 255)),  # outline only (drawing no fill keeps the tints under it)
}
GAP = 16  # pixels between the old and the new page of a pair
Box = tuple[float, float, float, float] | list[float]


class Space:
    """From PDF user space (points, y up) to the pixels of a page picture, as pdftoppm
    draws the page: its CropBox, turned by its /Rotate, at ``dpi``."""

    def __init__(self, crop: Box, rotate: int = 0, dpi: int = DPI) -> None:
        self.crop, self.rotate, self.scale = [float(v) for v in crop], rotate % 360, dpi / 72

    def point(self, x: float, y: float) -> tuple[float, float]:
        x0, y0, x1, y1 = self.crop
        u, v = (x - x0) * self.scale, (y1 - y) * self.scale  # unturned picture, y down
        w, h = (x1 - x0) * self.scale, (y1 - y0) * self.scale
        return {0: (u, v), 90: (h - v, u), 180: (w - u, h - v), 270: (v, w - u)}[self.rotate]

    def box(self, box: Box) -> tuple[float, float, float, float]:
        """A user-space box as (left, top, right, bottom) pixels."""
        a, b = self.point(box[0], box[1]), self.point(box[2], box[3])
        return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def page_spaces(pdf: Path, dpi: int = DPI) -> list[Space]:
    """Each page's ``Space`` (CropBox, else MediaBox, and /Rotate)."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return [Space(page.cropbox, int(page.obj.get("/Rotate", 0)), dpi) for page in doc.pages]


def draw_marks(img, marks: list[tuple[Box, str]], space: Space):  # noqa: ANN001, ANN201 (PIL images)
    """``img`` with each (box, kind) tinted and outlined in the kind's colours (``COLOURS``)."""
    from PIL import Image, ImageDraw

    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for box, kind in marks:
        fill, outline = COLOURS.get(kind, COLOURS["changed"])
        left, top, right, bottom = space.box(box)
        width = 2 if kind == "module" else 1
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=fill, outline=outline, width=width)
    return Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")


def mark(png: Path, boxes: list[list[float]], media: list[float], dpi: int = DPI) -> None:
    """Outline and tint ``boxes`` (x0, y0, x1, y1 in PDF user space) on a page picture."""
    from PIL import Image

    with Image.open(png) as src:
        img = src.convert("RGB")
    draw_marks(img, [(b, "changed") for b in boxes], Space(media, 0, dpi)).save(png)


def side_by_side(old_png: Path | None, new_png: Path, out: Path) -> tuple[int, int]:
    """The old page (left) and the new (right) in one picture, ``GAP`` pixels apart, on white;
    returns where the new page starts (x offset, y offset)."""
    from PIL import Image

    with Image.open(new_png) as src:
        new = src.convert("RGB")
    old = None
    if old_png is not None:
        with Image.open(old_png) as src:
            old = src.convert("RGB")
    left = old.width + GAP if old else 0
    height = max(new.height, old.height if old else 0)
    pair = Image.new("RGB", (left + new.width, height), (255, 255, 255))
    if old:
        pair.paste(old, (0, 0))
    pair.paste(new, (left, 0))
    pair.save(out)
    return left, 0
