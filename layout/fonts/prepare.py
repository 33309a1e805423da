"""Font preparation (build stage, not run per page).

Input: an OpenType/TrueType font file (TTF, OTF with CFF outlines, or a TTC
face) and a set of code points to keep.
Output: a TrueType-outline (glyf) font file that reportlab can embed, plus a
small JSON metrics sidecar (``<font>.metrics.json``) that the measuring stage
reads instead of parsing the font.

reportlab refuses CFF outlines, so CFF glyphs are drawn through cu2qu into
quadratic TrueType glyphs (max error 1 font unit). The same routine prepares
the bundled fonts (``fonts/build_fonts.py``) and any CFF font a style names
(cached, see ``layout.fonts.cache``).

Fix-ups applied for Chinese composition (see ../shared reference §5):
* U+2014 is pointed at a full-em dash glyph (Noto's SC ``locl`` does the
  same), so ``——`` is a continuous 2 em;
* CJK quotation marks and the interpunct U+00B7 that a face draws
  proportionally are widened to a full em, the glyph placed where mainland
  full-width forms sit (opening marks to the right, closing to the left,
  the interpunct centred).

Companion files made next to a face and recorded in its sidecar: the core cut
(``make_core``), the half-width and zh-Hant punctuation fonts (``make_halt``,
``make_hant``) and the padded Latin fonts that carry the Han–Latin gap in a
glyph's advance (``make_gap``). The drawing stage only registers them.
"""

from __future__ import annotations

import json
import os
import struct
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import ControlBoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, TTLibError

METRICS_SUFFIX = ".metrics.json"
METRICS_VERSION = 1

# Code-point blocks a bundled or prepared face keeps (those the face has).
COVERAGE_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (names, pinyin)
    (0x02C6, 0x02DD),  # spacing modifiers
    (0x0391, 0x03C9),  # Greek letters
    (0x0401, 0x0451),  # Cyrillic letters
    (0x2000, 0x206F),  # General Punctuation (—, …, ‘’ “”, ‰)
    (0x2100, 0x218F),  # letterlike symbols (℃, №), number forms (Ⅻ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≤ ≥ ≈)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x26FF),  # geometric shapes, misc symbols (■ ▲ ★)
    (0x2E3A, 0x2E3B),  # two- and three-em dashes
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x312F),  # bopomofo
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility (㎡)
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3134F),  # supplementary ideographs (rare characters in names)
)

OPENING_MARKS = (0x2018, 0x201C)  # ‘ “
CLOSING_MARKS = (0x2019, 0x201D)  # ’ ”
CENTRED_MARKS = (0x00B7,)  # · (间隔号)


def coverage_codepoints() -> list[int]:
    """Every code point of COVERAGE_BLOCKS, in order."""
    return [cp for lo, hi in COVERAGE_BLOCKS for cp in range(lo, hi + 1)]


@dataclass(frozen=True)
class PreparedFont:
    """What a preparation produced."""

    path: Path
    metrics_path: Path
    glyphs: int
    codepoints: int


# What fontTools raises while *reading* a damaged file: its parsers unpack with struct,
# check with assert and look up by index and name. Caught only around reading a font.
FONT_READ_ERRORS: tuple[type[BaseException], ...] = (
    TTLibError,
    struct.error,
    zlib.error,
    EOFError,
    OSError,
    AssertionError,
    IndexError,
    KeyError,
    ValueError,
    TypeError,
    OverflowError,
)


class FontReadError(Exception):
    """A font file fontTools cannot read: damaged, or not a font (bad input, not our bug)."""


@contextmanager
def reading(what: str = "") -> Iterator[None]:
    """Errors raised while reading a font file, as ``FontReadError``."""
    try:
        yield
    except FONT_READ_ERRORS as exc:
        detail = str(exc) or type(exc).__name__
        raise FontReadError(f"{what}{detail}") from exc


def _open_face(src: Path, face_index: int) -> TTFont:
    if src.suffix.lower() in (".ttc", ".otc"):
        return TTFont(str(src), fontNumber=face_index, lazy=True)
    return TTFont(str(src), lazy=True)


def _full_em_glyph(font: TTFont, cmap: dict[int, str], cp: int) -> str | None:
    """A glyph for U+2014 that is one em wide: the face's own, else U+2015's."""
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    for candidate in (cp, 0x2015):
        name = cmap.get(candidate)
        if name is not None and hmtx[name][0] == upm:
            return name
    return cmap.get(cp)


def _draw(glyphset, name: str, is_cff: bool, dx: float = 0.0):
    """Draw one glyph as a quadratic TrueType glyph, optionally shifted by dx."""
    rec = DecomposingRecordingPen(glyphset)
    with reading(f"glyph {name}: "):  # the outline as the file has it
        glyphset[name].draw(rec)
    tt_pen = TTGlyphPen(None)
    target = TransformPen(tt_pen, (1, 0, 0, 1, dx, 0)) if dx else tt_pen
    pen = Cu2QuPen(target, max_err=1.0, reverse_direction=is_cff)
    rec.replay(pen)
    return tt_pen.glyph()


def _finish(fb: FontBuilder, font: TTFont) -> None:
    """The tables a derived font copies from its source: vertical metrics, OS/2, post, head."""
    hhea = font["hhea"]
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    fb.setupOS2(**_os2_values(font))
    fb.setupPost(keepGlyphNames=False)
    head = font["head"]
    fb.setupHead(
        unitsPerEm=head.unitsPerEm,
        fontRevision=head.fontRevision,
        created=head.created,
        modified=head.modified,
        macStyle=head.macStyle,
    )


def _name_strings(src_font: TTFont, family: str, style: str, ps_name: str, note: str) -> dict:
    name = src_font["name"]

    def get(nid: int) -> str:
        rec = name.getName(nid, 3, 1, 0x409) or name.getName(nid, 1, 0, 0)
        return rec.toUnicode() if rec else ""

    version = get(5) or "Version 1.000"
    return {
        "copyright": get(0),
        "familyName": family,
        "styleName": style,
        "uniqueFontIdentifier": f"{ps_name};{version}",
        "fullName": f"{family} {style}",
        "version": version,
        "psName": ps_name,
        "description": note,
        "licenseDescription": get(13),
        "licenseInfoURL": get(14),
    }


def _os2_values(src_font: TTFont) -> dict:
    os2 = src_font["OS/2"]
    keys = (
        "usWeightClass usWidthClass fsType ySubscriptXSize ySubscriptYSize "
        "ySubscriptXOffset ySubscriptYOffset ySuperscriptXSize ySuperscriptYSize "
        "ySuperscriptXOffset ySuperscriptYOffset yStrikeoutSize yStrikeoutPosition "
        "sFamilyClass achVendID fsSelection sTypoAscender sTypoDescender "
        "sTypoLineGap usWinAscent usWinDescent"
    ).split()
    values = {k: getattr(os2, k) for k in keys if hasattr(os2, k)}
    values["panose"] = os2.panose
    values["fsType"] = 0 if os2.fsType == 0 else os2.fsType
    for k in ("sxHeight", "sCapHeight"):
        if hasattr(os2, k):
            values[k] = getattr(os2, k)
    return values


def prepare_font(
    src: Path,
    out: Path,
    *,
    family: str,
    style: str,
    ps_name: str,
    face_index: int = 0,
    codepoints: Iterable[int] | None = None,
    note: str = "",
) -> PreparedFont:
    """Convert a face to a TrueType-outline font keeping the given code points.

    Code points the face lacks are skipped. Writes ``out`` and its metrics
    sidecar; returns what was written.
    """
    font = _open_face(src, face_index)
    is_cff = "CFF " in font or "CFF2" in font
    cmap = font.getBestCmap()
    wanted = sorted(set(coverage_codepoints() if codepoints is None else codepoints))
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    glyphset = font.getGlyphSet()

    src_for_cp: dict[int, str] = {}
    for cp in wanted:
        name = _full_em_glyph(font, cmap, cp) if cp == 0x2014 else cmap.get(cp)
        if name is not None:
            src_for_cp[cp] = name

    order = [".notdef"]
    glyphs = {".notdef": _draw(glyphset, font.getGlyphOrder()[0], is_cff)}
    metrics = {".notdef": (hmtx[font.getGlyphOrder()[0]][0], 0)}
    new_cmap: dict[int, str] = {}
    made: dict[tuple[str, int], str] = {}
    for cp, src_name in src_for_cp.items():
        advance = hmtx[src_name][0]
        dx = 0.0
        if advance < upm and cp in OPENING_MARKS + CLOSING_MARKS + CENTRED_MARKS:
            if cp in OPENING_MARKS:
                dx = upm - advance
            elif cp in CENTRED_MARKS:
                dx = (upm - advance) / 2
            advance = upm
        key = (src_name, int(dx))
        if key not in made:
            gname = f"g{len(order):05d}"
            made[key] = gname
            order.append(gname)
            glyphs[gname] = _draw(glyphset, src_name, is_cff, dx)
            metrics[gname] = (advance, 0)
        new_cmap[cp] = made[key]

    fb = FontBuilder(upm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(new_cmap)
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics(
        {g: (adv, getattr(glyf[g], "xMin", 0) if glyf[g].numberOfContours else 0) for g, (adv, _) in metrics.items()}
    )
    fb.setupNameTable(_name_strings(font, family, style, ps_name, note))
    _finish(fb, font)
    fb.font["head"].glyphDataFormat = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    fb.save(str(tmp))
    tmp.replace(out)
    metrics_path = write_metrics(metrics_path_for(out), fb.font, new_cmap, {g: m[0] for g, m in metrics.items()})
    return PreparedFont(out, metrics_path, len(order), len(new_cmap))


def _ranges(cps: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def metrics_path_for(font_path: Path) -> Path:
    """Where the metrics sidecar of a prepared font lives."""
    return font_path.with_name(font_path.name + METRICS_SUFFIX)


def write_metrics(path: Path, font: TTFont, cmap: dict[int, str], advances: dict[str, int]) -> Path:
    """Write the metrics sidecar: units per em, vertical metrics, coverage and
    the advances that differ from the most common one."""
    cps = sorted(cmap)
    widths = [advances[cmap[cp]] for cp in cps]
    default = max(set(widths), key=widths.count) if widths else font["head"].unitsPerEm
    data = {
        "version": METRICS_VERSION,
        "ps_name": font["name"].getDebugName(6),
        "units_per_em": font["head"].unitsPerEm,
        "ascent": font["hhea"].ascent,
        "descent": font["hhea"].descent,
        "default_advance": default,
        "coverage": _ranges(cps),
        "advances": {str(cp): w for cp, w in zip(cps, widths) if w != default},
    }
    _write_json(path, data)
    return path


def _write_json(path: Path, data: dict) -> None:
    """A metrics sidecar, compact and sorted, through a file of this process (workers may
    prepare at once)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _record(metrics: Path, key: str, entry: dict) -> None:
    """Record a companion file under ``key`` in a face's metrics sidecar."""
    data = json.loads(metrics.read_text(encoding="utf-8"))
    data[key] = entry
    _write_json(metrics, data)


# Marks whose outlines the preparation reads (punctuation fonts, widened quotes, the dash).
READ_MARKS = "“‘「『（［｛〔〖【《〈”’」』）］｝〕〗】》〉、，。．：；！？·・‧—―"


def read_font(src: Path, face_index: int = 0) -> None:
    """Read a user's font the way the preparation will: every table, the cmap, and the
    outlines of .notdef and the marks; ``FontReadError`` if the file is damaged. Our own
    processing of a font that reads cleanly is not guarded (its errors are our bugs)."""
    with reading():
        font = _open_face(src, face_index)
        font.ensureDecompiled(recurse=False)
        cmap = font.getBestCmap() or {}
        glyphset = font.getGlyphSet()
        names = {font.getGlyphOrder()[0]} | {cmap[ord(c)] for c in READ_MARKS if ord(c) in cmap}
        for name in sorted(names):
            glyphset[name].draw(ControlBoundsPen(glyphset))


NO_INK = ("Cc", "Cf", "Zs", "Zl", "Zp")  # controls, format characters, spaces: drawn as nothing


def inked(src: Path, face_index: int, chars: Iterable[str]) -> set[str]:
    """The characters of ``chars`` the face really draws: mapped by its cmap to a glyph
    other than .notdef, with an outline (format and space characters need none). A font
    whose cmap maps a character to an empty glyph or to .notdef claims what it lacks."""
    with reading():
        font = _open_face(src, face_index)
        cmap = font.getBestCmap() or {}
        notdef = font.getGlyphOrder()[0]
        glyphset = font.getGlyphSet()
        out = set()
        for ch in chars:
            name = cmap.get(ord(ch))
            if name is None or name == notdef:
                continue
            pen = ControlBoundsPen(glyphset)
            glyphset[name].draw(pen)
            if pen.bounds is not None or unicodedata.category(ch) in NO_INK:
                out.add(ch)
    return out


def is_embeddable_as_is(src: Path) -> bool:
    """True for a single-face TrueType-outline file reportlab can embed directly."""
    if src.suffix.lower() in (".ttc", ".otc"):
        return False
    font = TTFont(str(src), lazy=True)
    return "glyf" in font


def metrics_for_existing(font_path: Path, dest: Path) -> Path:
    """Write a metrics sidecar at ``dest`` for a glyf font used as it is."""
    font = TTFont(str(font_path), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    return write_metrics(dest, font, cmap, {g: hmtx[g][0] for g in set(cmap.values())})


def core_codepoints() -> list[int]:
    """The everyday set: every non-ideograph of the coverage below U+3400 and
    the full-width forms, plus the 6,763 hanzi of GB 2312."""
    out = [cp for cp in coverage_codepoints() if cp < 0x3400 or 0xFF00 <= cp <= 0xFFEF]
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return sorted(set(out))


def make_core(full: Path, ps_name: str) -> Path:
    """Write ``<full>.core.ttf``: the same font cut to ``core_codepoints()``.

    reportlab parses a font's whole cmap and metrics when it registers it
    (0.13 s for 32,000 glyphs); a page whose characters are all in the core
    registers this 7,000-glyph file instead. The sidecar of the full font
    records the core's name and coverage.
    """
    from fontTools import subset

    font = TTFont(str(full))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=core_codepoints())
    sub.subset(font)
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (3, 6):
            rec.string = ps_name
    out = full.with_name(full.stem + ".core.ttf")
    font.save(str(out))
    cps = sorted(font.getBestCmap())
    _record(metrics_path_for(full), "core", {"file": out.name, "ps_name": ps_name, "coverage": _ranges(cps)})
    return out


def _write_companion(
    font: TTFont,
    order: list[str],
    glyphs: dict,
    cmap: dict[int, str],
    advance: int,
    ps_name: str,
    family_suffix: str,
    out: Path,
    metrics: Path,
    key: str,
    entry: dict,
) -> Path:
    """Save a small punctuation font made from ``font``'s glyphs (every mark ``advance``
    units wide) and record it under ``key`` in the full font's metrics sidecar."""
    upm = font["head"].unitsPerEm
    fb = FontBuilder(upm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics(
        {g: (upm if g == ".notdef" else advance, glyf[g].xMin if glyf[g].numberOfContours else 0) for g in order}
    )
    name = font["name"]
    fb.setupNameTable(
        {
            "familyName": f"{name.getDebugName(1)} {family_suffix}",
            "styleName": name.getDebugName(2) or "Regular",
            "psName": ps_name,
            "copyright": name.getDebugName(0) or "",
            "licenseDescription": name.getDebugName(13) or "",
        }
    )
    _finish(fb, font)
    fb.save(str(out))
    _record(metrics, key, {"file": out.name, "ps_name": ps_name, **entry})
    return out


HALT_MARKS = "“‘「『（［｛〔〖【《〈”’」』）］｝〕〗】》〉、，。．：；！？·・‧"


def halt_offsets(font: TTFont) -> dict[int, int]:
    """For each CJK mark drawn in half its em box, the shift that puts it in a
    half-em box: 0 for marks inked in the left half (closing marks, and
    mainland 、，。), -½ em for marks in the right half (opening marks),
    -¼ em for centred marks (interpuncts). Read from the glyph outlines,
    so it works for any face (Noto's GPOS 'halt' gives the same values)."""
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    hmtx = font["hmtx"]
    out: dict[int, int] = {}
    for ch in HALT_MARKS:
        name = cmap.get(ord(ch))
        if name is None or hmtx[name][0] != upm:
            continue
        g = glyf[name]
        if g.numberOfContours == 0:
            continue
        if g.xMax <= upm * 0.55:
            out[ord(ch)] = 0
        elif g.xMin >= upm * 0.45:
            out[ord(ch)] = -upm // 2
        elif g.xMin >= upm * 0.2 and g.xMax <= upm * 0.8:
            out[ord(ch)] = -upm // 4
    return out


def make_halt(full: Path, ps_name: str, out: Path | None = None, metrics: Path | None = None) -> Path:
    """Write ``<full>.halt.ttf``: the face's compressible marks, each half an em
    wide (标点挤压). reportlab cannot apply GPOS, so compressed marks are drawn
    from this font; the text (and ToUnicode) stays the same characters."""
    font = TTFont(str(full))
    upm = font["head"].unitsPerEm
    offsets = halt_offsets(font)
    cmap = font.getBestCmap()
    glyphset = font.getGlyphSet()
    order = [".notdef"]
    glyphs = {".notdef": _draw(glyphset, font.getGlyphOrder()[0], False)}
    new_cmap: dict[int, str] = {}
    for cp, dx in sorted(offsets.items()):
        gname = f"h{cp:04X}"
        order.append(gname)
        glyphs[gname] = _draw(glyphset, cmap[cp], False, dx)
        new_cmap[cp] = gname
    entry = {"offsets": {str(k): v for k, v in offsets.items()}}
    out = out or full.with_name(full.stem + ".halt.ttf")
    return _write_companion(
        font, order, glyphs, new_cmap, upm // 2, ps_name, "Halt", out, metrics or metrics_path_for(full), "halt", entry
    )


HANT_CENTRED_MARKS = "、，。．：；！？"


def make_hant(full: Path, ps_name: str, out: Path | None = None, metrics: Path | None = None) -> Path:
    """Write ``<full>.hant.ttf``: the pause and stop marks centred in their em box,
    as Taiwan and Hong Kong set them (mainland faces put them at the lower left;
    clreq §3.1.2). Full width; drawn for zh-Hant pages in place of the face's own."""
    font = TTFont(str(full))
    upm = font["head"].unitsPerEm
    os2 = font["OS/2"]
    centre_y = (os2.sTypoAscender + os2.sTypoDescender) / 2
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    glyphset = font.getGlyphSet()
    order = [".notdef"]
    glyphs = {".notdef": _draw(glyphset, font.getGlyphOrder()[0], False)}
    new_cmap: dict[int, str] = {}
    for ch in HANT_CENTRED_MARKS:
        name = cmap.get(ord(ch))
        if name is None or glyf[name].numberOfContours == 0 or font["hmtx"][name][0] != upm:
            continue
        g = glyf[name]
        dx = (upm - g.xMin - g.xMax) / 2
        dy = centre_y - (g.yMin + g.yMax) / 2
        rec = DecomposingRecordingPen(glyphset)
        glyphset[name].draw(rec)
        pen = TTGlyphPen(None)
        rec.replay(TransformPen(pen, (1, 0, 0, 1, round(dx), round(dy))))
        gname = f"c{ord(ch):04X}"
        order.append(gname)
        glyphs[gname] = pen.glyph()
        new_cmap[ord(ch)] = gname
    entry = {"marks": "".join(chr(c) for c in sorted(new_cmap))}
    out = out or full.with_name(full.stem + ".hant.ttf")
    return _write_companion(
        font, order, glyphs, new_cmap, upm, ps_name, "Hant", out, metrics or metrics_path_for(full), "hant", entry
    )


# The Han–Latin gap carried by Latin glyphs (drawn by layout.draw.pdf; see make_gap).
# Characters at the edge of a Latin run (breaker.LATIN_RUN): ASCII, Latin-1 and
# Latin Extended-A/B, and the closing signs a run may end with.
GAP_REPERTOIRE = (*range(0x21, 0x7F), *range(0xA0, 0x250), 0x2019, 0x2030, 0x2103)
GAP_PAD_EM = 0.25  # the gap a padded glyph carries (the breaker's Han–Latin gap)
GAP_VARIANTS = {"lead": (1, 0), "trail": (0, 1), "both": (1, 1)}  # em-quarters before, after the ink


def _shift_composite(glyph, pad: int) -> None:
    """Offsets of a composite glyph's components such that its ink moves ``pad`` units right
    when every simple glyph has moved that much (a component drawn at scale ``xx`` moved
    ``pad·xx`` with its glyph already)."""
    for component in glyph.components:
        if not hasattr(component, "x"):  # placed by matching points: follows its glyphs
            continue
        xx, xy = component.transform[0] if hasattr(component, "transform") else (1, 0)
        component.x += round(pad - pad * xx)
        component.y -= round(pad * xy)


def _padded(full: Path, lead: int, trail: int, ps_name: str) -> TTFont:
    """``full`` cut to its GAP_REPERTOIRE glyphs, each GAP_PAD_EM wider before (``lead``)
    and/or after (``trail``) its ink; named ``ps_name``."""
    from fontTools import subset

    font = TTFont(str(full), recalcTimestamp=False, lazy=True)
    cmap = font.getBestCmap() or {}
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[cp for cp in GAP_REPERTOIRE if cp in cmap])
    sub.subset(font)
    pad = round(font["head"].unitsPerEm * GAP_PAD_EM)
    glyf, hmtx = font["glyf"], font["hmtx"]
    names = font.getGlyphOrder()[1:]  # .notdef stays as it is
    if lead:  # simple glyphs first: a composite's bounds are those of its moved components
        for name in names:
            glyph = glyf[name]
            if glyph.isComposite():
                _shift_composite(glyph, pad)
            elif glyph.numberOfContours:
                glyph.coordinates.translate((pad, 0))
    for name in names:
        glyph = glyf[name]
        if lead and glyph.numberOfContours:
            glyph.recalcBounds(glyf)
        advance = hmtx[name][0]
        hmtx[name] = (advance + pad * (lead + trail), glyph.xMin if glyph.numberOfContours else 0)
    for rec in font["name"].names:
        if rec.nameID in (3, 6):
            rec.string = ps_name
    return font


def _save_atomic(font: TTFont, out: Path) -> None:
    """Save ``font`` at ``out`` through a file of this process (workers may prepare at once)."""
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    font.save(str(tmp))
    tmp.replace(out)


def make_gap(full: Path, ps_base: str, stem: Path | None = None, metrics: Path | None = None) -> list[Path]:
    """Write ``<stem>.gaplead.ttf``, ``.gaptrail.ttf`` and ``.gapboth.ttf`` (``stem``: ``full``
    without its suffix): the face's Latin glyphs, each a quarter em wider before its ink
    (outline moved right), after it, or both, named ``<ps_base>-GapLead`` etc. A Latin glyph
    beside a Han–Latin gap is drawn from them, so the gap is inside its advance and text
    extractors read no space there. Recorded under "gap" in the metrics sidecar."""
    stem = stem or full.with_name(full.stem)
    entry: dict = {"pad_em": GAP_PAD_EM}
    written = []
    for variant, (lead, trail) in GAP_VARIANTS.items():
        ps_name = f"{ps_base}-Gap{variant.capitalize()}"
        out = stem.with_name(f"{stem.name}.gap{variant}.ttf")
        font = _padded(full, lead, trail, ps_name)
        _save_atomic(font, out)
        entry[variant] = {"file": out.name, "ps_name": ps_name}
        entry["coverage"] = _ranges(sorted(font.getBestCmap() or {}))  # none: a face without Latin
        written.append(out)
    _record(metrics or metrics_path_for(full), "gap", entry)
    return written
