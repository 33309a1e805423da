"""Photo tone and ink for the press (layout/draw/tone.py): the newsprint tone curve of grey
photos and the plant's total ink limit of colour ones, in exact figures and as Ghostscript
separates the press files."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest
import yaml
from PIL import Image, ImageMath, ImageStat

from layout.draw.tone import (
    IFRA26,
    compensate_grey,
    compensation,
    grey_table,
    limit_ink,
    max_total_ink,
    printed_tone,
    profile_printed,
    tvi,
)
from layout.post.intent import BUNDLED_ICC

ROOT = Path(__file__).resolve().parent.parent
needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


# -- the tone curve -------------------------------------------------------------------------------


def test_the_condition_prints_26_percent_more_at_40():
    assert tvi(IFRA26, 40) == 26.0
    assert printed_tone(IFRA26, 40) == 66.0
    assert tvi(IFRA26, 0) == tvi(IFRA26, 100) == 0.0
    assert printed_tone(IFRA26, 90) == pytest.approx(97.944, abs=1e-3)


@pytest.mark.parametrize(
    ("target", "nominal"),
    [(0, 0.0), (3, 3.0), (40, 19.805), (50, 26.108), (90, 67.686), (100, 90.0)],
)
def test_the_compensation_curve(target, nominal):
    """K % in the file for each tone the original asks for: paper white stays 0, the
    lightest tones are lifted to the 3 % minimum dot, black ends at the 90 % shadow limit."""
    assert compensation(IFRA26, target) == pytest.approx(nominal, abs=1e-3)


def test_the_compensated_tone_prints_as_asked():
    for target in (10, 25, 50, 75, 95):
        asked = target * printed_tone(IFRA26, 90) / 100  # the range fitted to the shadow limit
        assert printed_tone(IFRA26, compensation(IFRA26, target)) == pytest.approx(asked, abs=1e-6)


def test_the_grey_table():
    """8-bit grey values in and out (255 = paper): 50 % grey (128, 49.8 % K) becomes 189
    (25.9 % K); black becomes 26 (89.8 % K, under the shadow limit); the lightest grey a
    3 % dot; white stays white."""
    table = grey_table(IFRA26)
    assert (table[255], table[254], table[128], table[0]) == (255, 247, 189, 26)
    assert all(a <= b for a, b in zip(table, table[1:]))  # tones keep their order
    img = compensate_grey(Image.new("L", (4, 4), 128))
    assert img.mode == "L" and img.getextrema() == (189, 189)


def test_the_bundled_profile_has_the_condition_s_tone_value_increase():
    """The K curve read from the profile (Murray–Davies from L*) is close to the model: 26 % ± 3 at 40 %."""
    printed = profile_printed(BUNDLED_ICC.read_bytes())
    assert printed(0) == 0.0 and printed(100) == 100.0
    assert 23 <= printed(40) - 40 <= 29
    table = grey_table(IFRA26, BUNDLED_ICC.read_bytes())
    assert table[255] == 255 and 180 <= table[128] <= 200 and table[0] >= 26


# -- the ink limit --------------------------------------------------------------------------------


def pixels(img: Image.Image) -> list[tuple[int, ...]]:
    return [img.getpixel((x, 0)) for x in range(img.width)]  # type: ignore[misc]


def test_limit_ink_replaces_grey_then_removes_colour():
    img = Image.new("CMYK", (4, 1))
    img.putdata([(200, 200, 200, 200), (255, 0, 255, 128), (10, 10, 10, 10), (160, 150, 140, 140)])
    out = limit_ink(img, 240)  # 612 in 8-bit units
    assert pixels(out) == [
        (119, 119, 119, 255),  # GCR 55 (K full), then UCR: 3 × 119 + 255 = 612
        (242, 0, 242, 128),  # nothing in common to replace: C and Y scaled down
        (10, 10, 10, 10),  # within the limit: untouched
        (160, 150, 140, 140),  # 590: untouched
    ]
    assert max_total_ink(limit_ink(img, 220)) <= 220


def test_limit_ink_never_exceeds_any_limit():
    ramp = Image.linear_gradient("L")
    img = Image.merge("CMYK", [ramp, ramp.rotate(90), ramp.rotate(180), ramp.rotate(270)])
    for tac in (100, 200, 220, 240, 300):
        assert max_total_ink(limit_ink(img, tac)) <= tac
    assert limit_ink(img, 400).tobytes() == img.tobytes()


# -- press files, separated by Ghostscript -------------------------------------------------------


def page(tmp_path: Path, files: list[str]) -> Path:
    """The seed page with photo files given in turn to its photo boxes."""
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    boxes = [p for p in data["profiles"] if p.get("photo") is not None]
    for i, p in enumerate(boxes):
        p["photo"]["file"] = files[i % len(files)]
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def separations(pdf: Path, dpi: int = 72) -> dict[str, Image.Image]:
    """Ghostscript's tiffsep plates of page 1, C M Y K, each 0 = full ink, 255 = none."""
    names = {"c": "Cyan", "m": "Magenta", "y": "Yellow", "k": "Black"}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{dpi}",
             f"-sOutputFile={tmp}/p%03d.tif", str(pdf)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return {key: Image.open(Path(tmp) / f"p001({name}).tif").convert("L") for key, name in names.items()}


def photo_boxes(pdf: Path) -> list[tuple[tuple[float, float, float, float], int]]:
    """Each placed image's box (x, y, w, h in points, from the bottom left) and its first pixel value."""
    out = []
    with pikepdf.open(pdf) as doc:
        pg = doc.pages[0]
        images = pg.get_images()
        ctm: list[float] = []
        for operands, op in pikepdf.parse_content_stream(pg):
            if str(op) == "cm":
                ctm = [float(v) for v in operands]
            elif str(op) == "Do" and str(operands[0]) in images:
                value = pikepdf.PdfImage(images[str(operands[0])]).as_pil_image().getpixel((0, 0))
                out.append(((ctm[4], ctm[5], ctm[0], ctm[3]), value))
    return out


def k_percent(pdf: Path) -> dict[int, float]:
    """Ghostscript's K (%) in the middle of each photo, by the photo's own pixel value."""
    k = separations(pdf)["k"]
    found = {}
    for (x, y, w, h), value in photo_boxes(pdf):
        cx, cy = x + w / 2, k.height - (y + h / 2)
        middle = k.crop((int(cx - w / 4), int(cy - h / 4), int(cx + w / 4), int(cy + h / 4)))
        found[value] = round(100 - ImageStat.Stat(middle).median[0] * 100 / 255, 1)
    return found


@needs_gs
def test_grey_photos_are_tone_corrected_on_the_plate(tmp_path, make_pdf):
    """A 50 % grey photo and a black one: a plain page carries them as they are
    (49.8 % and 100 % K); the press file (IFRA26) 25.9 % and 89.8 % K."""
    Image.new("L", (1800, 1350), 128).save(tmp_path / "mid.png")
    Image.new("L", (1800, 1350), 0).save(tmp_path / "dark.png")
    yaml_file = page(tmp_path, ["mid.png", "dark.png"])
    plain, press = tmp_path / "plain.pdf", tmp_path / "press.pdf"
    assert make_pdf(yaml_file, "-o", plain).returncode in (0, 1)
    proc = make_pdf(yaml_file, "--press", "-o", press)
    assert proc.returncode in (0, 1), proc.stderr
    assert k_percent(plain) == {128: 49.8, 0: 100.0}  # before: the file's own values
    assert k_percent(press) == {189: 25.9, 26: 89.8}  # after: compensated mid-tone, shadow at the limit
    with_profile = tmp_path / "profile.pdf"
    assert make_pdf(yaml_file, "--press", "--icc", "bundled", "-o", with_profile).returncode in (0, 1)
    mid, shadow = sorted(k_percent(with_profile).values())  # the bundled profile's own K curve: 25.5, 89.4
    assert mid == pytest.approx(25.9, abs=1.5) and 85 <= shadow <= 90


def colour_photo(path: Path) -> None:
    """Every hue at every lightness, dark saturated colours and a black band: the photo a
    separation pushes furthest over a newsprint ink limit."""
    hue = Image.linear_gradient("L").rotate(90).resize((1800, 1200))
    value = Image.linear_gradient("L").resize((1800, 1200))
    img = Image.merge("HSV", [hue, Image.new("L", hue.size, 255), value]).convert("RGB")
    img.paste((0, 0, 0), (0, 1100, 1800, 1200))
    img.paste((40, 10, 60), (0, 1000, 900, 1100))
    img.save(path)


def ink_over(pdf: Path, tac: float) -> tuple[float, float]:
    """(the highest C+M+Y+K of any pixel in %, the share of pixels over ``tac``) from tiffsep."""
    seps = separations(pdf)
    total = ImageMath.lambda_eval(lambda e: 1020 - e["c"] - e["m"] - e["y"] - e["k"], **seps)
    limit = int(tac * 255 / 100)
    over = ImageMath.lambda_eval(lambda e: e["t"] > limit, t=total)
    share = ImageStat.Stat(over.convert("L")).mean[0]  # 0/1 per pixel
    return total.getextrema()[1] * 100 / 255, share


@needs_gs
@pytest.mark.parametrize("tac", [240, 220])
def test_colour_photos_keep_the_plant_s_ink_limit(tmp_path, make_pdf, tac):
    colour_photo(tmp_path / "colour.png")
    yaml_file = page(tmp_path, ["colour.png"])
    out = tmp_path / f"colour-{tac}.pdf"
    proc = make_pdf(yaml_file, "--press", "--icc", "bundled", "--photos", "cmyk", "--tac", tac, "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    top, share = ink_over(out, tac)
    assert 150 < top <= tac
    assert share == 0.0
    again = tmp_path / "again.pdf"
    make_pdf(yaml_file, "--press", "--icc", "bundled", "--photos", "cmyk", "--tac", tac, "-o", again)
    assert again.read_bytes() == out.read_bytes()  # deterministic
