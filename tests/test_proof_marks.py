"""A proof sheet carries what a plant checks a proof by (issue 15, item 7): registration
targets in every ink, centre marks on each side, a control strip of K steps outside the
trim, the press's output intent and PDF version, and the page's own date."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest
from conftest import SEED
from PIL import Image

from layout.draw.pdf import PATCH, STEPS, STRIP_X, TARGET_SHIFT, Proof
from layout.render import render

DPI = 144
INKS = {"c": "Cyan", "m": "Magenta", "y": "Yellow", "k": "Black"}
needs_gs = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")


@pytest.fixture(scope="module")
def proof(tmp_path_factory) -> Path:
    from conftest import run_make_pdf

    out = tmp_path_factory.mktemp("proof") / "proof.pdf"
    proc = run_make_pdf("--proof", "--round", "一校", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def separations(proof) -> dict[str, Image.Image]:
    """Ghostscript's separations (tiffsep), each an L image where 0 is full ink."""
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(
        ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{DPI}",
         f"-sOutputFile={tmp}/p%03d.tif", str(proof)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    seps = {key: Image.open(tmp / f"p001({name}).tif").convert("L") for key, name in INKS.items()}
    for img in seps.values():
        img.load()
    shutil.rmtree(tmp)
    return seps


@pytest.fixture(scope="module")
def page_size() -> tuple[float, float]:
    frame = render(SEED).makeup.frame
    return frame.width, frame.height


def ink(img: Image.Image, x: float, y: float, page_h: float, reach: int = 0) -> float:
    """The most ink (%) within ``reach`` pixels of the point (x, y) in page coordinates
    (y up from the trim's foot), on the proof sheet's separation."""
    m = Proof("").margin
    px, py = round((m + x) / 72 * DPI), round((m + page_h - y) / 72 * DPI)
    values = [img.getpixel((px + dx, py + dy)) for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)]
    return (255 - min(values)) / 255 * 100


def band() -> float:
    p = Proof("")
    return p.mark_offset + p.mark_length / 2


@needs_gs
def test_registration_targets_print_on_every_plate(separations, page_size):
    w, h = page_size
    d = band()
    targets = [
        (w / 2 + TARGET_SHIFT, h + d),
        (w / 2 + TARGET_SHIFT, -d),
        (-d, h / 2 + TARGET_SHIFT),
        (w + d, h / 2 + TARGET_SHIFT),
    ]
    for x, y in targets:
        assert {k: ink(img, x, y, h, reach=1) for k, img in separations.items()} == {k: 100 for k in INKS}, (x, y)
        assert all(ink(img, x + 2.5, y + 2.5, h) == 0 for img in separations.values())  # inside the ring: paper


@needs_gs
def test_centre_marks_on_each_side(separations, page_size):
    w, h = page_size
    for x, y in ((w / 2, h + band()), (w / 2, -band()), (-band(), h / 2), (w + band(), h / 2)):
        assert all(ink(img, x, y, h, reach=1) == 100 for img in separations.values()), (x, y)
    assert ink(separations["k"], w / 2, h + 3, h, reach=1) == 0  # outside the trim, not touching it


@needs_gs
def test_control_strip_steps_measure_their_k_values(separations, page_size):
    w, h = page_size
    y = h + band()
    measured = [ink(separations["k"], STRIP_X + (i + 0.5) * PATCH, y, h) for i in range(len(STEPS))]
    assert measured == pytest.approx(list(STEPS), abs=1.5)
    cmy = [ink(separations[k], STRIP_X + (i + 0.5) * PATCH, y, h) for k in "cmy" for i in range(len(STEPS))]
    assert max(cmy) == 0  # pure K steps
    assert ink(separations["c"], STRIP_X + (len(STEPS) + 1.5) * PATCH, y, h) == 0  # a K-only page: no colour bar


def test_proof_has_the_press_intent_version_and_the_pages_date(proof):
    assert proof.read_bytes().startswith(b"%PDF-1.3")
    with pikepdf.open(proof) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.S) == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "IFRA26"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20210715")  # seed.yaml's date: 2021-07-15
        assert "/GTS_PDFXVersion" not in pdf.docinfo  # a proof is not the plate's file
        trim = [float(v) for v in pdf.pages[0].TrimBox]
        media = [float(v) for v in pdf.pages[0].MediaBox]
    assert trim[0] - media[0] == Proof("").margin  # the marks live in the margin outside the trim


def test_a_draft_carries_the_intent_and_keeps_pdf_1_4(make_pdf, tmp_path):
    out = tmp_path / "draft.pdf"
    assert make_pdf("--draft", "-o", out).returncode == 0
    assert out.read_bytes().startswith(b"%PDF-1.4")  # its source map is an embedded file
    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "IFRA26"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20210715")
