"""Page pictures for editors and reviewers (review stage, raster only).

Input: a PDF file. Output: one PNG per page, rendered by poppler's pdftoppm
(or Ghostscript when poppler is missing); optionally with boxes (PDF user
space) outlined and tinted over the picture, to show what changed between
proof rounds. A missing renderer is a clear error naming what to install.
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


def mark(png: Path, boxes: list[list[float]], media: list[float], dpi: int = DPI) -> None:
    """Outline and tint ``boxes`` (x0, y0, x1, y1 in PDF user space) on a page picture."""
    from PIL import Image, ImageDraw

    scale = dpi / 72
    with Image.open(png) as src:
        img = src.convert("RGB")
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        left, right = (x0 - media[0]) * scale, (x1 - media[0]) * scale
        top, bottom = (media[3] - y1) * scale, (media[3] - y0) * scale
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=(255, 200, 0, 90), outline=(220, 0, 0, 255))
    Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB").save(png)
