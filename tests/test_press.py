"""Print-shop output: PDF/X press files, proofs with marks, and the preflight.

The preflight is tried on a corpus of deliberately broken PDFs made here (each
must be flagged by its rule and by no other) and on our own press output (flagged
by none), and cross-checked with independent tools: pdffonts, qpdf and
Ghostscript's separations for the maximum total ink.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest
import yaml
from PIL import Image, ImageMath
from reportlab.lib.colors import CMYKColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from layout.post.intent import BUNDLED_ICC, IFRA26, Limits, output_intent
from layout.post.pdfx import make_press
from layout.post.preflight import preflight

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from pagegen import photo_image, seed_with_photos  # noqa: E402

FONT = ROOT / "fonts" / "BanmianSerifSC-Regular.core.ttf"
WHEN = dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)
K100 = CMYKColor(0, 0, 0, 1)


# -- a small clean page, and the same page with one defect each -------------------------------


def _font() -> str:
    if "PreflightSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttfonts.TTFont("PreflightSerif", str(FONT)))
    return "PreflightSerif"


def small_page(defect: str = "") -> bytes:
    """A 200 × 150 mm page drawn like ours (K text that overprints, a grayscale photo at
    200 ppi, 0.5 pt rules), with one ``defect`` added."""
    buf = io.BytesIO()
    w, h = 567.0, 425.0
    c = Canvas(
        buf,
        pagesize=(w, h),
        invariant=1,
        initialFontName=_font(),
        enforceColorSpace=None if defect == "rgb-text" else "cmyk",
    )
    c.setTitle("preflight test page")
    c.setTrimBox((0, 0, w, h))
    c.setFillOverprint(True)
    c.setStrokeOverprint(True)
    c.setOverprintMask(True)
    c.setFillColor(K100)
    c.setFont(_font(), 9)
    c.drawString(40, 380, "新闻正文九磅黑字，压印。")
    c.setStrokeColor(K100)
    c.setLineWidth(0.5)
    c.line(40, 370, 500, 370)
    c.saveState()
    c.setFillOverprint(False)
    c.setStrokeOverprint(False)
    c.setOverprintMask(False)
    c.drawImage(ImageReader(photo_image(556, "L")), 40, 200, 200, 150)  # 556 px over 200 pt: 200 ppi
    c.restoreState()
    if defect == "rgb-text":
        c.setFillColorRGB(0.8, 0.1, 0.1)
        c.setFont(_font(), 9)
        c.drawString(40, 100, "红色文字")
    elif defect == "font-not-embedded":
        c.setFont("Helvetica", 9)
        c.drawString(40, 100, "Helvetica is a standard font, never embedded")
    elif defect == "rich-black-text":
        c.setFillColor(CMYKColor(0.6, 0.4, 0.4, 1))
        c.setFont(_font(), 9)
        c.drawString(40, 100, "四色黑字")
    elif defect == "ink-300":
        c.setFillColor(CMYKColor(1, 1, 1, 0))
        c.rect(300, 60, 200, 100, stroke=0, fill=1)
    elif defect == "photo-72ppi":
        c.saveState()
        c.setFillOverprint(False)
        c.drawImage(ImageReader(photo_image(200, "L")), 300, 60, 200, 150)  # 200 px over 200 pt: 72 ppi
        c.restoreState()
    elif defect == "transparency":
        c.setFillAlpha(0.5)
        c.setFillColor(CMYKColor(0, 0, 0, 0.5))
        c.rect(300, 60, 200, 100, stroke=0, fill=1)
    elif defect == "hairline":
        c.setLineWidth(0.1)
        c.line(40, 60, 500, 60)
    c.showPage()
    c.save()
    press = make_press(buf.getvalue(), IFRA26, when=WHEN)
    if defect in ("no-trimbox", "annotation-in-trim"):
        pdf = pikepdf.open(io.BytesIO(press))
        page = pdf.pages[0]
        if defect == "no-trimbox":
            del page.obj["/TrimBox"]
        else:
            note = pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=pikepdf.Array([100, 300, 120, 320]),
                Contents=pikepdf.String("请核对"),
            )
            page.obj["/Annots"] = pikepdf.Array([pdf.make_indirect(note)])
        out = io.BytesIO()
        pdf.save(out, force_version="1.3")
        press = out.getvalue()
    return press


def rules(data: bytes, **limits) -> set[str]:
    return {f.rule for f in preflight(data, Limits(**limits)).findings}


def test_the_clean_small_page_passes():
    report = preflight(small_page())
    assert report.findings == ()
    assert report.status == 0
    assert report.text_k_share == 1.0
    assert 99 <= report.max_tac <= 100  # the photo's darkest pixel, on K only


@pytest.mark.parametrize(
    ("defect", "rule", "severity"),
    [
        ("rgb-text", "colour-space", "error"),
        ("font-not-embedded", "font-embedding", "error"),
        ("no-trimbox", "trimbox", "error"),
        ("rich-black-text", "rich-black-text", "error"),
        ("ink-300", "total-ink", "error"),
        ("photo-72ppi", "image-resolution", "error"),
        ("transparency", "transparency", "error"),
        ("annotation-in-trim", "annotation", "error"),
        ("hairline", "thin-line", "error"),  # 0.1 pt: under GWG 2015's 0.125 pt
    ],
)
def test_each_broken_file_is_flagged_by_its_rule_only(defect, rule, severity):
    report = preflight(small_page(defect))
    found = {(f.rule, f.severity) for f in report.findings}
    assert (rule, severity) in found, report.findings
    # nothing else: the rest of the page is clean (a 300 % fill is also over the rich-black text limit? no: no text)
    assert {r for r, _ in found} == {rule}, report.findings
    assert report.status == (2 if severity == "error" else 1)


def test_plain_reportlab_output_is_not_pdfx():
    buf = io.BytesIO()
    c = Canvas(
        buf, pagesize=(200, 200), invariant=1, enforceColorSpace="cmyk", initialFontName=_font(), pdfVersion=(1, 4)
    )
    c.setTrimBox((0, 0, 200, 200))
    c.showPage()
    c.save()
    assert {"pdfx-id", "pdf-version", "output-intent"} <= rules(buf.getvalue())
    assert rules(buf.getvalue(), standard="") == set()  # ink and fonts only: nothing to say


def test_the_ink_limit_is_the_plants():
    assert "total-ink" not in rules(small_page("ink-300"), tac=300)
    assert "total-ink" in rules(small_page("ink-300"), tac=240)


# -- independent tools agree ---------------------------------------------------------------------


def gs_max_tac(pdf: Path, dpi: int = 36) -> float:
    """The highest total ink of any pixel, from Ghostscript's separations (tiffsep)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{dpi}",
             f"-sOutputFile={tmp}/p%03d.tif", str(pdf)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        # in each separation 0 is full ink and 255 none
        names = {"c": "Cyan", "m": "Magenta", "y": "Yellow", "k": "Black"}
        seps = {key: Image.open(Path(tmp) / f"p001({name}).tif").convert("L") for key, name in names.items()}
        total = ImageMath.lambda_eval(lambda a: 1020 - a["c"] - a["m"] - a["y"] - a["k"], **seps)
        return total.getextrema()[1] / 255 * 100


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")
def test_ghostscript_agrees_on_the_maximum_ink(tmp_path):
    for defect, expected in (("", 100), ("ink-300", 300)):
        path = tmp_path / f"{defect or 'clean'}.pdf"
        path.write_bytes(small_page(defect))
        ours = preflight(path).max_tac
        assert abs(ours - expected) < 1
        assert abs(gs_max_tac(path) - expected) < 2


def test_pdffonts_agrees_on_embedding(tmp_path):
    path = tmp_path / "helvetica.pdf"
    path.write_bytes(small_page("font-not-embedded"))
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    helvetica = [r for r in rows if r.startswith("Helvetica")]
    assert helvetica and helvetica[0].split()[-5] == "no"  # emb column
    assert any(f.what == "font Helvetica is not embedded" for f in preflight(path).findings)


# -- the command: press files of real pages ------------------------------------------------------


def page_with_photos(tmp_path: Path, px: int = 1800) -> Path:
    """The seed page with a real (synthetic) photo file for every photo box."""
    return seed_with_photos(tmp_path, px)


@pytest.fixture(scope="module")
def press_pdf(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("press")
    out = tmp / "press.pdf"
    from conftest import run_make_pdf

    proc = run_make_pdf(page_with_photos(tmp), "--press", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "preflight: clean" in proc.stderr
    return out


def test_press_file_is_pdfx_1a(press_pdf):
    assert press_pdf.read_bytes().startswith(b"%PDF-1.3")
    pdf = pikepdf.open(press_pdf)
    info = pdf.docinfo
    assert str(info["/GTS_PDFXVersion"]) == "PDF/X-1:2001"
    assert str(info["/GTS_PDFXConformance"]) == "PDF/X-1a:2001"
    assert info["/Trapped"] == pikepdf.Name("/False")
    assert {"/Title", "/CreationDate", "/ModDate"} <= set(info.keys())
    assert "/ID" in pdf.trailer
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == pikepdf.Name.GTS_PDFX
    assert str(intent.OutputConditionIdentifier) == "IFRA26"
    assert str(intent.RegistryName) == "http://www.color.org"
    for page in pdf.pages:
        assert [float(x) for x in page.TrimBox] == [float(x) for x in page.MediaBox]
        assert "/Annots" not in page.obj
    report = preflight(press_pdf)
    assert report.findings == ()
    assert report.text_k_share == 1.0
    assert report.max_tac <= 100.5  # K only: photos in grayscale, text and rules in K


def test_press_file_passes_the_independent_tools(press_pdf):
    fonts = subprocess.run(["pdffonts", str(press_pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows)  # emb sub uni
    check = subprocess.run(["qpdf", "--check", str(press_pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    if shutil.which("gs"):
        assert gs_max_tac(press_pdf) <= 100.5


def test_preflight_command(press_pdf, tmp_path, make_pdf):
    clean = make_pdf("preflight", press_pdf, "--json")
    assert clean.returncode == 0
    assert json.loads(clean.stdout)["status"] == "clean"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(small_page("rich-black-text"))
    proc = make_pdf("preflight", broken)
    assert proc.returncode == 2
    assert "error: [rich-black-text] page 1: black text in 4 colours (C60 M40 Y40 K100)" in proc.stdout
    thin = tmp_path / "thin.pdf"
    thin.write_bytes(small_page("hairline"))
    assert make_pdf("preflight", thin).returncode == 2  # 0.1 pt is under GWG 2015's 0.125 pt: an error
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4 this is not a PDF")
    proc = make_pdf("preflight", junk)
    assert proc.returncode == 2 and "unreadable" in proc.stdout and "Traceback" not in proc.stderr


def test_press_x4_embeds_the_bundled_profile(tmp_path, make_pdf):
    out = tmp_path / "x4.pdf"
    proc = make_pdf("--press", "x4", "--icc", "bundled", "--allow-placeholders", "-o", out)
    assert proc.returncode == 0, proc.stderr
    pdf = pikepdf.open(out)
    with pdf.open_metadata() as meta:
        assert meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] == "PDF/X-4"
    (intent,) = pdf.Root.OutputIntents
    assert str(intent.OutputConditionIdentifier) == "CGATS TR 002"
    profile = intent.DestOutputProfile.read_bytes()
    assert profile == BUNDLED_ICC.read_bytes() and profile[12:20] == b"prtrCMYK"
    assert preflight(out, Limits(standard="x4")).findings == ()


def test_icc_must_be_a_cmyk_output_profile(tmp_path, make_pdf):
    fake = tmp_path / "rgb.icc"
    data = bytearray(BUNDLED_ICC.read_bytes())
    data[12:20] = b"mntrRGB "
    fake.write_bytes(bytes(data))
    proc = make_pdf("--press", "--icc", fake, "-o", tmp_path / "x.pdf")
    assert proc.returncode == 2
    assert "needs a CMYK output (prtr) profile" in proc.stderr
    with pytest.raises(ValueError, match="not an ICC profile"):
        output_intent(Path(__file__))


def test_press_refuses_a_photo_under_100_ppi(tmp_path, make_pdf):
    page = page_with_photos(tmp_path, px=160)
    proc = make_pdf(page, "--press", "-o", tmp_path / "p.pdf")
    assert proc.returncode == 2
    assert "photo.file: the photo is" in proc.stderr and "ppi at its printed size" in proc.stderr
    assert not (tmp_path / "p.pdf").exists()
    plain = make_pdf(page, "-o", tmp_path / "plain.pdf")  # a plain proof is written, with the warning
    assert plain.returncode == 1 and "newsprint wants 150 or more" in plain.stderr


def test_press_output_is_deterministic(tmp_path, make_pdf, press_pdf):
    page = page_with_photos(tmp_path)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert make_pdf(page, "--press", "-o", a).returncode == 0
    assert make_pdf(page, "--press", "-o", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()


# -- proofs --------------------------------------------------------------------------------------


def test_proof_has_marks_and_slug_outside_the_trim(tmp_path, make_pdf):
    out = tmp_path / "proof.pdf"
    proc = make_pdf("--proof", "--round", "二校", "--watermark", "-o", out)
    assert proc.returncode == 0, proc.stderr
    pdf = pikepdf.open(out)
    page = pdf.pages[0]
    media = [float(x) for x in page.MediaBox]
    trim = [float(x) for x in page.TrimBox]
    assert trim[0] > 0 and trim[1] > 0 and trim[2] < media[2] and trim[3] < media[3]
    assert round(trim[2] - trim[0], 2) == round(390 / 25.4 * 72, 2)  # the page itself, 390 mm wide
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    slug = next(line for line in text.splitlines() if "sha256" in line)
    assert "seed.yaml" in slug and "第3版" in slug and "二校" in slug
    # 0.25 pt crop marks: strokes wholly outside the trim, near each corner
    outside = 0
    width = None
    ctm, stack = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    for operands, op in pikepdf.parse_content_stream(page):
        name = str(op)
        if name == "q":
            stack.append(ctm)
        elif name == "Q":
            ctm = stack.pop()
        elif name == "cm":
            a, b, c, d, e, f = (float(x) for x in operands)
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        elif name == "w":
            width = float(operands[0])
        elif name == "m" and width == 0.25:
            u, v = float(operands[0]), float(operands[1])
            x, y = u * ctm[0] + v * ctm[2] + ctm[4], u * ctm[1] + v * ctm[3] + ctm[5]
            if not (trim[0] <= x <= trim[2] and trim[1] <= y <= trim[3]):
                outside += 1
    assert outside == 12  # two crop marks at each corner, a centre mark on each side
    # the page is K only; the registration marks outside the trim are every ink at 100 %
    assert {(f.rule, f.what) for f in preflight(out, Limits(standard="")).findings} <= {
        ("total-ink", "a line with 400 % total ink")
    }


def test_an_edition_in_press_output_is_pdfx_as_a_whole_and_per_page(tmp_path, make_pdf):
    shutil.copy(ROOT / "content" / "seed.yaml", tmp_path / "p3.yaml")
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["page"] = 4
    (tmp_path / "p4.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "ed.yaml").write_text("edition: 示例\npages: [p3.yaml, p4.yaml]\n", encoding="utf-8")
    out = tmp_path / "out" / "ed.pdf"
    proc = make_pdf(tmp_path / "ed.yaml", "--press", "--allow-placeholders", "-o", out)
    assert proc.returncode == 0, proc.stderr
    for pdf in (out, out.with_name("ed-03.pdf"), out.with_name("ed-04.pdf")):
        report = preflight(pdf)
        assert report.findings == (), (pdf, report.findings)
    assert preflight(out).pages == 2


def test_colour_photos_are_separated_with_the_output_profile(tmp_path, make_pdf):
    page = page_with_photos(tmp_path)
    out = tmp_path / "colour.pdf"
    proc = make_pdf(page, "--press", "--icc", "bundled", "--photos", "cmyk", "-o", out)
    assert proc.returncode == 0, proc.stderr
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True, check=True).stdout
    rows = images.splitlines()[2:]
    assert rows and all(r.split()[5] == "cmyk" for r in rows)
    report = preflight(out)
    assert report.findings == ()
    assert 150 < report.max_tac <= 240  # the profile's ink limit holds
    if shutil.which("gs"):
        assert 150 < gs_max_tac(out) <= 241
    # a plant with a lower limit than the profile's: the separation is held to it (draw/tone.py limit_ink)
    low = make_pdf(page, "--press", "--icc", "bundled", "--photos", "cmyk", "--tac", "200", "-o", tmp_path / "x.pdf")
    assert low.returncode == 0, low.stderr
    assert 150 < preflight(tmp_path / "x.pdf", Limits(tac=200)).max_tac <= 200
    assert make_pdf(page, "--photos", "cmyk").returncode == 2  # needs the plant's profile


def test_bad_limits_and_malformed_pdfs_are_input_problems(tmp_path, make_pdf):
    for tac in ("nan", "50", "lots"):
        proc = make_pdf("--press", "--tac", tac, "-o", tmp_path / "x.pdf")
        assert proc.returncode == 2 and "--tac" in proc.stderr, tac
    broken = tmp_path / "trim.pdf"
    pdf = pikepdf.open(io.BytesIO(small_page()))
    pdf.pages[0].obj["/TrimBox"] = pikepdf.Array([pikepdf.Name.Foo, 0, 10, 10])
    pdf.save(broken)
    proc = make_pdf("preflight", broken)
    assert proc.returncode == 2 and "malformed" in proc.stdout and "internal" not in proc.stderr


def test_press_bytes_depend_on_content_not_on_file_times(tmp_path, make_pdf):
    import os

    page = tmp_path / "page.yaml"
    shutil.copy(ROOT / "content" / "seed.yaml", page)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert make_pdf(page, "--press", "--allow-placeholders", "-o", a).returncode == 0
    os.utime(page, (1_000_000_000, 1_000_000_000))
    assert make_pdf(page, "--press", "--allow-placeholders", "-o", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    with pikepdf.open(a) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20210715")  # the page's date
