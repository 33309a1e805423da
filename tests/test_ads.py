"""Booked blocks (ads): the content model, artwork drawn and embedded, and the press checks.

Artwork is made here: one-page PDFs with reportlab (text in a bundled, embedded font and
CMYK vector art; Helvetica not embedded; an RGB image; 320 % ink; transparency), and
JPEG, PNG and TIFF rasters with Pillow. The drawing and post stages are tried on frames
built here (the seed page's frame with ``AdItem``s added), then checked with pikepdf,
pdffonts, the preflight and Ghostscript's separations.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from layout.artwork import check_ad_files, check_placed_ads, read_artwork
from layout.draw.pdf import Proof, draw_pdf
from layout.errors import InputError
from layout.fonts.page import page_fonts
from layout.frame import AdItem, PageFrame
from layout.model.content import load_page
from layout.post.artwork import embed_artwork
from layout.post.intent import IFRA26, Limits
from layout.post.pdfx import make_press
from layout.post.preflight import preflight, preflight_artwork
from layout.render import Output, normalized_texts, render
from layout.resources import default_page

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "fonts" / "BanmianSansSC-Bold.core.ttf"
WHEN = dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)
MM = 72 / 25.4

PAGE = """\
paper: 测试日报
date: 2021-07-15
page: 3
section: 测试版
headline: 测试标题
profiles:
  - id: first
    headline: 第一篇
    name: 张三
    body:
      - 第一段正文。
"""


# -- artwork made here ----------------------------------------------------------------------------


def _font() -> str:
    if "AdSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttfonts.TTFont("AdSans", str(FONT)))
    return "AdSans"


def artwork_pdf(defect: str = "", size: tuple[float, float] = (400.0, 100.0), pages: int = 1) -> bytes:
    """A one-page ad: a cyan panel on the left half, a magenta bar, K text in an embedded
    font that overprints; with one ``defect``: helvetica (a font not embedded), rgb-image,
    ink-320, alpha (constant opacity)."""
    buf = io.BytesIO()
    w, h = size
    c = Canvas(buf, pagesize=size, invariant=1, initialFontName=_font())
    for _ in range(pages):
        c.setFillColorCMYK(1, 0, 0, 0)
        c.rect(0, 0, w / 2, h, stroke=0, fill=1)
        c.setFillColorCMYK(0, 1, 0, 0)
        c.rect(w / 2, 0, w / 2, h / 5, stroke=0, fill=1)
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFillOverprint(True)
        c.setOverprintMask(True)
        c.setFont(_font(), 18)
        c.drawString(w / 2 + 10, h / 2, "银行广告 Bank")
        if defect == "helvetica":
            c.setFont("Helvetica", 12)
            c.drawString(w / 2 + 10, h / 2 + 20, "Call now")
        elif defect == "rgb-image":
            img = Image.new("RGB", (200, 100), (200, 30, 30))
            c.drawImage(_reader(img), 0, 0, w / 4, h / 2)
        elif defect == "gray-image":  # 200 × 100 pixels in 100 × 50 pt: 144 ppi at its own size
            c.drawImage(_reader(Image.new("L", (200, 100), 90)), 0, 0, w / 4, h / 2)
        elif defect == "ink-320":
            c.setFillColorCMYK(0.8, 0.8, 0.8, 0.8)
            c.rect(0, 0, w / 4, h / 4, stroke=0, fill=1)
        elif defect == "alpha":
            c.setFillAlpha(0.5)
            c.setFillColorCMYK(0, 0, 1, 0)
            c.rect(0, 0, w / 4, h / 4, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def _reader(img: Image.Image):
    from reportlab.lib.utils import ImageReader

    return ImageReader(img)


def raster(mode: str, fmt: str, px: tuple[int, int] = (1600, 400)) -> bytes:
    """A raster ad: a dark left half; ``mode`` L, RGB or CMYK."""
    colours = {"L": (60, 230), "RGB": ((200, 30, 30), (250, 250, 250)), "CMYK": ((255, 0, 0, 0), (0, 0, 0, 0))}
    dark, light = colours[mode]
    img = Image.new(mode, px, light)
    img.paste(Image.new(mode, (px[0] // 2, px[1]), dark), (0, 0))
    buf = io.BytesIO()
    img.save(buf, fmt, **({"dpi": (300, 300)} if fmt != "PNG" else {}))
    return buf.getvalue()


# -- the seed page's frame and faces, with ads added --------------------------------------------


@pytest.fixture(scope="module")
def seed():
    """The seed page rendered once: its frame, and the faces that set it."""
    r = render(default_page())
    texts, _ = normalized_texts(r.page)
    return r.makeup.frame, page_fonts(r.style, texts, r.page.source).faces


def foot_ad(frame: PageFrame, file: Path | None, ad_id: str = "bank-2024-03", height: float = 60 * MM) -> AdItem:
    """A 通栏 across the foot of the type area (the page's widest text as its width)."""
    xs = [getattr(i, "x", 0.0) for i in frame.items if hasattr(i, "baseline")]
    left = min(xs)
    right = max(getattr(i, "right", 0.0) for i in frame.items if hasattr(i, "baseline"))
    bottom = frame.height - left  # the same margin at the foot as at the side
    return AdItem(left, bottom - height, right - left, height, ad_id, file, f"广告 {ad_id} 通栏", "ads[0]")


def with_ads(frame: PageFrame, *ads: AdItem) -> PageFrame:
    """The frame with ``ads`` added and whatever they cover taken away."""

    def clear(item) -> bool:
        y = getattr(item, "baseline", getattr(item, "y", getattr(item, "y1", 0.0)))
        return all(not (ad.y - 2 <= y <= ad.y + ad.height + 2) for ad in ads)

    return replace(frame, items=tuple(i for i in frame.items if clear(i)) + ads)


def stages(frame: PageFrame, faces, kind: str = "plain", profile: bytes | None = None) -> bytes:
    """Drawing and post-processing as render() runs them: a proof sits on a larger sheet."""
    proof = Proof("slug 校样", "校样") if kind == "proof" else None
    pdf = draw_pdf(frame, faces, proof=proof, when=WHEN, photo_profile=profile)
    pdf = embed_artwork(pdf, frame, proof.margin if proof else 0.0)
    return make_press(pdf, IFRA26, when=WHEN) if kind == "press" else pdf


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- content model ---------------------------------------------------------------------------------


def page_with(tmp_path: Path, ads: str) -> Path:
    path = tmp_path / "page.yaml"
    path.write_text(PAGE + ads, encoding="utf-8")
    return path


def test_ads_are_read_with_their_size_and_artwork(tmp_path):
    page = load_page(
        page_with(
            tmp_path,
            "ads:\n"
            "  - {id: bank-2024-03, columns: 8, height: 120, position: foot, file: ads/bank.pdf}\n"
            "  - {id: eye, size: 报眼, position: top-right}\n"
            "  - {id: side, columns: 2, height: 25 lines, position: left}\n"
            "  - {id: side2, columns: 2, height: 25行, position: sidebar}\n",
        )
    )
    bank, eye, side, side2 = page.ads
    assert (bank.columns, bank.height_mm, bank.lines, bank.position) == (8, 120.0, None, "foot")
    assert bank.file == tmp_path / "ads" / "bank.pdf" and bank.path == "ads[0]"
    assert (eye.size, eye.columns, eye.file) == ("报眼", None, None)
    assert (side.lines, side.height_mm) == (25, None)
    assert (side2.lines, side2.position) == (25, "sidebar")  # a slot the style may name


@pytest.mark.parametrize(
    ("ads", "message"),
    [
        (
            "  - {id: x, size: 通栏, columns: 3, position: foot}",
            "page.yaml:13:32: ads[0].columns: give a standard size (通栏) or columns and height, not both: "
            "remove columns",
        ),
        (
            "  - {id: x, position: foot}",
            "page.yaml:13:5: ads[0]: an ad needs its size: a standard size (size: 通栏) or columns and height",
        ),
        (
            "  - {id: x, columns: 3, position: foot}",
            "page.yaml:13:22: ads[0].columns: 'columns' without 'height': give both, or a standard size",
        ),
        (
            "  - {id: x, columns: 3, height: 0, position: foot}",
            "page.yaml:13:33: ads[0].height: expected a height in millimetres above 0 (at most 2000), got 0",
        ),
        (
            "  - {id: x, columns: 3, height: tall, position: foot}",
            "page.yaml:13:33: ads[0].height: expected millimetres (a number) or grid lines ('25 lines' or '25行'), "
            "got 'tall'",
        ),
        (
            "  - {id: x, columns: 30, height: 40, position: foot}",
            "page.yaml:13:22: ads[0].columns: expected a number of columns from 1 to 24, got 30",
        ),
        (
            "  - {id: x, size: 通栏, position: 'foot left'}",
            "page.yaml:13:33: ads[0].position: expected a position (foot | top-right | top-left | right | left, "
            "or a slot the style names), got 'foot left'",
        ),
        (
            "  - {id: x, size: 通栏, position: foot}\n  - {id: x, size: 半版, position: top-left}",
            "page.yaml:14:10: ads[1].id: booking id 'x' is used twice: ads[0] at line 13 and ads[1] at line 14",
        ),
    ],
)
def test_bad_ads_are_refused_with_file_line_and_field(tmp_path, ads, message):
    with pytest.raises(InputError) as exc:
        load_page(page_with(tmp_path, "ads:\n" + ads + "\n"))
    assert str(exc.value).replace(f"{tmp_path}/", "") == message


def test_a_misspelt_ad_field_has_its_did_you_mean(tmp_path):
    with pytest.raises(InputError) as exc:
        load_page(page_with(tmp_path, "ads:\n  - id: x\n    size: 通栏\n    positon: foot\n"))
    assert "ads[0].positon: unknown field 'positon' (did you mean 'position'?)" in str(exc.value)


# -- artwork files, before the makeup --------------------------------------------------------------


def ad_page(tmp_path: Path, file: str | None, data: bytes | None = None, **ad: str) -> Path:
    if data is not None and file:
        write(tmp_path, file, data)
    fields = {"id": "bank", "size": "通栏", "position": "foot", **ad}
    if file:
        fields["file"] = file
    return page_with(tmp_path, "ads:\n  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}\n")


def checked(path: Path, **output) -> dict:
    return check_ad_files(load_page(path), Output(**output))


def test_artwork_is_read_as_pdf_or_raster(tmp_path):
    pdf = read_artwork(write(tmp_path, "a.pdf", artwork_pdf()))
    assert (pdf.kind, pdf.width, pdf.height) == ("pdf", 400.0, 100.0)
    cmyk = read_artwork(write(tmp_path, "c.jpg", raster("CMYK", "JPEG")))
    assert (cmyk.kind, cmyk.colour, cmyk.width, cmyk.height) == ("raster", "cmyk", 1600, 400)
    assert 99 <= cmyk.peak_ink <= 101
    assert read_artwork(write(tmp_path, "g.png", raster("L", "PNG"))).colour == "gray"
    assert read_artwork(write(tmp_path, "r.tif", raster("RGB", "TIFF"))).colour == "rgb"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("two.pdf", artwork_pdf(pages=2), "ad 'bank': artwork two.pdf: the PDF has 2 pages; an ad is one page"),
        ("junk.pdf", b"%PDF-1.4 nothing", "ad 'bank': artwork junk.pdf: not a readable PDF"),
        (
            "text.jpg",
            "这不是图片".encode(),
            "ad 'bank': artwork text.jpg: not a readable image (JPEG, PNG, TIFF) or PDF",
        ),
        ("gone.pdf", None, "ad 'bank': artwork not found: "),
    ],
)
def test_broken_artwork_is_refused_naming_the_ad(tmp_path, name, data, message):
    with pytest.raises(InputError) as exc:
        checked(ad_page(tmp_path, name, data))
    assert exc.value.field == "ads[0].file" and exc.value.line == 13
    assert message in str(exc.value)


def test_encrypted_artwork_is_refused(tmp_path):
    buf = io.BytesIO()
    with pikepdf.open(io.BytesIO(artwork_pdf())) as pdf:
        pdf.save(buf, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(InputError, match="ad 'bank': artwork locked.pdf: the PDF is encrypted"):
        checked(ad_page(tmp_path, "locked.pdf", buf.getvalue()))


def test_artwork_outside_the_folder_is_refused_as_photos_are(tmp_path):
    inner = tmp_path / "page"
    inner.mkdir()
    write(tmp_path, "out.pdf", artwork_pdf())
    path = ad_page(inner, "../out.pdf")
    with pytest.raises(InputError, match="is outside the page's folder .*pass --allow-outside"):
        checked(path)
    assert checked(path, allow_outside=True)["bank"].kind == "pdf"


@pytest.mark.parametrize(
    ("defect", "rule", "what"),
    [
        ("helvetica", "font-embedding", "font Helvetica is not embedded"),
        ("rgb-image", "colour-space", "DeviceRGB colour"),
        ("ink-320", "total-ink", "a fill with 320 % total ink"),
        ("alpha", "transparency", "constant opacity ca 0.5"),
    ],
)
def test_press_refuses_broken_pdf_artwork_naming_the_ad(seed, tmp_path, defect, rule, what):
    path = ad_page(tmp_path, f"{defect}.pdf", artwork_pdf(defect))
    page = load_page(path)
    arts = checked(path, press="x1a")
    item = AdItem(0, 0, 400, 100, "bank", page.ads[0].file, "广告 bank", "ads[0]")
    framed = replace(seed[0], items=(item,))
    assert check_placed_ads(page, framed, arts, Output()) == []  # a proof shows it as delivered
    with pytest.raises(InputError) as exc:
        check_placed_ads(page, framed, arts, Output(press="x1a"))
    message = str(exc.value)
    assert message.startswith(f"{tmp_path}/page.yaml:13:") and "ads[0].file: ad 'bank': artwork " + defect in message
    assert f"[{rule}] {what}" in message
    assert [f.rule for f in preflight_artwork(artwork_pdf(defect)) if f.severity == "error"] == [rule]


def test_pdf_artwork_is_preflighted_at_its_placed_size(seed, tmp_path):
    data = artwork_pdf("gray-image")
    assert [(f.rule, f.severity) for f in preflight_artwork(data)] == [("image-resolution", "warning")]
    assert [(f.rule, f.severity) for f in preflight_artwork(data, scale=2)] == [("image-resolution", "error")]
    path = ad_page(tmp_path, "photo.pdf", data)
    page = load_page(path)
    arts = checked(path, press="x1a")
    same = AdItem(0, 0, 400, 100, "bank", page.ads[0].file, "广告 bank", "ads[0]")
    (note,) = check_placed_ads(page, replace(seed[0], items=(same,)), arts, Output(press="x1a"))
    assert "ad 'bank': artwork photo.pdf: preflight [image-resolution] a 200×100 image at 144 ppi" in note
    double = replace(same, width=800, height=200)
    with pytest.raises(InputError, match=r"ad 'bank': artwork photo.pdf fails .* image at 72 ppi"):
        check_placed_ads(page, replace(seed[0], items=(double,)), arts, Output(press="x1a"))


def test_good_pdf_artwork_preflights_clean():
    assert preflight_artwork(artwork_pdf()) == []
    assert preflight_artwork(artwork_pdf("ink-320"), Limits(tac=330)) == []  # the plant's own limit


def test_press_refuses_rgb_rasters_unless_asked_to_convert(tmp_path):
    path = ad_page(tmp_path, "rgb.png", raster("RGB", "PNG"))
    with pytest.raises(InputError, match=r"ad 'bank': artwork rgb.png is an RGB image.*--convert-ads"):
        checked(path, press="x1a")
    assert checked(path, press="x1a", convert_ads=True)["bank"].colour == "rgb"
    for mode, fmt in (("L", "JPEG"), ("CMYK", "JPEG"), ("CMYK", "TIFF"), ("L", "PNG")):
        path = ad_page(tmp_path, f"ok.{fmt.lower()}", raster(mode, fmt))
        assert checked(path, press="x1a")["bank"].colour == mode.lower().replace("l", "gray")


def test_press_refuses_cmyk_rasters_over_the_ink_limit(tmp_path):
    img = Image.new("CMYK", (800, 200), (204, 204, 204, 204))  # 320 %
    buf = io.BytesIO()
    img.save(buf, "TIFF")
    path = ad_page(tmp_path, "heavy.tif", buf.getvalue())
    with pytest.raises(InputError, match=r"ad 'bank': artwork heavy.tif puts down up to 320 % total ink"):
        checked(path, press="x1a")


def test_press_refuses_ads_without_artwork_naming_them(tmp_path):
    path = page_with(
        tmp_path,
        "ads:\n  - {id: bank, size: 通栏, position: foot}\n  - {id: eye, size: 报眼, position: top-right}\n",
    )
    assert checked(path) == {}  # drafts and proofs: placeholders
    with pytest.raises(InputError) as exc:
        checked(path, press="x1a")
    assert (
        str(exc.value)
        .replace(f"{tmp_path}/", "")
        .startswith("page.yaml:13:5: ads[0]: no artwork for 'bank' (ads[0]), 'eye' (ads[1])")
    )


# -- drawing and embedding ---------------------------------------------------------------------------


def placed(pdf: bytes) -> dict[str, tuple[list[float], list[float]]]:
    """Each embedded artwork's form (by resource name): its BBox mapped through the matrix
    that places it, and the BBox itself, read from the page's content stream."""
    out = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        ctm = None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "cm":
                ctm = [float(v) for v in operands]
            elif str(op) == "Do" and str(operands[0]).startswith("/BanmianAd"):
                form = page.Resources.XObject[str(operands[0])]
                assert form.Subtype == pikepdf.Name.Form
                bbox = [float(v) for v in form.BBox]
                a, _, _, d, e, f = ctm
                out[str(operands[0])] = ([a * bbox[0] + e, d * bbox[1] + f, a * bbox[2] + e, d * bbox[3] + f], bbox)
    return out


def drawn_at(ad: AdItem, w: float, h: float) -> tuple[float, float, float, float]:
    """Where artwork ``w`` × ``h`` lands in ``ad``'s box (page coordinates, y down): left,
    top, width, height: scaled to fit whole, centred."""
    scale = min(ad.width / w, ad.height / h)
    dw, dh = w * scale, h * scale
    return ad.x + (ad.width - dw) / 2, ad.y + (ad.height - dh) / 2, dw, dh


@pytest.mark.parametrize("kind", ["plain", "proof", "press"])
def test_pdf_artwork_is_a_form_xobject_scaled_into_its_box(seed, tmp_path, kind):
    frame, faces = seed
    art = write(tmp_path, "bank.pdf", artwork_pdf(size=(400.0, 100.0)))
    ad = foot_ad(frame, art, height=60 * MM)
    pdf = stages(with_ads(frame, ad), faces, kind)
    ((name, (rect, bbox)),) = placed(pdf).items()
    assert name == "/BanmianAd1" and bbox == [0.0, 0.0, 400.0, 100.0]
    m = Proof("").margin if kind == "proof" else 0.0
    x0, y0, dw, dh = drawn_at(ad, 400.0, 100.0)
    bottom = m + frame.height - y0 - dh  # in user space, y up, the page's origin m in from the sheet's
    assert rect == pytest.approx([m + x0, bottom, m + x0 + dw, bottom + dh], abs=0.01)
    assert dh == pytest.approx(ad.height) and dw == pytest.approx(4 * ad.height)  # the box is wider: centred


def test_the_artwork_keeps_its_fonts_colours_and_overprint(seed, tmp_path):
    frame, faces = seed
    art = write(tmp_path, "bank.pdf", artwork_pdf())
    out = write(tmp_path, "press.pdf", stages(with_ads(frame, foot_ad(frame, art)), faces, "press"))
    with pikepdf.open(out) as doc:
        form = doc.pages[0].Resources.XObject["/BanmianAd1"]
        fonts = {str(f.BaseFont) for f in form.Resources.Font.values()}
        assert any(f.endswith("+BanmianSansSC-Bold") or "BanmianSans" in f for f in fonts), fonts
        states = list(form.Resources.ExtGState.values())
        assert any(bool(gs.get("/op", False)) for gs in states) and any(int(gs.get("/OPM", 0)) == 1 for gs in states)
        content = form.read_bytes()
        assert b"1 0 0 0 k" in content and b"0 1 0 0 k" in content  # its own cyan and magenta, as drawn
        numbers = {str(f.objgen[0]) for f in form.Resources.Font.values()}
    rows = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    ours = [r.split() for r in rows if r.split()[-2] in numbers]  # pdffonts lists the artwork's font too
    assert len(ours) == 1 and ours[0][0].endswith("+BanmianSansSC-Bold-Core")
    assert all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows)  # embedded, subset, unicode
    report = preflight(out)
    assert report.findings == (), report.findings  # the whole press file preflights clean
    assert report.max_tac == pytest.approx(100.0)


def gs_separations(pdf: Path, dpi: int = 36) -> dict[str, Image.Image]:
    """Ghostscript's separations (tiffsep), each an L image where 0 is full ink."""
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(
        ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{dpi}",
         f"-sOutputFile={tmp}/p%03d.tif", str(pdf)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    names = {"c": "Cyan", "m": "Magenta", "y": "Yellow", "k": "Black"}
    seps = {key: Image.open(tmp / f"p001({name}).tif").convert("L") for key, name in names.items()}
    shutil.rmtree(tmp)
    return seps


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript not installed")
def test_separations_show_the_ads_own_inks(seed, tmp_path):
    frame, faces = seed
    art = write(tmp_path, "bank.pdf", artwork_pdf(size=(400.0, 100.0)))
    ad = foot_ad(frame, art)
    out = write(tmp_path, "press.pdf", stages(with_ads(frame, ad), faces, "press"))
    seps = gs_separations(out)
    x0, top, dw, dh = drawn_at(ad, 400.0, 100.0)

    def inks(x: float, y: float) -> dict[str, int]:
        px = (round(x / 72 * 36), round(y / 72 * 36))
        return {k: round((255 - img.getpixel(px)) / 255 * 100) for k, img in seps.items()}

    assert inks(x0 + dw / 4, top + dh / 2) == {"c": 100, "m": 0, "y": 0, "k": 0}  # the cyan panel
    assert inks(x0 + dw * 0.75, top + dh * 0.92) == {"c": 0, "m": 100, "y": 0, "k": 0}  # the magenta bar
    assert inks(x0 + dw * 0.75, top + dh * 0.3) == {"c": 0, "m": 0, "y": 0, "k": 0}  # white, as delivered
    assert inks(x0 - 5, top + dh / 2) == {"c": 0, "m": 0, "y": 0, "k": 0}  # beside it, in the box: paper


def test_aspect_mismatch_is_a_warning_naming_the_ad(seed, tmp_path):
    frame, _ = seed
    path = ad_page(tmp_path, "wide.pdf", artwork_pdf(size=(300.0, 100.0)))
    page = load_page(path)
    arts = check_ad_files(page, Output())
    item = AdItem(0, 0, 400, 100, "bank", page.ads[0].file, "广告 bank", "ads[0]")
    (note,) = check_placed_ads(page, replace(frame, items=(item,)), arts, Output())
    assert note.startswith(f"{path}:13: ads[0].file: ad 'bank': the artwork's shape (300:100) is 25% taller")
    near = replace(item, width=306.0)  # 2 % off: no warning
    assert check_placed_ads(page, replace(frame, items=(near,)), arts, Output()) == []


def test_raster_resolution_follows_the_photo_rules(seed, tmp_path):
    frame, _ = seed
    path = ad_page(tmp_path, "small.jpg", raster("L", "JPEG", px=(400, 100)))
    page = load_page(path)
    arts = check_ad_files(page, Output(press="x1a"))
    item = AdItem(0, 0, 400 * 72 / 80, 100 * 72 / 80, "bank", page.ads[0].file, "广告", "ads[0]")  # 80 ppi
    framed = replace(frame, items=(item,))
    (note,) = check_placed_ads(page, framed, arts, Output())
    assert "ad 'bank': the artwork is 80 ppi at its printed size (400×100 pixels)" in note
    with pytest.raises(InputError, match=r"ad 'bank': artwork small.jpg is 80 ppi at its printed size"):
        check_placed_ads(page, framed, arts, Output(press="x1a"))


def images(pdf: bytes) -> list[tuple[str, int, int]]:
    """The page's image XObjects: colour space, width, height."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        xobjects = doc.pages[0].Resources.get("/XObject", {})
        return [
            (str(x.ColorSpace), int(x.Width), int(x.Height))
            for x in xobjects.values()
            if x.Subtype == pikepdf.Name.Image
        ]


@pytest.mark.parametrize(
    ("mode", "fmt", "space"),
    [("CMYK", "JPEG", "/DeviceCMYK"), ("CMYK", "TIFF", "/DeviceCMYK"), ("L", "PNG", "/DeviceGray"),
     ("L", "JPEG", "/DeviceGray"), ("RGB", "PNG", "/DeviceGray")],
)  # fmt: skip
def test_raster_artwork_keeps_its_colour(seed, tmp_path, mode, fmt, space):
    frame, faces = seed
    art = write(tmp_path, f"ad.{fmt.lower()}", raster(mode, fmt, px=(1200, 300)))
    ad = foot_ad(frame, art)
    pdf = stages(replace(frame, items=(ad,)), faces)
    ((found, w, h),) = images(pdf)
    assert found == space and w / h == pytest.approx(4, rel=0.01)
    assert placed(pdf) == {}


def test_a_cmyk_raster_keeps_its_inks_in_press_output(seed, tmp_path):
    frame, faces = seed
    art = write(tmp_path, "ad.jpg", raster("CMYK", "JPEG", px=(2400, 600)))
    out = write(tmp_path, "press.pdf", stages(replace(frame, items=(foot_ad(frame, art),)), faces, "press"))
    report = preflight(out)
    assert report.findings == () and 99 <= report.max_tac <= 101


def test_rgb_raster_is_separated_with_the_output_profile_when_asked(seed, tmp_path):
    from layout.post.intent import BUNDLED_ICC

    frame, faces = seed
    art = write(tmp_path, "ad.png", raster("RGB", "PNG", px=(1200, 300)))
    pdf = stages(replace(frame, items=(foot_ad(frame, art),)), faces, profile=BUNDLED_ICC.read_bytes())
    assert images(pdf)[0][0] == "/DeviceCMYK"


@pytest.mark.parametrize("kind", ["plain", "proof"])
def test_missing_artwork_is_a_marked_placeholder(seed, tmp_path, kind):
    frame, faces = seed
    ad = foot_ad(frame, None)
    out = write(tmp_path, "p.pdf", stages(with_ads(frame, ad), faces, kind))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "广告 bank-2024-03 通栏" in text
    assert placed(out.read_bytes()) == {} and images(out.read_bytes()) == []


def test_embedding_is_deterministic_and_leaves_pages_without_pdf_ads_alone(seed, tmp_path):
    frame, faces = seed
    art = write(tmp_path, "bank.pdf", artwork_pdf())
    framed = with_ads(frame, foot_ad(frame, art))
    for kind in ("plain", "proof", "press"):
        assert stages(framed, faces, kind) == stages(framed, faces, kind)
    plain = draw_pdf(frame, faces, when=WHEN)
    assert embed_artwork(plain, frame) == plain
    # the page's own graphics state (overprint on) ends before the artwork starts
    with pikepdf.open(io.BytesIO(stages(framed, faces))) as doc:
        ops = [str(op) for _, op in pikepdf.parse_content_stream(doc.pages[0])]
    assert ops[0] == "q" and ops[-5:] == ["Q", "q", "cm", "Do", "Q"]


# -- the whole command, with the makeup's booked blocks --------------------------------------------

STORY = (
    "甘元静是龙山区校外教育指导中心党支部书记、主任兼龙山区教育局创城办主任。作为龙山区教育领域创城工作的引领者，"
    "她不断思考如何引领龙山人承担起这份责任和担当。在区教育局的正确领导下，她确立了统筹协调、示范引领、跟进指导、"
    "整体推进的工作思路，努力把各项工作任务落实、落细、落小。"
)


def story_page(folder: Path, ads: list[dict], page: int = 3) -> Path:
    """A short page of two profiles with ``ads`` booked."""
    import yaml

    data = {
        "paper": "示例日报",
        "date": "2024-03-15",
        "page": page,
        "section": "身边榜样",
        "headline": "平凡岗位上的不平凡坚守",
        "profiles": [
            {"id": f"p{k}", "headline": f"在教育领域担负起责任（{k}）", "name": "甘元静", "body": [STORY * 3, STORY]}
            for k in range(2)
        ],
        "ads": ads,
    }
    path = folder / f"page{page}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def booked_box(path: Path) -> AdItem:
    (item,) = [i for i in render(path).makeup.frame.items if isinstance(i, AdItem)]
    return item


@pytest.fixture(scope="module")
def banked(tmp_path_factory) -> Path:
    """A page with a 通栏 at the foot whose PDF artwork has the booked shape."""
    folder = tmp_path_factory.mktemp("banked")
    write(folder, "bank.pdf", artwork_pdf())
    path = story_page(folder, [{"id": "bank-2024-03", "size": "通栏", "position": "foot", "file": "bank.pdf"}])
    box = booked_box(path)
    write(folder, "bank.pdf", artwork_pdf(size=(box.width, box.height)))
    return path


def test_press_output_with_a_booked_pdf_ad_preflights_clean(banked, make_pdf, tmp_path):
    out = tmp_path / "press.pdf"
    proc = make_pdf(banked, "--press", "--allow-placeholders", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr  # a short page is a warning
    assert "preflight: clean" in proc.stderr and "ad 'bank-2024-03':" not in proc.stderr  # the booked shape
    box = booked_box(banked)
    ((rect, bbox),) = placed(out.read_bytes()).values()
    height = booked_box(banked).height
    page_h = render(banked).makeup.frame.height
    assert rect == pytest.approx([box.x, page_h - box.y - height, box.x + box.width, page_h - box.y], abs=0.01)
    if shutil.which("gs"):
        seps = gs_separations(out)
        px = (round((box.x + box.width / 4) / 2), round((box.y + box.height / 2) / 2))  # 36 dpi: 2 pt a pixel
        assert {k: 255 - img.getpixel(px) for k, img in seps.items()} == {"c": 255, "m": 0, "y": 0, "k": 0}
    again = tmp_path / "again.pdf"
    assert make_pdf(banked, "--press", "--allow-placeholders", "-o", again).returncode in (0, 1)
    assert again.read_bytes() == out.read_bytes()  # deterministic


@pytest.mark.parametrize(
    ("defect", "said"),
    [
        ("helvetica", "[font-embedding] font Helvetica is not embedded"),
        ("rgb-image", "[colour-space] DeviceRGB colour"),
        ("ink-320", "[total-ink] a fill with 320 % total ink"),
    ],
)
def test_press_refuses_broken_artwork_and_writes_nothing(tmp_path, make_pdf, defect, said):
    write(tmp_path, "bad.pdf", artwork_pdf(defect))
    path = story_page(tmp_path, [{"id": "shop-7", "size": "通栏", "position": "foot", "file": "bad.pdf"}])
    out = tmp_path / "press.pdf"
    proc = make_pdf(path, "--press", "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert f"ads[0].file: ad 'shop-7': artwork bad.pdf fails the press preflight: {said}" in proc.stderr
    assert not out.exists() and "Traceback" not in proc.stderr
    assert make_pdf(path, "--proof", "-o", out).returncode in (0, 1)  # a proof shows it as delivered


def test_press_refuses_missing_artwork_and_rgb_rasters_unless_converted(tmp_path, make_pdf):
    out = tmp_path / "out.pdf"
    path = story_page(tmp_path, [{"id": "eye-1", "size": "报眼", "position": "top-right"}])
    proc = make_pdf(path, "--press", "-o", out)
    assert proc.returncode == 2 and "no artwork for 'eye-1' (ads[0])" in proc.stderr and not out.exists()
    proc = make_pdf(path, "--draft", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "广告 eye-1 报眼" in text  # the placeholder's label
    box = booked_box(path)
    write(tmp_path, "eye.png", raster("RGB", "PNG", px=(round(box.width / 72 * 200), round(box.height / 72 * 200))))
    path = story_page(tmp_path, [{"id": "eye-1", "size": "报眼", "position": "top-right", "file": "eye.png"}])
    proc = make_pdf(path, "--press", "-o", out)
    assert proc.returncode == 2 and "ad 'eye-1': artwork eye.png is an RGB image" in proc.stderr
    proc = make_pdf(path, "--press", "--allow-placeholders", "--convert-ads", "-o", out)
    assert proc.returncode == 1, proc.stderr
    assert "ad 'eye-1': RGB artwork converted to grey (K) for the press, as asked (--convert-ads)" in proc.stderr
    assert images(out.read_bytes())[0][0] == "/DeviceGray" and preflight(out).findings == ()


def test_ads_on_a_page_of_an_edition(tmp_path, make_pdf):
    write(tmp_path, "bank.pdf", artwork_pdf())
    story_page(tmp_path, [], page=1)
    story_page(tmp_path, [{"id": "bank", "size": "通栏", "position": "foot", "file": "bank.pdf"}], page=2)
    (tmp_path / "ed.yaml").write_text("edition: 测试\npages: [page1.yaml, page2.yaml]\n", encoding="utf-8")
    out = tmp_path / "ed.pdf"
    proc = make_pdf(tmp_path / "ed.yaml", "--press", "--allow-placeholders", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    with pikepdf.open(out) as doc:
        forms = [[str(k) for k in p.Resources.get("/XObject", {}).keys()] for p in doc.pages]
    assert "/BanmianAd1" not in forms[0] and "/BanmianAd1" in forms[1]


def test_two_pdf_ads_are_two_forms_and_watch_follows_the_artwork(seed, tmp_path):
    import argparse

    from layout.cli.watch import watched_files

    frame, faces = seed
    art = write(tmp_path, "bank.pdf", artwork_pdf())
    low = foot_ad(frame, art, "low", height=40 * MM)
    high = replace(low, y=low.y - 50 * MM, id="high", source="ads[1]")
    assert sorted(placed(stages(with_ads(frame, low, high), faces, "proof"))) == ["/BanmianAd1", "/BanmianAd2"]
    path = ad_page(tmp_path, "bank.pdf")
    assert art in watched_files(argparse.Namespace(page=path, style=None))


def test_an_rgb_raster_ad_converted_for_the_press_keeps_the_plants_ink_limit(tmp_path, make_pdf):
    img = Image.new("RGB", (1600, 400), (0, 0, 0))  # black and a deep violet: the 220 % profile
    img.paste(Image.new("RGB", (800, 400), (20, 0, 40)), (0, 0))  # separates them to about 207 %
    buf = io.BytesIO()
    img.save(buf, "PNG")
    path = ad_page(tmp_path, "rgb.png", buf.getvalue())
    out = tmp_path / "press.pdf"
    args = ("--press", "--convert-ads", "--photos", "cmyk", "--icc", "bundled", "--tac", "200")
    proc = make_pdf(path, *args, "--allow-placeholders", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    ink = re.search(r"max total ink (\d+) %", proc.stderr + proc.stdout)
    assert ink and int(ink.group(1)) <= 200
