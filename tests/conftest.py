"""Shared fixtures: a synthetic fixed-width CJK test font, the rules, and the seed page rendered once."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
# Test the engine beside these tests, whatever copy of the package may be installed.
if sys.path[:1] != [str(ROOT)]:
    sys.path.insert(0, str(ROOT))

# Hermetic: the session prepares fonts in its own cache and fontconfig sees no installed
# font, so the tests pass the same on any machine. Set at import time, before any test
# runs, so every subprocess (the command, the edition's worker pool) inherits it. Tests
# that need an installed font build one and point FONTCONFIG_FILE at their own fonts.conf.
SESSION_DIR = Path(tempfile.mkdtemp(prefix="banmian-test-session-"))
atexit.register(shutil.rmtree, SESSION_DIR, ignore_errors=True)
EMPTY_FONTS_CONF = SESSION_DIR / "fonts.conf"


def write_fonts_conf(path: Path, *font_dirs: Path) -> Path:
    """A fontconfig file listing only ``font_dirs`` (none: no font at all), its cache beside it."""
    dirs = "".join(f"  <dir>{d}</dir>\n" for d in font_dirs)
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n{dirs}  <cachedir>{path.parent / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


os.environ["BANMIAN_CACHE"] = str(SESSION_DIR / "cache")
os.environ["FONTCONFIG_FILE"] = str(write_fonts_conf(EMPTY_FONTS_CONF))
os.environ.pop("FONTCONFIG_PATH", None)

from layout.fonts.metrics import FontFace, load_face  # noqa: E402
from layout.fonts.prepare import metrics_path_for, write_metrics  # noqa: E402
from layout.lang.zh import Rules, rules_for  # noqa: E402

# CI runs the property tests on a fixed seed, so a landing never depends on luck;
# local runs explore new examples each time (HYPOTHESIS_PROFILE=ci to reproduce CI).
settings.register_profile("ci", derandomize=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

MAKE_PDF = ROOT / "make_pdf.py"
SEED = ROOT / "content" / "seed.yaml"

# The characters the synthetic font covers.
TEST_HAN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十"
TEST_PUNCT = "、，。：；！？“”‘’（）《》—…·"
UPM = 1000
NARROW = 500  # ASCII letters, digits and space


def _codepoints() -> list[int]:
    cps = set(range(0x20, 0x7F)) | set(range(0x4E00, 0x5000))
    cps |= {ord(c) for c in TEST_HAN + TEST_PUNCT}
    return sorted(cps)


def _advance(cp: int) -> int:
    ch = chr(cp)
    return NARROW if ch == " " or (ch.isascii() and ch.isalnum()) else UPM


def _square(advance: int):
    """A simple square outline inset by 50 units."""
    pen = TTGlyphPen(None)
    pen.moveTo((50, -70))
    pen.lineTo((50, 830))
    pen.lineTo((advance - 50, 830))
    pen.lineTo((advance - 50, -70))
    pen.closePath()
    return pen.glyph()


def build_test_font(folder: Path) -> Path:
    """Write a TrueType test font and its metrics sidecar; returns the font path."""
    cps = _codepoints()
    order = [".notdef"] + [f"u{cp:04X}" for cp in cps]
    cmap = {cp: f"u{cp:04X}" for cp in cps}
    advances = {".notdef": UPM, **{f"u{cp:04X}": _advance(cp) for cp in cps}}
    fb = FontBuilder(UPM, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf({g: (TTGlyphPen(None).glyph() if g == "u0020" else _square(advances[g])) for g in order})
    fb.setupHorizontalMetrics({g: (advances[g], 50 if g != "u0020" else 0) for g in order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Banmian Test", "styleName": "Regular", "psName": "BanmianTest-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path = folder / "BanmianTest-Regular.ttf"
    fb.save(str(path))
    write_metrics(metrics_path_for(path), fb.font, cmap, advances)
    return path


@pytest.fixture(scope="session")
def test_font_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_font(tmp_path_factory.mktemp("font"))


@pytest.fixture(scope="session")
def face(test_font_path: Path) -> FontFace:
    """The synthetic face: 1 em = 1000 units; Han and marks 1 em, ASCII letters/digits/space ½ em."""
    return load_face("test", test_font_path, metrics_path_for(test_font_path))


OPENING = "“‘（《"  # opening marks the half-width face sets in half an em
CLOSING = "”’）》、，。：；！？"  # closing marks it sets in half an em


@pytest.fixture(scope="session")
def hface(test_font_path: Path, tmp_path_factory: pytest.TempPathFactory) -> FontFace:
    """The synthetic face with half-width marks (as a .halt.ttf would give) and centred zh-Hant marks."""
    folder = tmp_path_factory.mktemp("hfont")
    font = folder / test_font_path.name
    shutil.copy(test_font_path, font)
    data = json.loads(metrics_path_for(test_font_path).read_text(encoding="utf-8"))
    offsets = {str(ord(c)): -500 for c in OPENING} | {str(ord(c)): 0 for c in CLOSING} | {str(ord("·")): -250}
    data["halt"] = {"file": "none.halt.ttf", "ps_name": "BanmianTest-Halt", "offsets": offsets}
    data["hant"] = {"file": "none.hant.ttf", "ps_name": "BanmianTest-Hant", "marks": "、，。：；！？"}
    metrics_path_for(font).write_text(json.dumps(data), encoding="utf-8")
    return load_face("test", font, metrics_path_for(font))


@pytest.fixture(scope="session")
def rules() -> Rules:
    return rules_for()


def run_make_pdf(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the command as a user would, from the project folder."""
    return subprocess.run(
        [sys.executable, str(MAKE_PDF), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="session")
def make_pdf():
    """Runs ``make_pdf.py ARGS...`` in the project folder; returns the CompletedProcess."""
    return run_make_pdf


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default page, rendered once through the command."""
    out = tmp_path_factory.mktemp("seed") / "seed.pdf"
    proc = run_make_pdf("-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="session")
def seed_rendered():
    """The default page, rendered once in process (for the engine's own frame)."""
    from layout.render import render

    return render(SEED)


@pytest.fixture(scope="session")
def engine():
    """The built-in broadsheet style and its faces, loaded once (for makeup without drawing)."""
    from layout.fonts.page import load_faces
    from layout.model.style import load_style, style_path

    style = load_style(style_path("broadsheet", ROOT))
    return style, load_faces(style)
