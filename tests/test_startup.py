"""A page run's start-up (issue 16, item 1): only what the run needs is imported, fonts are
registered from a cached parse, validation passes a valid file without jsonschema, and none
of it changes a byte or a message.

- a plain page's process imports no pikepdf, Pillow, jsonschema, process pool or subprocess;
- a font file replaced under the same name is drawn from its new bytes in the same process;
- the font cache on, off, or corrupt gives the same faces and the same PDF; a damaged entry
  is rewritten, and an entry never runs code;
- every bad input gets the same report with the compiled schema check as without it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from layout.draw import fontcache
from layout.fonts.prepare import metrics_path_for, write_metrics

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pikepdf", "PIL.Image", "jsonschema", "referencing", "concurrent.futures", "multiprocessing", "subprocess")
HAN = "甲乙丙丁戊己庚辛"


def _loaded_modules(env: dict[str, str], *args: str) -> set[str]:
    """The modules a command run loaded (a lazily loaded module not yet used does not count)."""
    code = (
        "import sys, json\n"
        "from layout.cli import main\n"
        f"status = main({list(args)!r})\n"
        "loaded = [n for n, m in sys.modules.items() if type(m).__name__ != '_LazyModule']\n"
        "print(json.dumps({'status': status, 'modules': loaded}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] in (0, 1), proc.stderr
    return set(result["modules"])


def test_a_plain_page_imports_nothing_it_does_not_use(tmp_path):
    env = dict(os.environ, BANMIAN_CACHE=str(tmp_path / "cache"))
    loaded = _loaded_modules(env, "-q", "-o", str(tmp_path / "seed.pdf"))
    assert (tmp_path / "seed.pdf").is_file()
    assert "reportlab" in loaded and "layout.render" in loaded
    assert sorted(m for m in HEAVY if m in loaded) == []
    assert "fontTools" not in loaded  # fonts are prepared at build time, parsed faces cached
    # only for the paths that need them: a kept round, fillers, ads, press photos, drafts
    rare = ("layout.page.keep", "layout.page.fillers", "layout.artwork", "layout.draw.tone", "layout.review.map")
    assert sorted(m for m in rare if m in loaded) == []


def _font(path: Path, inset: int) -> Path:
    """A small TrueType font whose glyphs are squares ``inset`` units in from their box, with
    its metrics sidecar (the same for every inset: the same layout, other outlines)."""
    cps = [0x20, *(ord(c) for c in HAN)]
    order = [".notdef"] + [f"u{cp:04X}" for cp in cps]

    def square():
        pen = TTGlyphPen(None)
        pen.moveTo((inset, -70))
        pen.lineTo((inset, 830))
        pen.lineTo((1000 - inset, 830))
        pen.lineTo((1000 - inset, -70))
        pen.closePath()
        return pen.glyph()

    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({cp: f"u{cp:04X}" for cp in cps})
    fb.setupGlyf({g: TTGlyphPen(None).glyph() if g == "u0020" else square() for g in order})
    fb.setupHorizontalMetrics({g: (1000, inset) for g in order})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Banmian Swap", "styleName": "Regular", "psName": "BanmianSwap-Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    write_metrics(metrics_path_for(path), fb.font, {cp: f"u{cp:04X}" for cp in cps}, dict.fromkeys(order, 1000))
    return path


def _page(folder: Path) -> Path:
    """A page whose captions are set in swap.ttf (the style's ``swap`` font), beside it."""
    from layout.resources import styles_dir

    text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    text = text.replace("  kai: BanmianKai-Regular.ttf\n", "  kai: BanmianKai-Regular.ttf\n  swap: swap.ttf\n")
    text = text.replace("caption: {font: kai,", "caption: {font: swap,")
    (folder / "style.yaml").write_text(text, encoding="utf-8")
    page = folder / "page.yaml"
    page.write_text(
        "paper: 测试报\ndate: 2024-01-02\npage: 2\nsection: 人物\nheadline: 换字体\nstyle: style.yaml\nprofiles:\n"
        "  - id: a\n    headline: 甲乙\n    name: 丙\n    body: ['甲乙丙丁，这是正文。']\n"
        f"    photo: {{caption: {HAN}}}\n",
        encoding="utf-8",
    )
    return page


def _insets(pdf: bytes) -> set[int]:
    """The left edge of 甲 in every embedded font that has the swap font's glyph names."""
    pikepdf = pytest.importorskip("pikepdf")
    found = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj and "Swap" in str(obj.get("/FontName")):
                font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
                glyf = font["glyf"]
                found |= {glyf[g].xMin for g in font.getGlyphOrder() if g != ".notdef" and glyf[g].numberOfContours}
    return found


def test_a_font_replaced_under_the_same_name_is_drawn_from_its_new_file(tmp_path, monkeypatch):
    """--watch renders many times in one process: a font file written anew is picked up."""
    from layout.render import render

    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    page = _page(tmp_path)
    _font(tmp_path / "swap.ttf", 50)
    first = render(page).pdf
    assert _insets(first) == {50}
    _font(tmp_path / "swap.ttf", 150)  # same file name, same internal name, same metrics
    second = render(page).pdf
    assert _insets(second) == {150}
    # exactly what a fresh process draws from the new file
    code = (
        "import sys, pathlib; from layout.render import render; "
        f"sys.stdout.buffer.write(render(pathlib.Path({str(page)!r})).pdf)"
    )
    env = dict(os.environ, BANMIAN_CACHE=str(tmp_path / "fresh"))
    fresh = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert fresh.returncode == 0, fresh.stderr.decode()
    assert fresh.stdout == second


def test_an_unchanged_font_is_registered_once(tmp_path, monkeypatch):
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    path = _font(tmp_path / "once.ttf", 50)
    fontcache.register("BanmianOnceTest", path)
    font = fontcache._REGISTERED["BanmianOnceTest"].font
    fontcache.register("BanmianOnceTest", path)
    assert fontcache._REGISTERED["BanmianOnceTest"].font is font
    os.utime(path, ns=(1, 1))  # touched, same bytes: the same face
    fontcache.register("BanmianOnceTest", path)
    assert fontcache._REGISTERED["BanmianOnceTest"].font is font


def _state(font) -> dict:
    face = {k: v for k, v in vars(font.face).items() if k != "_pdfScale"}
    return {"font": {k: v for k, v in vars(font).items() if k not in ("face", "state", "encoding")}, "face": face}


@pytest.mark.parametrize("units", [1000, 2048])
def test_a_cached_face_is_the_parsed_face(tmp_path, monkeypatch, units):
    """The face loaded from the cache holds what reportlab's parse holds, value for value."""
    from reportlab.pdfbase import ttfonts

    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    path = ROOT / "fonts" / "BanmianKai-Regular.halt.ttf"
    if units != 1000:
        font = TTFont(str(path))
        font["head"].unitsPerEm = units
        path = tmp_path / "upem.ttf"
        font.save(str(path))
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    parsed = ttfonts.TTFont("BanmianCacheTest", str(path))
    stored = fontcache.load_font("BanmianCacheTest", path, data, digest)  # parses and stores
    assert fontcache.entry_file(digest).is_file()
    cached = fontcache.load_font("BanmianCacheTest", path, data, digest)  # from the entry
    assert fontcache._read_entry(fontcache.entry_file(digest), digest) is not None
    for font in (stored, cached):
        assert _state(font) == _state(parsed)
        assert sorted(vars(font)) == sorted(vars(parsed))
        assert font.encoding.name == parsed.encoding.name
        assert [font.face._pdfScale(v) for v in (0, 1, 333, -120, 2048)] == [
            parsed.face._pdfScale(v) for v in (0, 1, 333, -120, 2048)
        ]
        assert font.stringWidth("、。，", 9) == parsed.stringWidth("、。，", 9)
    assert fontcache.load_font("X", path, data, digest, cache=False).face.charWidths == parsed.face.charWidths


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo never > /dev/null",))


def _corruptions(blob: bytes, digest: str) -> list[bytes]:
    head = len(fontcache.MAGIC) + 32
    flipped = bytearray(blob)
    flipped[head + len(blob[head:]) // 2] ^= 0xFF
    evil = pickle.dumps({"digest": digest, "face": {"x": _Boom()}})
    other = pickle.dumps({"digest": "0" * 64, "face": {}})
    signed = [fontcache.MAGIC + hashlib.sha256(p).digest() + p for p in (evil, other, b"\x80\x05junk")]
    return [b"", blob[:head], blob[: len(blob) // 2], bytes(flipped), b"garbage" * 100, *signed]


def test_a_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    path = ROOT / "fonts" / "BanmianSerifSC-Regular.hant.ttf"
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    good = _state(fontcache.load_font("BanmianCorruptTest", path, data, digest))
    entry = fontcache.entry_file(digest)
    intact = entry.read_bytes()
    for bad in _corruptions(intact, digest):
        entry.write_bytes(bad)
        assert fontcache._read_entry(entry, digest) is None
        assert _state(fontcache.load_font("BanmianCorruptTest", path, data, digest)) == good
        assert entry.read_bytes() == intact  # rewritten
    entry.unlink()
    entry.mkdir()  # a cache that cannot be written: no error, the face parsed
    assert _state(fontcache.load_font("BanmianCorruptTest", path, data, digest)) == good


def test_the_same_pdf_with_the_font_cache_empty_full_and_corrupt(tmp_path):
    """The default page in fresh processes: cache empty (parsed, stored), full (loaded), corrupt."""
    env = dict(os.environ, BANMIAN_CACHE=str(tmp_path / "cache"))
    outs = []
    for i in range(3):
        out = tmp_path / f"seed{i}.pdf"
        proc = subprocess.run(
            [sys.executable, "make_pdf.py", "-q", "-o", str(out)], cwd=ROOT, env=env, capture_output=True, timeout=120
        )
        assert proc.returncode in (0, 1), proc.stderr.decode()
        outs.append(out.read_bytes())
        entries = sorted((tmp_path / "cache" / "reportlab").glob("*.face"))
        assert entries
        if i == 1:
            for e in entries:
                e.write_bytes(e.read_bytes()[:-7] + b"corrupt")
    assert outs[0] == outs[1] == outs[2]


def test_every_bad_input_gets_the_same_report_without_the_compiled_check(monkeypatch):
    """The compiled check only lets a valid file skip jsonschema: every problem list is
    jsonschema's, the same with the check as without it."""
    from layout.errors import InputError
    from layout.model import validate
    from layout.model.source import load_yaml

    files = [*ROOT.glob("tests/bad_inputs/**/*.yaml"), *ROOT.glob("content/*.yaml"), *ROOT.glob("layout/styles/*.yaml")]
    docs = []
    for f in sorted(f for f in files if f.is_file()):
        try:
            docs.append(load_yaml(f))
        except InputError:
            continue
    assert len(docs) > 30
    kinds = ("page", "edition", "style")
    with_check = [[str(p) for p in validate.validate(d, k)] for d in docs for k in kinds]
    monkeypatch.setattr(validate, "_check", lambda name: lambda value: False)
    without = [[str(p) for p in validate.validate(d, k)] for d in docs for k in kinds]
    assert with_check == without
    assert any(with_check) and not all(with_check)


def test_a_font_hash_is_remembered_only_for_a_settled_file(tmp_path, monkeypatch):
    """A font's SHA-256 is remembered by its path and signature (size, times, inode) when the
    file is older than the file system's clock can blur; a damaged or foreign memo is ignored."""
    monkeypatch.setenv("BANMIAN_CACHE", str(tmp_path / "cache"))
    path = ROOT / "fonts" / "BanmianSansSC-Bold.hant.ttf"  # a checked-out file: settled
    data = path.read_bytes()
    right = hashlib.sha256(data).hexdigest()
    signature = fontcache._signature(path)
    assert fontcache._settled(path, signature) == signature
    assert fontcache._digest(path, signature, data) == right  # computed and remembered
    (memo,) = (tmp_path / "cache" / "reportlab" / "digests").iterdir()
    line, digest, check = memo.read_text(encoding="ascii").split("\n")
    assert digest == right and line == " ".join(map(str, signature))
    assert fontcache._digest(path, signature, b"other bytes") == right  # remembered: not hashed again
    wrong = "0" * 64
    for bad in (f"{line}\n{wrong}\n{check}", f"{line}\n{wrong}", "junk", f"1 2 3 4 5\n{wrong}\n"):
        memo.write_text(bad, encoding="ascii")
        assert fontcache._digest(path, signature, data) == right
    fresh = _font(tmp_path / "fresh.ttf", 50)  # just written: its signature is not trusted yet
    assert fontcache._settled(fresh, fontcache._signature(fresh)) is None
    before = sorted((tmp_path / "cache" / "reportlab" / "digests").iterdir())
    assert fontcache._digest(fresh, None, fresh.read_bytes()) == hashlib.sha256(fresh.read_bytes()).hexdigest()
    assert sorted((tmp_path / "cache" / "reportlab" / "digests").iterdir()) == before


def test_the_pure_only_class_is_the_complement_it_replaces():
    """``source._PURE_ONLY`` lists the characters it matches (compiled ~10× faster than the
    complement it was written as): the same answer for every code point."""
    import re

    from layout.model import source

    complement = re.compile(
        "[^\x0a\x0d\x20-\x3e\x40-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in source._PURE_ONLY.finditer(text)] == [m.start() for m in complement.finditer(text)]


def test_a_plain_page_finds_its_files_without_importlib_resources(tmp_path):
    """Without site's own imports (``-S``; site-packages still on the path): the package's own
    files are found without importlib.resources (and the zipfile it loads, ~5 ms of a fresh
    process), and difflib waits for an unknown field."""
    import site

    code = (
        "import sys, json\n"
        f"sys.path[:0] = [{str(ROOT)!r}]\n"
        f"sys.path += {site.getsitepackages()!r}\n"
        "from layout.cli import main\n"
        f"status = main(['-q', '-o', {str(tmp_path / 'seed.pdf')!r}])\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))\n"
    )
    env = dict(os.environ, BANMIAN_CACHE=str(tmp_path / "cache"))
    cmd = [sys.executable, "-S", "-c", code]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] in (0, 1) and (tmp_path / "seed.pdf").is_file()
    unused = ("importlib.resources", "zipfile", "difflib")
    assert [m for m in unused if m in result["modules"]] == []
