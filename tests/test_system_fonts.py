"""Installed fonts (issue 12, item 3): hermetic by default, one fontconfig query when asked,
a font that claims what it lacks is not used, and the PDF records which file set what.

Every test builds its own installed fonts (fontTools FontBuilder) and its own fonts.conf;
the session's fontconfig (tests/conftest.py) lists no font at all."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import EMPTY_FONTS_CONF, SESSION_DIR, run_make_pdf, write_fonts_conf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from layout.errors import InputError
from layout.fonts import prepare
from layout.fonts.system import parse_listing
from layout.render import Output, render
from layout.resources import styles_dir

PUA = "\ue000"  # in no bundled font
PUA2 = "\ue001"
FC_LIST = shutil.which("fc-list")
needs_fontconfig = pytest.mark.skipif(FC_LIST is None, reason="fontconfig (fc-list) is not installed")


def _square():
    pen = TTGlyphPen(None)
    pen.moveTo((50, -70))
    pen.lineTo((50, 830))
    pen.lineTo((950, 830))
    pen.lineTo((950, -70))
    pen.closePath()
    return pen.glyph()


def build_font(path: Path, cmap: dict[str, str], family: str) -> Path:
    """A TrueType font whose cmap maps each character to "ink" (a square), "empty" (a glyph
    without outline) or ".notdef"; no metrics sidecar, as an installed font has none."""
    order = [".notdef", "ink", "empty"]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({ord(ch): glyph for ch, glyph in cmap.items()})
    fb.setupGlyf({".notdef": _square(), "ink": _square(), "empty": TTGlyphPen(None).glyph()})
    fb.setupHorizontalMetrics({g: (1000, 50 if g != "empty" else 0) for g in order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": family, "styleName": "Regular", "psName": f"{family}-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path


def write_page(folder: Path, body: str, *, fallback: str = "") -> Path:
    """A one-profile page (its own style, with ``fallback:`` when given)."""
    style = ""
    if fallback:
        text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
        (folder / "style.yaml").write_text(f"{text}\nfallback: {fallback}\n", encoding="utf-8")
        style = "style: style.yaml\n"
    page = folder / "page.yaml"
    page.write_text(
        f"paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 系统字体测试\n{style}"
        "profiles:\n  - id: a\n    headline: 一个私用字\n    name: 王五\n"
        f"    body: ['这段文字里有一个字：{body}。这是第二句话，用来把段落写得更长一些。']\n",
        encoding="utf-8",
    )
    return page


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    """A folder of installed fonts, the only one fontconfig lists; returns the folder."""
    folder = tmp_path / "installed"
    folder.mkdir()
    monkeypatch.setenv("FONTCONFIG_FILE", str(write_fonts_conf(tmp_path / "fonts.conf", folder)))
    return folder


@pytest.fixture
def fc_calls(tmp_path, monkeypatch) -> Path:
    """fc-list on PATH is a wrapper that counts its calls (one line each) in the returned file."""
    marker = tmp_path / "fc-calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "fc-list"
    real = FC_LIST or "/bin/false"
    wrapper.write_text(f'#!/bin/sh\necho called >> "{marker}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return marker


def calls(marker: Path) -> int:
    return len(marker.read_text().splitlines()) if marker.exists() else 0


def keywords(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return str(doc.docinfo.get("/Keywords", ""))


def test_the_session_is_hermetic():
    cache = Path(os.environ["BANMIAN_CACHE"])
    assert cache.is_relative_to(SESSION_DIR)
    assert not cache.is_relative_to(Path.home() / ".cache")
    assert os.environ["FONTCONFIG_FILE"] == str(EMPTY_FONTS_CONF)
    if FC_LIST:
        listed = subprocess.run([FC_LIST], capture_output=True, text=True, timeout=60, check=True).stdout
        assert listed.strip() == ""  # no installed font is seen by the tests


def test_default_never_asks_fontconfig(tmp_path, fc_calls, installed):
    build_font(installed / "Good.ttf", {PUA: "ink"}, "Good")
    with pytest.raises(InputError) as err:
        render(write_page(tmp_path, PUA))
    assert "U+E000 in profiles[0].body[0] (line 10" in err.value.message
    assert err.value.message.endswith("add 'fallback: system' to the style, or pass --system-fonts")
    assert render(write_page(tmp_path, "甲")).substitutions == ()
    assert calls(fc_calls) == 0


def test_without_fontconfig_the_character_is_an_error(tmp_path, monkeypatch):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # no fc-list anywhere
    with pytest.raises(InputError) as err:
        render(write_page(tmp_path, PUA, fallback="system"))
    message = err.value.message
    assert "1 character(s) missing from every font of the style: '\ue000' U+E000 in profiles[0].body[0]" in message
    assert "installed fonts were not searched: fontconfig is not installed (no fc-list on PATH)" in message


def test_a_failing_fontconfig_is_said(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "fc-list"
    fake.write_text("#!/bin/sh\necho 'Fontconfig error: cannot load config' >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(InputError) as err:
        render(write_page(tmp_path, PUA), output=Output(system_fonts=True))
    assert "fontconfig failed (fc-list exit status 3: Fontconfig error: cannot load config)" in err.value.message


@needs_fontconfig
def test_an_installed_font_is_used_once_asked_and_recorded(tmp_path, installed, fc_calls):
    good = build_font(installed / "Good.ttf", {PUA: "ink", PUA2: "ink", "A": "ink"}, "Good")
    build_font(installed / "Other.ttf", {"A": "ink"}, "Other")  # claims nothing wanted: never prepared
    page = write_page(tmp_path, PUA + PUA2, fallback="system")
    r = render(page)
    assert calls(fc_calls) == 1  # one query for all missing characters
    assert f"installed font {good} (fontconfig) set U+E000 U+E001" in r.substitutions
    assert any(
        n.endswith(f"'\ue000' U+E000 is not in BanmianSerifSC-Regular.ttf; set from the installed font {good}")
        for n in r.substitutions
    )
    assert keywords(r.pdf) == f"Banmian fallback fonts: {good}: U+E000 U+E001"
    assert render(page).pdf == r.pdf  # same input, same options: same bytes
    cached = sorted(p.name for p in Path(os.environ["BANMIAN_CACHE"], "fonts").iterdir())
    assert cached and all(not n.startswith("Other") for n in cached)
    press = render(write_page(tmp_path, PUA), output=Output(system_fonts=True, press="x1a", allow_placeholders=True))
    assert keywords(press.pdf) == f"Banmian fallback fonts: {good}: U+E000"  # survives PDF/X


@needs_fontconfig
def test_a_font_that_claims_what_it_lacks_is_not_used(tmp_path, installed):
    # ranked first (same claim, sorts before Good): its glyph for U+E000 has no outline
    hostile = build_font(installed / "Aaa-Hostile.ttf", {PUA: "empty", PUA2: ".notdef", "A": "ink"}, "Hostile")
    good = build_font(installed / "Good.ttf", {PUA: "ink"}, "Good")
    r = render(write_page(tmp_path, PUA), output=Output(system_fonts=True))
    assert f"installed font {hostile} claims U+E000 but has no glyph for it: not used for it" in r.substitutions
    assert keywords(r.pdf) == f"Banmian fallback fonts: {good}: U+E000"
    with pytest.raises(InputError) as err:  # nothing really draws U+E001
        render(write_page(tmp_path, PUA2), output=Output(system_fonts=True))
    assert "U+E001 in profiles[0].body[0]" in err.value.message
    assert err.value.message.endswith("no installed font has them either (fontconfig searched)")


def test_inked_sees_empty_and_notdef_glyphs(tmp_path):
    font = build_font(tmp_path / "h.ttf", {PUA: "empty", PUA2: ".notdef", "A": "ink", "\u200b": "empty"}, "H")
    assert prepare.inked(font, 0, [PUA, PUA2, "A", "\u200b", "B"]) == {"A", "\u200b"}


def test_fontconfig_listing_is_read_in_python():
    raw = (
        b"/f/Sans-Bold.ttf#0\t20-7e e000-e0ff\n"
        b"/f/Sans.ttf#0\t20-7e e000-e0ff\n"
        b"/f/Serif.otf#0\t20-7e e000\n"
        b"/f/Coll.ttc#2\te001 4e00-9fff\n"
        b"/f/Bitmap.pcf.gz#0\t20-7e e000-e001\n"  # bitmap: not embeddable
        b"/f/Type1.t1#0\te000-e001\n"
        b"garbage without a tab\n"
    )
    got = [(c.spec, "".join(sorted(c.claims))) for c in parse_listing(raw, {PUA, PUA2})]
    assert got == [
        ("/f/Sans.ttf", PUA + PUA2),  # most claimed, TrueType, regular
        ("/f/Sans-Bold.ttf", PUA + PUA2),
        ("/f/Coll.ttc#2", PUA2),
        ("/f/Serif.otf", PUA),
    ]


def test_a_style_asks_for_installed_fonts_through_the_command(tmp_path, installed):
    if FC_LIST is None:
        pytest.skip("fontconfig (fc-list) is not installed")
    good = build_font(installed / "Good.ttf", {PUA: "ink"}, "Good")
    page = write_page(tmp_path, PUA, fallback="system")
    out = tmp_path / "out.pdf"
    proc = run_make_pdf(page, "-o", out)
    assert proc.returncode == 1, proc.stderr  # 1: a one-profile page is short
    assert f"note: installed font {good} (fontconfig) set U+E000" in proc.stderr
    assert keywords(out.read_bytes()) == f"Banmian fallback fonts: {good}: U+E000"


def test_a_style_field_fallback_is_checked(tmp_path):
    page = write_page(tmp_path, "甲", fallback="everywhere")
    with pytest.raises(InputError) as err:
        render(page)
    assert "fallback" in str(err.value)


@needs_fontconfig
def test_the_command_flag_asks_for_installed_fonts_and_an_edition_keeps_the_record(tmp_path, installed):
    from layout.edition import merge_pdfs

    good = build_font(installed / "Good.ttf", {PUA: "ink"}, "Good")
    page = write_page(tmp_path, PUA)
    out = tmp_path / "out.pdf"
    refused = run_make_pdf(page, "-o", out)
    assert refused.returncode == 2 and "pass --system-fonts" in refused.stderr and not out.exists()
    proc = run_make_pdf(page, "-o", out, "--system-fonts")
    assert proc.returncode == 1, proc.stderr  # 1: a one-profile page is short
    record = f"Banmian fallback fonts: {good}: U+E000"
    assert keywords(out.read_bytes()) == record
    plain = render(write_page(tmp_path, "甲")).pdf
    assert keywords(merge_pdfs([plain, out.read_bytes(), out.read_bytes()], "合订")) == record
