"""PDF/X-4 metadata, the default output intents, subset tags and the bundled profiles (issue 15).

The X-4 XMP is read back field by field with pikepdf; ``--press x4`` without a profile
is checked by the preflight; the subset names of a two-page edition are read with
pdffonts and tied to their font programs with pikepdf; the bundled profiles' ink limits
are measured by separating dark, saturated colours through each one with LittleCMS
(Pillow's ImageCms).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path
from weakref import WeakKeyDictionary

import pikepdf
import pytest
import yaml
from PIL import Image, ImageCms
from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

import layout.draw.pdf
import layout.post.direct
from layout.draw.pdf import Proof, draw_pdf
from layout.draw.subset import make_subset, reportlab_make_subset
from layout.edition import merge_pdfs
from layout.fonts.page import page_fonts
from layout.post.intent import (
    BUNDLED_ICC,
    BUNDLED_ICC_220,
    BUNDLED_LIMITS,
    IFRA26,
    Limits,
    bundled_icc,
    default_intent,
    output_intent,
)
from layout.post.pdfx import content_uuid, make_press
from layout.post.preflight import preflight
from layout.post.subsets import TAG, retag, tag_for, unique_subset_tags
from layout.render import normalized_texts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from pagegen import make_page, seed_with_photos  # noqa: E402

FONT = ROOT / "fonts" / "BanmianSerifSC-Regular.core.ttf"
WHEN = dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)
PDFX = "{http://www.npes.org/pdfx/ns/id/}"


def small_pdf(text: str, title: str = "meta test") -> bytes:
    """A one-page K-text PDF drawn by reportlab, its font subset named ``AAAAAA+…``."""
    if "MetaSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttfonts.TTFont("MetaSerif", str(FONT)))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(300, 200), invariant=1, initialFontName="MetaSerif", enforceColorSpace="cmyk")
    c.setTitle(title)
    c.setTrimBox((0, 0, 300, 200))
    c.setFillColor(CMYKColor(0, 0, 0, 1))
    c.setFont("MetaSerif", 12)
    c.drawString(20, 100, text)
    c.showPage()
    c.save()
    return buf.getvalue()


# -- PDF/X-4 metadata -----------------------------------------------------------------------------


def test_x4_xmp_field_by_field():
    drawn = small_pdf("新闻正文，压印。", "第3版 要闻")
    press = make_press(drawn, IFRA26, when=WHEN, standard="x4")
    pdf = pikepdf.open(io.BytesIO(press))
    meta = pdf.open_metadata()
    assert meta[PDFX + "GTS_PDFXVersion"] == "PDF/X-4"
    assert meta["pdf:Trapped"] == "False"
    assert meta["dc:title"] == "第3版 要闻"
    assert meta["pdf:Producer"] == "Banmian (reportlab, pikepdf)"
    assert meta["xmp:CreatorTool"] == "Banmian"
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        assert meta[key] == "2024-03-15T08:00:00+00:00", key
    document, instance = meta["xmpMM:DocumentID"], meta["xmpMM:InstanceID"]
    assert re.fullmatch(r"uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", document)
    assert document == content_uuid(drawn)  # from the content's hash
    assert instance.startswith("uuid:") and instance != document
    assert meta["xmpMM:VersionID"] == "1"
    assert meta["xmpMM:RenditionClass"] == "default"
    assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4" and pdf.pdf_version == "1.6"
    # deterministic: the same input gives the same bytes; other content another DocumentID
    assert make_press(drawn, IFRA26, when=WHEN, standard="x4") == press
    other = pikepdf.open(io.BytesIO(make_press(small_pdf("另一版"), IFRA26, when=WHEN, standard="x4")))
    assert other.open_metadata()["xmpMM:DocumentID"] != document
    assert preflight(press, Limits(standard="x4")).findings == ()


def test_x4_default_intent_is_the_x1a_one_with_the_bundled_profile():
    drawn = small_pdf("输出意图")
    files = [pikepdf.open(io.BytesIO(make_press(drawn, IFRA26, when=WHEN, standard=s))) for s in ("x1a", "x4")]
    x1a, x4 = (pdf.Root.OutputIntents[0] for pdf in files)
    for key in ("/S", "/OutputConditionIdentifier", "/RegistryName", "/OutputCondition"):
        assert x4[key] == x1a[key], key
    assert str(x4.OutputConditionIdentifier) == "IFRA26" and str(x4.RegistryName) == "http://www.color.org"
    assert str(x4.Info).startswith(str(x1a.Info)) and "banmian-newsprint.icc" in str(x4.Info)
    assert "/DestOutputProfile" not in x1a
    assert x4.DestOutputProfile.read_bytes() == BUNDLED_ICC.read_bytes() and x4.DestOutputProfile.N == 4
    assert default_intent("x1a", 220) == IFRA26
    assert default_intent("x4", 220).profile == BUNDLED_ICC_220.read_bytes()


def test_press_x4_without_icc_works_and_preflights_clean(tmp_path, make_pdf):
    page = seed_with_photos(tmp_path)
    out = tmp_path / "x4.pdf"
    proc = make_pdf(page, "--press", "x4", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert preflight(out, Limits(standard="x4")).findings == ()
    pdf = pikepdf.open(out)
    (intent,) = pdf.Root.OutputIntents
    assert str(intent.OutputConditionIdentifier) == "IFRA26"
    assert intent.DestOutputProfile.read_bytes() == BUNDLED_ICC.read_bytes()
    assert pdf.open_metadata()["xmpMM:RenditionClass"] == "default"
    low = tmp_path / "x4-220.pdf"  # a 220 % plant gets the 220 % profile
    assert make_pdf(page, "--press", "x4", "--tac", "220", "-o", low).returncode == 0
    with pikepdf.open(low) as low_pdf:
        assert low_pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes() == BUNDLED_ICC_220.read_bytes()


def test_a_merged_x4_edition_has_its_own_xmp():
    drawn = [small_pdf("甲", "第3版"), small_pdf("乙", "第4版")]
    pages = [make_press(d, IFRA26, when=WHEN, standard="x4") for d in drawn]
    merged = merge_pdfs(pages, "示例日报")
    pdf = pikepdf.open(io.BytesIO(merged))
    meta = pdf.open_metadata()
    assert pdf.pdf_version == "1.6" and meta[PDFX + "GTS_PDFXVersion"] == "PDF/X-4"
    assert meta["dc:title"] == "示例日报" and meta["xmpMM:RenditionClass"] == "default"
    page_ids = {pikepdf.open(io.BytesIO(p)).open_metadata()["xmpMM:DocumentID"] for p in pages}
    assert meta["xmpMM:DocumentID"].startswith("uuid:") and meta["xmpMM:DocumentID"] not in page_ids
    assert merge_pdfs(pages, "示例日报") == merged
    assert preflight(merged, Limits(standard="x4")).findings == ()


# -- subset tags ----------------------------------------------------------------------------------


def _names(pdf: pikepdf.Pdf) -> list[str]:
    return sorted(str(o.BaseFont)[1:] for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/BaseFont" in o)


def test_two_subsets_never_share_a_name_and_the_same_subset_keeps_it():
    a, b = small_pdf("甲乙丙"), small_pdf("丁戊己")
    assert _names(pikepdf.open(io.BytesIO(a))) == _names(pikepdf.open(io.BytesIO(b)))  # reportlab: AAAAAA+ both
    ta, tb = unique_subset_tags(a), unique_subset_tags(b)
    (na,), (nb,) = _names(pikepdf.open(io.BytesIO(ta))), _names(pikepdf.open(io.BytesIO(tb)))
    assert na != nb and na.endswith("+BanmianSerifSC-Regular-Core") and not na.startswith("AAAAAA")
    assert unique_subset_tags(a) == ta  # deterministic bytes
    assert unique_subset_tags(ta) == ta  # idempotent
    assert _names(pikepdf.open(io.BytesIO(unique_subset_tags(small_pdf("甲乙丙", "another title"))))) == [na]
    tagged = pikepdf.open(io.BytesIO(ta))
    descriptors = [o for o in tagged.objects if isinstance(o, pikepdf.Dictionary)]
    assert {str(o.FontName)[1:] for o in descriptors if "/FontName" in o} == {na}
    merged = pikepdf.open(io.BytesIO(merge_pdfs([a, b, a], "ed")))  # raw pages: the merge renames them too
    assert len(set(_names(merged))) == 2 and set(_names(merged)) == {na, nb}


@pytest.mark.parametrize(("kind", "threads"), [("plain", True), ("plain", False), ("proof", True), ("colour", False)])
def test_a_page_without_photos_is_finished_in_the_drawing_stage_as_pikepdf_would(
    seed_rendered, kind, threads, monkeypatch
):
    """post/direct.py writes the bytes reportlab's file gets from unique_subset_tags (QPDF's
    form, content-derived tags, deterministic /ID): plain, on a proof sheet, in colour;
    streams compressed on a second thread or not."""
    monkeypatch.setattr(layout.post.direct, "_spare_core", lambda: threads)
    texts, _ = normalized_texts(seed_rendered.page)
    faces = page_fonts(seed_rendered.style, texts, seed_rendered.page.source).faces
    frame = seed_rendered.makeup.frame
    options = {
        "author": "示例日报 (Daily)",
        "subject": "第3版 要闻",
        "keywords": "fallback: Noto Sans CJK SC sets 𬌗",
        "when": WHEN,
        "proof": Proof("seed.yaml · 一校 · 2024-03-15", "校样") if kind == "proof" else None,
        "colours": {"kicker": (0, 1, 1, 0), "rules": (1, 0.5, 0, 0), "section": (0, 0, 0, 0.6)}
        if kind == "colour"
        else None,
    }
    finished = draw_pdf(frame, faces, **options)
    assert finished.startswith(b"%PDF-1.4\n%\xbf\xf7\xa2\xfe\n") and b"AAAAAA+" not in finished
    assert unique_subset_tags(finished) == finished
    monkeypatch.setattr(layout.post.direct, "finish", lambda raw, packer=None: None)  # reportlab's own file, as before
    drawn = draw_pdf(frame, faces, **options)
    assert b"AAAAAA+" in drawn
    assert unique_subset_tags(drawn) == finished


def test_subsets_and_streams_remembered_in_a_process_change_no_byte(seed_rendered, monkeypatch):
    """Font programs and compressed streams kept for a process's next pages (--watch, an
    edition's worker) give the bytes drawing afresh gives."""
    texts, _ = normalized_texts(seed_rendered.page)
    faces = page_fonts(seed_rendered.style, texts, seed_rendered.page.source).faces
    frame = seed_rendered.makeup.frame
    first = draw_pdf(frame, faces, when=WHEN)
    again = draw_pdf(frame, faces, when=WHEN)  # every subset and stream remembered
    monkeypatch.setattr(layout.draw.pdf, "_PROGRAMS", WeakKeyDictionary())
    monkeypatch.setattr(layout.draw.pdf, "PROGRAMS_KEPT", 0)
    monkeypatch.setattr(layout.post.direct, "_PACKED", OrderedDict())
    monkeypatch.setattr(layout.post.direct, "PACKED_KEPT", 0)
    assert first == again == draw_pdf(frame, faces, when=WHEN)


def test_subsets_are_reportlabs_byte_for_byte():
    """draw/subset.py writes the font program reportlab's makeSubset writes: CJK core cuts,
    a padded gap font, and a Latin font full of composite glyphs (DejaVu, where installed)."""
    fonts = [ROOT / "fonts" / name for name in ("BanmianSerifSC-Regular.core.ttf", "BanmianKai-Regular.gapboth.ttf")]
    fonts += [f for f in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),) if f.exists()]
    for font in fonts:
        face = ttfonts.TTFontFile(str(font), validate=0)
        codes = sorted(face.charToGlyph)
        for start in range(0, min(len(codes), 2000), 250):
            subset = [0, *codes[start : start + 250]]
            assert make_subset(face, subset) == reportlab_make_subset(face, subset), (font.name, start)


def test_a_plain_page_is_written_without_pikepdf(tmp_path):
    code = "import sys; from layout.cli import main; print(main(['-q', '-o', sys.argv[1]]), 'pikepdf' in sys.modules)"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "p.pdf")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.split() == ["0", "False"], proc.stderr
    assert subprocess.run(["qpdf", "--check", str(tmp_path / "p.pdf")], capture_output=True).returncode == 0


def _type0(pdf: pikepdf.Pdf, program: bytes) -> pikepdf.Dictionary:
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/AAAAAA+Song"), FontFile2=pdf.make_stream(program)
    )
    cid = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/AAAAAA+Song"),
        FontDescriptor=pdf.make_indirect(descriptor),
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/AAAAAA+Song-Identity-H"),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([pdf.make_indirect(cid)]),
        )
    )


def test_type0_fonts_are_renamed_with_their_descendant():
    pdf = pikepdf.new()
    one, two = _type0(pdf, b"program one"), _type0(pdf, b"program two")
    retag(pdf)
    tags = set()
    for font in (one, two):
        tag = str(font.BaseFont)[1:7]
        kid = font.DescendantFonts[0]
        assert str(font.BaseFont) == f"/{tag}+Song-Identity-H"
        assert str(kid.BaseFont) == str(kid.FontDescriptor.FontName) == f"/{tag}+Song"
        tags.add(tag)
    assert len(tags) == 2 and "AAAAAA" not in tags
    assert re.fullmatch("[A-Z]{6}", tag_for(b"x")) and tag_for(b"x") != tag_for(b"x", 1)


def _edition(folder: Path) -> Path:
    shutil.copy(ROOT / "content" / "seed.yaml", folder / "p3.yaml")
    data = make_page(7, 450, 700, 5)
    data["page"] = 5
    (folder / "p5.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = folder / "edition.yaml"
    path.write_text("edition: 示例日报\npages: [p3.yaml, p5.yaml]\n", encoding="utf-8")
    return path


def subset_names(pdf: Path) -> dict[str, set[str]]:
    """Each subset name in ``pdf`` (pdffonts) with the SHA-256 of the font programs that carry it."""
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    listed = {row.split()[0] for row in rows}
    programs: dict[str, set[str]] = defaultdict(set)
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontName" in obj and "/FontFile2" in obj:
                programs[str(obj.FontName)[1:]].add(hashlib.sha256(obj.FontFile2.read_bytes()).hexdigest())
    assert listed == set(programs)
    return programs


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_a_two_page_edition_has_distinct_deterministic_subset_names(tmp_path, make_pdf):
    out = tmp_path / "a" / "edition.pdf"
    assert make_pdf(_edition(tmp_path), "-o", out).returncode == 0
    names = subset_names(out)
    assert all(len(programs) == 1 for programs in names.values()), names  # one program per name
    assert all(TAG.match(name) and not name.startswith("AAAAAA+") for name in names)
    pages = [subset_names(out.with_name(f"edition-0{n}.pdf")) for n in (3, 5)]
    assert set(pages[0]) | set(pages[1]) == set(names)  # the pages keep the names the edition has
    again = tmp_path / "b" / "edition.pdf"
    assert make_pdf(_edition(tmp_path), "-o", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()
    print("\n".join(sorted(names)))


# -- the bundled profiles -------------------------------------------------------------------------


def dark_saturated() -> list[Image.Image]:
    """Test images: every sRGB colour on a 4-level step, and dark Lab colours (L* ≤ 60) over
    the whole a*b* plane, where a profile's separation uses the most ink."""
    steps = range(0, 256, 4)
    rgb = Image.new("RGB", (len(steps) ** 2, len(steps)))
    rgb.putdata([(r, g, b) for b in steps for r in steps for g in steps])
    lab = Image.new("LAB", (64 * 64, 16))
    lab.putdata([(L, a, b) for L in range(0, 160, 10) for a in range(0, 256, 4) for b in range(0, 256, 4)])
    return [rgb, lab]


def max_total_ink(profile: Path) -> float:
    """The highest C+M+Y+K, in %, of the test images separated through ``profile``."""
    worst = 0.0
    target = ImageCms.getOpenProfile(str(profile))
    for image in dark_saturated():
        source = ImageCms.createProfile("sRGB" if image.mode == "RGB" else "LAB")
        for intent in (ImageCms.Intent.PERCEPTUAL, ImageCms.Intent.RELATIVE_COLORIMETRIC):
            transform = ImageCms.buildTransform(source, target, image.mode, "CMYK", renderingIntent=intent)
            cmyk = ImageCms.applyTransform(image, transform)
            data = cmyk.tobytes()
            worst = max(worst, max(sum(data[i : i + 4]) for i in range(0, len(data), 4)) / 255 * 100)
    return worst


@pytest.mark.parametrize("limit", sorted(BUNDLED_LIMITS))
def test_bundled_profiles_honour_their_own_ink_limit(limit):
    path = BUNDLED_LIMITS[limit]
    data = path.read_bytes()
    assert data[12:20] == b"prtrCMYK" and data[20:24] == b"Lab "
    measured = max_total_ink(path)
    print(f"{path.name}: max total ink {measured:.1f} %")
    assert limit - 15 < measured <= limit
    assert bundled_icc(limit) == path and output_intent(path).identifier == "CGATS TR 002"
    assert f"TAC {limit:.0f} %" in output_intent(path).info


def test_bundled_profile_for_a_limit():
    assert bundled_icc(300) == bundled_icc(240) == BUNDLED_ICC
    assert bundled_icc(239) == bundled_icc(220) == bundled_icc(200) == BUNDLED_ICC_220
