"""Photos: placed cropped to fill their box, in black ink only; bad photos are input errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent


def page_with_photos(tmp_path: Path, files: dict[int, str]) -> Path:
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    for i, name in files.items():
        data["profiles"][i]["photo"]["file"] = name
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def make_images(tmp_path: Path) -> None:
    im = Image.new("RGB", (1600, 1000), (200, 120, 60))
    ImageDraw.Draw(im).ellipse([600, 300, 1000, 700], fill=(255, 255, 255))
    im.save(tmp_path / "wide.jpg", quality=85)
    im.convert("CMYK").save(tmp_path / "cmyk.jpg")
    Image.new("RGBA", (600, 800), (0, 128, 255, 128)).save(tmp_path / "alpha.png")


def run(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "make_pdf.py"), *map(str, args)], cwd=ROOT, capture_output=True, text=True
    )


def test_photos_placed_in_gray(tmp_path):
    make_images(tmp_path)
    page = page_with_photos(tmp_path, {0: "wide.jpg", 1: "cmyk.jpg", 2: "alpha.png"})
    out = tmp_path / "page.pdf"
    proc = run(page, "-o", out)
    assert proc.returncode == 0, proc.stderr
    listing = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert len(rows) == 3
    assert all(r[5] == "gray" and r[6] == "1" for r in rows)  # one channel: black ink only
    again = tmp_path / "again.pdf"
    assert run(page, "-o", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_missing_photo_is_bad_input(tmp_path):
    page = page_with_photos(tmp_path, {3: "nope.jpg"})
    out = tmp_path / "page.pdf"
    proc = run(page, "-o", out)
    assert proc.returncode == 2
    assert "profiles[3].photo.file: photo not found" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("cut", [0, 10, 20000, None])
def test_unreadable_photo_is_bad_input(tmp_path, cut):
    make_images(tmp_path)
    whole = (tmp_path / "wide.jpg").read_bytes()
    (tmp_path / "bad.jpg").write_bytes(b"not an image at all" if cut is None else whole[:cut])
    page = page_with_photos(tmp_path, {0: "bad.jpg"})
    proc = run(page, "-o", tmp_path / "page.pdf")
    assert proc.returncode == 2
    assert "profiles[0].photo.file: cannot read the photo" in proc.stderr
