"""Font preparation: a CFF font named by a style is converted to TrueType
outlines once and cached; bundled fonts carry the fix-ups Chinese text needs;
text beyond U+FFFF gets a correct ToUnicode map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from layout.draw.pdf import _to_unicode_cmap
from layout.errors import InputError
from layout.fonts.metrics import load_face
from layout.fonts.prepare import core_codepoints, metrics_path_for
from layout.fonts.resolve import resolve_font
from layout.resources import fonts_dir

FONTS_DIR = fonts_dir()

CHARS = "甲乙丙“”—·A"


def build_cff_font(path: Path) -> Path:
    """A small OpenType font with CFF outlines: the kind reportlab refuses."""
    names = [".notdef"] + [f"u{ord(c):04X}" for c in CHARS]
    advances = {n: 1000 for n in names}
    advances["u201C"] = advances["u201D"] = 350  # proportional quotes, as LXGW WenKai has
    advances["u2014"] = 890  # Noto's proportional em dash
    advances["u00B7"] = 327
    charstrings = {}
    for n in names:
        pen = T2CharStringPen(advances[n], None)
        pen.moveTo((50, -70))
        pen.curveTo((50, 300), (100, 830), (advances[n] - 50, 830))
        pen.lineTo((advances[n] - 50, -70))
        pen.closePath()
        charstrings[n] = pen.getCharString()
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"u{ord(c):04X}" for c in CHARS})
    fb.setupCFF("TestCFF-Regular", {"FullName": "Test CFF"}, charstrings, {})
    fb.setupHorizontalMetrics({n: (advances[n], 50) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test CFF", "styleName": "Regular", "psName": "TestCFF-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


def test_cff_font_is_prepared_once_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    src = build_cff_font(tmp_path / "test.otf")
    face = resolve_font("song", "test.otf", tmp_path)
    prepared = TTFont(str(face.path))
    assert "glyf" in prepared and "CFF " not in prepared
    assert face.path.parent == tmp_path / "cache" / "fonts"
    assert face.ps_name.startswith("BM") and face.ps_name != "TestCFF-Regular"  # unique name
    # fix-ups: proportional quotes and interpunct widened to one em; the em dash kept (no 1-em dash here)
    assert face.advance("“") == face.advance("”") == face.advance("·") == 1.0
    assert face.advance("—") == 0.89
    assert all(face.has(c) for c in CHARS)
    # its punctuation fonts are made in the cache too: quotes can be set in half an em
    assert face.halt_path is not None and face.halt_path.parent == face.path.parent
    assert face.can_halve("“") and face.can_halve("”")
    stamp = face.path.stat().st_mtime_ns
    again = resolve_font("song", "test.otf", tmp_path)  # second time: from the cache
    assert again.path == face.path and again.path.stat().st_mtime_ns == stamp
    assert src.exists()


def test_unusable_font_is_input_error(tmp_path, monkeypatch):
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    (tmp_path / "junk.ttf").write_bytes(b"\x00\x01\x00\x00 this is not a font")
    with pytest.raises(InputError, match="cannot use this font"):
        resolve_font("song", "junk.ttf", tmp_path)
    with pytest.raises(InputError, match="font file not found"):
        resolve_font("song", "missing.ttf", tmp_path)


@pytest.mark.parametrize("name", ["BanmianSerifSC-Regular.ttf", "BanmianSansSC-Bold.ttf", "BanmianKai-Regular.ttf"])
def test_bundled_fonts(name):
    path = FONTS_DIR / name
    face = load_face("x", path, metrics_path_for(path))
    # CJK punctuation and the dash sit on the one-em grid in every bundled face
    for ch in "，。、：；！？“”‘’（）《》—…·":
        assert face.advance(ch) == 1.0, (name, ch)
    assert all(face.has(chr(cp)) for cp in range(0x4E00, 0x9FA6)), name  # all of the URO up to 9FA5
    data = json.loads(metrics_path_for(path).read_text(encoding="utf-8"))
    core = FONTS_DIR / data["core"]["file"]
    assert core.is_file() and data["core"]["ps_name"].endswith("-Core")
    assert face.core_covers(set("自我加压迎国考你是创城排头兵，。“”"))
    assert not face.core_covers({"𬌗"})
    assert len(core_codepoints()) > 6763


def test_bundled_fonts_are_truetype_and_small_enough():
    total = sum(p.stat().st_size for p in FONTS_DIR.iterdir() if p.is_file())
    assert total < 60_000_000
    for ttf in FONTS_DIR.glob("*.ttf"):
        font = TTFont(str(ttf), lazy=True)
        assert "glyf" in font, ttf.name
        assert font["name"].getDebugName(6).startswith("Banmian"), ttf.name  # renamed: no Noto/LXGW names


def test_serif_covers_rare_name_characters():
    path = FONTS_DIR / "BanmianSerifSC-Regular.ttf"
    face = load_face("x", path, metrics_path_for(path))
    for ch in "𬌗𬘭𬳵䶮龑":
        assert face.has(ch), ch


def test_to_unicode_beyond_bmp_uses_surrogates():
    cmap = _to_unicode_cmap("F", [0x738B, 0x2C317])
    assert "<00> <738B>" in cmap
    assert "<01> <D870DF17>" in cmap  # U+2C317 as a UTF-16 surrogate pair
    assert "<00> <01>" in cmap  # the code space range itself is untouched


def test_missing_glyph_falls_back_to_another_face(tmp_path, make_pdf):
    """𩸽 is in the Song and Hei faces but not in Kai: a caption or quote using it is set
    from Song, the run notes the substitution, and the character extracts exactly."""
    page = tmp_path / "fallback.yaml"
    page.write_text(
        "paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 回退字体测试\n"
        "profiles:\n  - id: a\n    headline: 鱼名𩸽的由来\n    name: 王𩸽\n    role: 渔业站站长\n"
        "    body: ['这段文字里有一个楷体没有的字：𩸽。这是第二句话，用来把段落写得更长一些。']\n"
        "    quote: {text: '我叫王𩸽，请记住𩸽字。', by: 王𩸽}\n    photo: {caption: '王𩸽在码头'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "fallback.pdf"
    proc = make_pdf(page, "-o", out)
    assert proc.returncode == 1, proc.stderr  # 1: a one-profile page is short
    assert "profiles[0].photo.caption (line 13): '𩸽' U+29E3D is not in BanmianKai-Regular.ttf" in proc.stderr
    import subprocess

    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "王𩸽在码头" in text.replace(" ", "")
    assert text.count("𩸽") >= 7


def test_character_in_no_font_is_an_error(tmp_path, make_pdf):
    page = tmp_path / "missing.yaml"
    page.write_text(
        "paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 缺字\n"
        "profiles:\n  - id: a\n    headline: 标题\n    name: 王𪚥\n    body: ['正文。']\n",
        encoding="utf-8",
    )
    proc = make_pdf(page, "-o", tmp_path / "m.pdf")
    assert proc.returncode == 2
    assert "'𪚥' U+2A6A5 in profiles[0].name (line 9" in proc.stderr
    assert not (tmp_path / "m.pdf").exists()


def test_damaged_fonts_are_input_errors(tmp_path):
    """What fontTools raises reading a damaged file is bad input (exit 2), whatever its type."""
    good = build_cff_font(tmp_path / "good.otf").read_bytes()
    (tmp_path / "cut.otf").write_bytes(good[: len(good) // 2])  # truncated: tables past the end
    (tmp_path / "cut.ttf").write_bytes((FONTS_DIR / "BanmianKai-Regular.halt.ttf").read_bytes()[:300])
    for name in ("cut.otf", "cut.ttf"):
        with pytest.raises(InputError, match="cannot use this font"):
            resolve_font("song", name, tmp_path)


def test_a_bug_in_preparing_a_font_is_not_bad_input(tmp_path, monkeypatch):
    """Only the reading of the user's font is guarded: our own processing failing is a bug."""
    from layout.fonts import prepare

    build_cff_font(tmp_path / "test.otf")

    def broken(*args, **kwargs):
        raise KeyError("a bug of ours")

    monkeypatch.setattr(prepare, "prepare_font", broken)
    with pytest.raises(KeyError):
        resolve_font("song", "test.otf", tmp_path)


def test_a_bug_in_reading_photos_is_not_bad_input(tmp_path, monkeypatch):
    from PIL import Image

    from layout.render import render

    (tmp_path / "p.jpg").write_bytes(b"not read")
    page = tmp_path / "page.yaml"
    page.write_text(
        "paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 照片\nprofiles:\n  - id: a\n"
        "    headline: 甲\n    name: 乙\n    body: ['丙丁。']\n    photo: {file: p.jpg}\n",
        encoding="utf-8",
    )

    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(Image, "open", broken)
    with pytest.raises(RuntimeError):
        render(page)


def test_a_prepared_font_gives_the_same_bytes_from_any_cache(tmp_path, monkeypatch):
    """Same input and options, another machine (another cache folder): the same PDF."""
    from layout.render import render
    from layout.resources import styles_dir

    build_cff_font(tmp_path / "test.otf")
    text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    text = text.replace("  kai: BanmianKai-Regular.ttf\n", "  kai: BanmianKai-Regular.ttf\n  test: test.otf\n")
    text = text.replace("caption: {font: kai,", "caption: {font: test,")
    (tmp_path / "style.yaml").write_text(text, encoding="utf-8")
    page = tmp_path / "page.yaml"
    page.write_text(
        "paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 缓存\nstyle: style.yaml\nprofiles:\n"
        "  - id: a\n    headline: 甲乙\n    name: 丙\n    body: ['甲乙丙丁，这是正文。']\n"
        "    photo: {caption: 甲乙丙}\n",
        encoding="utf-8",
    )
    pdfs = []
    for cache in ("one", "two"):
        monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / cache))
        pdfs.append(render(page).pdf)
        assert (tmp_path / cache / "fonts").is_dir()
    assert pdfs[0] == pdfs[1]


def test_cached_font_gets_gap_fonts_and_an_old_cache_gets_them_once(tmp_path, monkeypatch):
    """A prepared face's padded Latin companions are made with it in the cache; a cache made
    before them (a sidecar without "gap") gets them the first time the face is resolved."""
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    build_cff_font(tmp_path / "test.otf")
    face = resolve_font("song", "test.otf", tmp_path)
    assert face.gap is not None and face.gap.chars == {"A", "·"} and face.gap.pad_em == 0.25
    for variant, extra in (("lead", 250), ("trail", 250), ("both", 500)):
        companion = face.gap.variant(variant)
        assert companion.path.parent == face.path.parent and companion.path.name.endswith(f".gap{variant}.ttf")
        assert companion.ps_name == f"{face.ps_name}-Gap{variant.capitalize()}"
        padded = TTFont(str(companion.path))
        assert padded["hmtx"][padded.getBestCmap()[ord("A")]][0] == 1000 + extra
    metrics = metrics_path_for(face.path)
    data = json.loads(metrics.read_text(encoding="utf-8"))
    del data["gap"]  # as a cache prepared before the gap fonts
    metrics.write_text(json.dumps(data), encoding="utf-8")
    for variant in ("lead", "trail", "both"):
        face.gap.variant(variant).path.unlink()
    again = resolve_font("song", "test.otf", tmp_path)
    assert again.gap == face.gap and again.gap.lead.path.is_file()
    stamp = again.gap.lead.path.stat().st_mtime_ns
    assert resolve_font("song", "test.otf", tmp_path).gap == face.gap
    assert again.gap.lead.path.stat().st_mtime_ns == stamp  # made once


def test_a_sidecar_without_gap_fonts_has_none(tmp_path):
    path = FONTS_DIR / "BanmianKai-Regular.ttf"
    data = json.loads(metrics_path_for(path).read_text(encoding="utf-8"))
    del data["gap"]
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_face("kai", path, tmp_path / "old.json").gap is None


@pytest.mark.parametrize("name", ["BanmianSerifSC-Regular", "BanmianSansSC-Bold", "BanmianKai-Regular"])
def test_bundled_gap_fonts_are_the_faces_latin_padded(name):
    """Each bundled face's gap companions hold its Latin glyphs (those of the full face and of
    its core cut alike), a quarter em wider: before the ink, moved right ("lead"), after it, or both."""
    path = FONTS_DIR / f"{name}.ttf"
    face = load_face("x", path, metrics_path_for(path))
    assert face.gap is not None and set("0123456789AZaz%.-") <= face.gap.chars
    full, core = TTFont(str(path)), TTFont(str(FONTS_DIR / f"{name}.core.ttf"))
    for variant, (lead, trail) in (("lead", (1, 0)), ("trail", (0, 1)), ("both", (1, 1))):
        companion = face.gap.variant(variant)
        padded = TTFont(str(companion.path))
        assert padded["name"].getDebugName(6) == companion.ps_name == f"{name}-Gap{variant.capitalize()}"
        assert {chr(cp) for cp in padded.getBestCmap()} == face.gap.chars
        for ch in "0A%g":
            pad = face.units_per_em // 4
            glyph = padded["glyf"][padded.getBestCmap()[ord(ch)]]
            assert padded["hmtx"][padded.getBestCmap()[ord(ch)]][0] == face.advance(ch) * face.units_per_em + pad * (
                lead + trail
            )
            for source in (full, core):
                own = source["glyf"][source.getBestCmap()[ord(ch)]]
                assert (glyph.xMin, glyph.xMax, glyph.yMin, glyph.yMax) == (
                    own.xMin + pad * lead,
                    own.xMax + pad * lead,
                    own.yMin,
                    own.yMax,
                ), (variant, ch)


def test_gap_fonts_move_composite_glyphs_once(tmp_path):
    """A composite glyph (é = e + acute) moves with its components, not twice."""
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    from layout.fonts.prepare import make_gap, metrics_for_existing

    def box(x0: int, y0: int, x1: int, y1: int):
        pen = TTGlyphPen(None)
        pen.moveTo((x0, y0))
        pen.lineTo((x0, y1))
        pen.lineTo((x1, y1))
        pen.lineTo((x1, y0))
        pen.closePath()
        return pen.glyph()

    glyphs = {".notdef": box(50, 0, 450, 700), "e": box(50, 0, 450, 500), "acute": box(200, 550, 300, 700)}
    pen = TTGlyphPen(glyphs)
    pen.addComponent("e", (1, 0, 0, 1, 0, 0))
    pen.addComponent("acute", (1, 0, 0, 1, 20, 0))
    glyphs["eacute"] = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(list(glyphs))
    fb.setupCharacterMap({ord("e"): "e", ord("é"): "eacute", 0x301: "acute"})
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({g: (500, glyphs[g].xMin) for g in glyphs})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test", "styleName": "Regular", "psName": "Test-Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(tmp_path / "t.ttf"))
    metrics_for_existing(tmp_path / "t.ttf", tmp_path / "t.ttf.metrics.json")
    make_gap(tmp_path / "t.ttf", "Test-Regular")
    face = load_face("t", tmp_path / "t.ttf", tmp_path / "t.ttf.metrics.json")
    assert face.gap is not None and face.gap.chars == {"e", "é"}
    padded = TTFont(str(face.gap.lead.path))
    glyf = padded["glyf"]
    e, eacute = (glyf[padded.getBestCmap()[ord(c)]] for c in "eé")
    assert (e.xMin, e.xMax) == (300, 700)
    eacute.recalcBounds(glyf)
    assert (eacute.xMin, eacute.xMax) == (300, 700)
    assert padded["hmtx"][padded.getBestCmap()[ord("é")]] == (750, 300)


def test_a_face_is_read_once_per_process_until_its_sidecar_or_core_changes(tmp_path):
    """--watch renders many times in one process: a face comes from memory while its sidecar
    and core cut are as they were, and is read again when either changed."""
    import shutil

    for name in ("BanmianKai-Regular.ttf", "BanmianKai-Regular.ttf.metrics.json", "BanmianKai-Regular.core.ttf"):
        shutil.copyfile(fonts_dir() / name, tmp_path / name)
    font, sidecar = tmp_path / "BanmianKai-Regular.ttf", tmp_path / "BanmianKai-Regular.ttf.metrics.json"
    first = load_face("kai", font, sidecar)
    assert first.core_path == tmp_path / "BanmianKai-Regular.core.ttf"
    assert load_face("kai", font, sidecar) is first
    assert load_face("song", font, sidecar) is not first  # another key, another face
    (tmp_path / "BanmianKai-Regular.core.ttf").unlink()
    without_core = load_face("kai", font, sidecar)
    assert without_core.core_path is None and without_core.advances == first.advances
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data["advances"]["19968"] = 999  # 一 narrower
    sidecar.write_text(json.dumps(data), encoding="utf-8")
    assert load_face("kai", font, sidecar).advance("一") == 999 / first.units_per_em
