"""A colour page (issue 15, Required): the style gives process colours to the kicker, the
running head's section label (报眉) and the rules; text in colour is one ink, or a solid
two-ink mix at 12 pt or more; a colour page's proof carries a colour bar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEED
from test_plate import _ops
from test_proof_marks import DPI, INKS, band

from layout.draw.pdf import COLOUR_BAR, PATCH, STEPS, STRIP_X
from layout.errors import InputError
from layout.model.style import load_style
from layout.render import Output, render
from layout.resources import styles_dir

RED = "kicker: [0, 100, 100, 0]\n  section: [0, 100, 100, 0]\n  rules: [0, 100, 0, 0]"


def colour_style(folder: Path, colours: str = RED, extra: str = "") -> Path:
    text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    path = folder / "red.yaml"
    path.write_text(f"{text}\ncolours:\n  {colours}\n{extra}", encoding="utf-8")
    return path


def test_the_style_colours_the_kicker_section_label_and_rules(tmp_path):
    style = load_style(colour_style(tmp_path))
    assert style.colours == {"kicker": (0, 1, 1, 0), "section": (0, 1, 1, 0), "rules": (0, 1, 0, 0)}
    pdf = render(SEED, style=str(colour_style(tmp_path))).pdf
    ops = _ops(pdf)
    fills = [n for op, n in ops if op == "k"]
    strokes = [n for op, n in ops if op == "K"]
    assert fills.count((0.0, 1.0, 1.0, 0.0)) == 2  # the kicker and the 报眉 section label
    assert (0.0, 1.0, 0.0, 0.0) in strokes and (0.0, 0.0, 0.0, 1.0) in fills  # magenta rules; body text in K
    assert load_style(styles_dir() / "broadsheet.yaml").colours == {}  # the built-in styles stay K only


@pytest.mark.parametrize(
    ("colours", "said"),
    [
        ("kicker: [100, 100, 100, 0]", "text in colour is one ink, or a solid two-ink mix (both 100) at 12 pt"),
        ("kicker: [0, 60, 100, 0]", "this is 2 inks for 24 pt text"),  # a tinted two-ink mix
        ("section: [0, 0, 0, 0]", "a colour needs at least one ink"),
        ("rules: [0, 100, 100, 0]", "rules in several inks must all be at least 0.5 pt"),
    ],
)
def test_colours_that_misregister_are_refused(tmp_path, colours, said):
    with pytest.raises(InputError, match=said.replace("(", r"\(").replace(")", r"\)")):
        load_style(colour_style(tmp_path, colours))


def test_a_two_ink_section_label_under_12_pt_is_refused(tmp_path):
    text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    text = text.replace("head_paper: {font: hei, size: 小四}", "head_paper: {font: hei, size: 小五}")
    path = tmp_path / "small.yaml"
    path.write_text(f"{text}\ncolours:\n  section: [0, 100, 100, 0]\n", encoding="utf-8")
    with pytest.raises(InputError, match="2 inks for 9 pt text"):
        load_style(path)
    path.write_text(f"{text}\ncolours:\n  section: [0, 80, 0, 0]\n", encoding="utf-8")  # one ink: any size
    assert load_style(path).colours["section"] == (0, 0.8, 0, 0)


def test_a_colour_page_passes_the_press_preflight(tmp_path):
    r = render(SEED, style=str(colour_style(tmp_path)), output=Output(press="x1a", allow_placeholders=True))
    assert r.preflight is not None and r.preflight.status == 0, r.preflight.findings


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")
def test_a_colour_pages_proof_has_a_colour_bar(tmp_path, make_pdf):
    import subprocess

    from PIL import Image

    from layout.draw.pdf import Proof

    out = tmp_path / "proof.pdf"
    assert make_pdf("--proof", "--style", colour_style(tmp_path), "-o", out).returncode == 0
    subprocess.run(
        ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{DPI}",
         f"-sOutputFile={tmp_path}/p%03d.tif", str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    seps = {k: Image.open(tmp_path / f"p001({name}).tif").convert("L") for k, name in INKS.items()}
    m = Proof("").margin
    py = round((m - band()) / 72 * DPI)  # from the sheet's top: the strip's middle
    for i, cmyk in enumerate(COLOUR_BAR):
        px = round((m + STRIP_X + (len(STEPS) + 1 + i + 0.5) * PATCH) / 72 * DPI)
        measured = tuple(round((255 - seps[k].getpixel((px, py))) / 255, 1) for k in "cmyk")
        assert measured == pytest.approx(cmyk, abs=0.02), (i, measured)
