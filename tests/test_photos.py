"""Photos: placed cropped to fill their box, in black ink only; bad photos are input errors."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
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


def tones(pdf: Path) -> list[tuple[int, int, float]]:
    """(width, height, mean grey 0-255) of every image placed in the PDF."""
    import pikepdf
    from PIL import ImageStat

    out = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for _, xo in page.get_images().items():
                img = pikepdf.PdfImage(xo).as_pil_image().convert("L")
                out.append((img.width, img.height, ImageStat.Stat(img).mean[0]))
    return out


@pytest.mark.parametrize("mode", ["RGB", "CMYK", "P", "L", "LA", "RGBA", "I;16", "1"])
def test_every_image_mode_keeps_its_tones(tmp_path, mode):
    base = Image.linear_gradient("L").resize((900, 600)).convert("RGB")  # mean grey 127.5
    if mode == "I;16":
        img = base.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
        name = "photo.png"
    else:
        img = base.convert(mode)
        name = "photo.jpg" if mode in ("RGB", "CMYK", "L") else "photo.png"
    img.save(tmp_path / name)
    page = page_with_photos(tmp_path, {0: name})
    out = tmp_path / "page.pdf"
    proc = run(page, "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    ((_, _, mean),) = tones(out)
    assert 95 < mean < 160, mode  # a gradient stays mid-grey: not clipped to white or black


def test_exif_rotation_is_applied(tmp_path):
    tall = Image.new("RGB", (600, 900), (40, 40, 40))
    ImageDraw.Draw(tall).rectangle([0, 0, 599, 449], fill=(250, 250, 250))  # the upper half is light
    sideways = tall.rotate(90, expand=True)  # stored lying down, 900 × 600 …
    exif = Image.Exif()
    exif[0x0112] = 6  # … with the camera's note to turn it a quarter turn clockwise
    sideways.save(tmp_path / "rotated.jpg", exif=exif)
    page = page_with_photos(tmp_path, {0: "rotated.jpg"})
    out = tmp_path / "page.pdf"
    assert run(page, "-o", out).returncode in (0, 1)
    import pikepdf

    with pikepdf.open(out) as doc:
        (xo,) = [x for _, x in doc.pages[0].get_images().items()]
        img = pikepdf.PdfImage(xo).as_pil_image().convert("L")
    top = img.crop((0, 0, img.width, img.height // 4)).resize((1, 1)).getpixel((0, 0))
    bottom = img.crop((0, img.height * 3 // 4, img.width, img.height)).resize((1, 1)).getpixel((0, 0))
    assert top > bottom + 100  # upright: light above, dark below


def test_output_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    proc = run(ROOT / "content" / "seed.yaml", "-o", tmp_path / "file.txt" / "page.pdf")
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v fc-list"], capture_output=True).returncode != 0, reason="no fontconfig"
)
def test_installed_fonts_are_the_last_fallback(tmp_path):
    found = subprocess.run(["fc-list", ":charset=386", "file"], capture_output=True, text=True).stdout.strip()
    if not found:
        pytest.skip("no installed font has Greek with tonos")
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["profiles"][0]["body"][0] = "在雅典（Άθήνα）考察时，" + data["profiles"][0]["body"][0]
    page = tmp_path / "page.yaml"
    page.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "page.pdf"
    proc = run(page, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "'Ά' U+0386 is not in BanmianSerifSC-Regular.ttf; set from" in proc.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "雅典（Άθήνα）" in text


def test_each_photo_is_decoded_once_and_the_transform_built_once(tmp_path, monkeypatch):
    """The check, the makeup and the drawing share one decoded image (layout/raster.py);
    colour photos are separated through one transform per pair of profiles (draw/tone.py)."""
    from PIL import ImageCms

    from layout import raster
    from layout.draw import tone
    from layout.post.intent import bundled_icc, output_intent
    from layout.render import Output, render

    make_images(tmp_path)
    Image.new("RGB", (900, 700), (30, 160, 90)).save(tmp_path / "green.jpg", quality=85)
    page = page_with_photos(tmp_path, {0: "wide.jpg", 1: "green.jpg", 2: "wide.jpg"})
    opened, built = [], []
    real_open, real_build = Image.open, ImageCms.buildTransform
    monkeypatch.setattr(Image, "open", lambda f, *a, **k: opened.append(Path(f).name) or real_open(f, *a, **k))
    monkeypatch.setattr(ImageCms, "buildTransform", lambda *a, **k: built.append(1) or real_build(*a, **k))
    raster.clear_cache()
    monkeypatch.setattr(tone, "_transforms", threading.local())
    intent = output_intent(bundled_icc(240.0), None)
    cmyk = Output(press="x1a", intent=intent, photos="cmyk", allow_placeholders=True)
    first = render(page, output=cmyk)
    assert sorted(set(opened)) == ["green.jpg", "wide.jpg"]
    assert opened.count("green.jpg") == 1 and opened.count("wide.jpg") == 1  # decoded once: check and drawing
    assert len(built) == 1  # two colour photos, one pair of profiles
    assert render(page, output=cmyk).pdf == first.pdf  # the same bytes from the shared image
    raster.clear_cache()
    assert render(page, output=cmyk).pdf == first.pdf  # and with the cache emptied


def test_a_photo_replaced_under_the_same_name_is_read_again(tmp_path):
    from layout import raster

    path = tmp_path / "p.png"
    Image.new("L", (40, 30), 10).save(path)
    assert raster.decoded(path).getpixel((0, 0)) == 10
    Image.new("L", (40, 30), 200).save(path)  # a new version (size or modification time differ)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert raster.decoded(path).getpixel((0, 0)) == 200
