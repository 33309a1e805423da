"""Vertical cuts (竖排): a face's glyphs turned for a vertical line, made on demand (stage 4 helper).

Input: a ``FontFace``, a kind of cut, the characters a page draws with it, the page's language.
Output: a ``Companion``: a small TrueType file in the cache (``BANMIAN_CACHE/vertical/``) holding
only those characters, and its PostScript name, for the drawing stage to register with reportlab.

A vertical line is drawn as one string whose text matrix is turned 90° clockwise
(``0 -1 1 0 X Y Tm``: text x runs down the page, text y to the page's right; see
notes/vertical.md). reportlab applies no GSUB, so the glyphs are turned here, in font units:

- an upright character (``lang/vertical.py``: Han, kana, full-width forms) is turned 90°
  counter-clockwise about its em box's centre, that centre put on text y = 0 and half its
  advance down the line: a point (u, v) of the glyph goes to (A/2 + c − v, u − A/2), A its
  horizontal advance, c the em box's centre above the baseline ((typo ascender + descender) / 2);
- a rotated character (Latin, brackets, quotes, dashes) keeps its outline, moved across the line
  so its em box (Latin) or its ink (brackets, quotes, dashes, ellipses, wave dashes) is centred on
  y = 0; ：； also centred along the line;
- vertical forms of the marks, synthesised from the outlines: zh-Hans 、。，． moved from the
  lower left to the upper right quadrant (their ink's centre reflected through the em box's,
  kept inside it), zh-Hant ones and ！？ centred; zh-Hans quotes drawn with the corner brackets'
  glyphs.

Every glyph keeps its character's horizontal advance (the breaker measures with it), so the
cut's cmap, and the ToUnicode reportlab writes from it, is the source's: text extracts as it was.
Kinds: "full"; "half" (compressed marks: half an em of advance, the ink moved into it as
``prepare.halt_offsets`` reads outlines, here the turned ones); "lead", "trail", "both" (rotated
Latin carrying the Han–Latin gap in its advance, as the face's .gap*.ttf do horizontally);
"tcy{n}.{i}" (縱中橫: the i-th of n digits set upright side by side in one em: each advances
1/n em down the line and its outline is moved back up, so all n share the cell and extraction
reads them in order; condensed to 1/n em when wider).

A cut is named by a digest of the font file's identity (path, size, modification time), the
kind, language and characters, written atomically, and has the same bytes for the same input
(the source's head dates, glyph order by code point). fontTools is imported only to make one.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from layout.fonts.metrics import Companion, FontFace
from layout.fonts.resolve import cache_dir
from layout.lang.vertical import (
    CENTRED,
    CORNER,
    ROTATED,
    ROTATED_CENTRED,
    ROTATED_INK,
    UPRIGHT,
    drawn_as,
    orientation,
    tables_digest,
)

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

# What a cut holds depends on this code (bump FORMAT when its geometry changes) and on the
# orientation tables (their digest): both name the cache file and the font.
FORMAT = f"2-{tables_digest()}"
PLAIN_KINDS = ("full", "half", "lead", "trail", "both")
GAP_SIDES = {"lead": (1, 0), "trail": (0, 1), "both": (1, 1)}  # pads before, after the ink
_TCY = re.compile(r"^tcy([1-9])\.([0-9])$")
_UPRIGHT = (UPRIGHT, CORNER, CENTRED)

Matrix = tuple[float, float, float, float, float, float]  # fontTools' (xx, xy, yx, yy, dx, dy)
Bounds = tuple[float, float, float, float]  # xMin, yMin, xMax, yMax


@dataclass(frozen=True)
class Em:
    """What a placement needs of the face: units per em, its em box's centre above the baseline
    ((typo ascender + typo descender) / 2: 380 for Noto's 880/−120) and the Han–Latin gap in units."""

    upm: int
    centre: float
    pad: int


@dataclass(frozen=True)
class Placement:
    """Where a character's glyph goes in the cut: the matrix applied to its outline, its advance."""

    matrix: Matrix
    advance: int


def tcy_kind(n: int, i: int) -> str:
    """The kind of cut that draws the ``i``-th (from 0) of ``n`` digits set upright in one em."""
    return f"tcy{n}.{i}"


def check_kind(kind: str) -> None:
    """Raise ValueError for a kind that is not a cut's."""
    m = _TCY.match(kind)
    if kind not in PLAIN_KINDS and not (m and int(m.group(2)) < int(m.group(1))):
        raise ValueError(f"not a kind of vertical cut: {kind!r}")


def placement(ch: str, kind: str, lang: str, advance: int, bounds: Bounds | None, em: Em) -> Placement:
    """How ``ch`` (horizontal ``advance``, its glyph's ink ``bounds``, None: no ink) is drawn in a
    ``kind`` cut for ``lang``: the matrix that turns or moves its outline, and its advance."""
    m = _TCY.match(kind)
    if m:
        return _tcy(int(m.group(1)), int(m.group(2)), advance, em)
    orient = orientation(ch, lang)
    if orient == UPRIGHT and advance != em.upm:
        orient = ROTATED  # a proportional glyph (§, ×) lies with the Latin: the breaker measured its advance
    du, dv = _moved(orient, advance, bounds, em.centre)
    if orient in _UPRIGHT:
        matrix: Matrix = (0, 1, -1, 0, advance / 2 + em.centre - dv, du - advance / 2)
    else:
        matrix = (1, 0, 0, 1, du, dv)
    if kind == "half":
        along = _along(matrix, bounds)
        shift = _half_shift(along, em.upm) if along else 0
        return Placement(_shifted(matrix, shift), em.upm // 2)
    lead, trail = GAP_SIDES.get(kind, (0, 0))
    return Placement(_shifted(matrix, em.pad * lead), advance + em.pad * (lead + trail))


def _moved(orient: str, advance: int, bounds: Bounds | None, centre: float) -> tuple[float, float]:
    """How far the outline moves (du, dv) in the horizontal em box before it is turned."""
    if bounds is None:
        return (0.0, 0.0) if orient in _UPRIGHT else (0.0, -centre)
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    if orient == CORNER:  # the ink's centre reflected through the em box's (lower left → upper right),
        du, dv = advance - 2 * cx, 2 * centre - 2 * cy  # kept inside the em box (a comma's tail)
        return du - max(0.0, bounds[2] + du - advance), dv - max(0.0, bounds[3] + dv - centre - advance / 2)
    if orient == CENTRED:
        return advance / 2 - cx, centre - cy
    if orient == ROTATED_INK:
        return 0.0, -cy
    if orient == ROTATED_CENTRED:
        return advance / 2 - cx, -cy
    return (0.0, 0.0) if orient == UPRIGHT else (0.0, -centre)


def _along(matrix: Matrix, bounds: Bounds | None) -> tuple[float, float] | None:
    """The ink's extent along the line (text x) once ``matrix`` is applied."""
    if bounds is None:
        return None
    xx, _, yx, _, dx, _ = matrix
    xs = [xx * x + yx * y + dx for x in (bounds[0], bounds[2]) for y in (bounds[1], bounds[3])]
    return min(xs), max(xs)


def _half_shift(along: tuple[float, float], upm: int) -> int:
    """The shift that puts a mark's ink in half an em, as ``prepare.halt_offsets`` reads it: −¼ em
    for ink about the middle of the em (centred marks: ：；, zh-Hant 、。), 0 for ink in the first
    half along the line, −½ em in the second; else the ink centred in the half em."""
    x0, x1 = along
    middle = (x0 + x1) / 2
    if abs(middle - upm / 2) <= upm * 0.05:
        return -(upm // 4)
    if x1 <= upm * 0.55:
        return 0
    if x0 >= upm * 0.45:
        return -(upm // 2)
    return round(upm / 4 - middle)


def _shifted(matrix: Matrix, dx: float) -> Matrix:
    xx, xy, yx, yy, x, y = matrix
    return (xx, xy, yx, yy, x + dx, y)


def _tcy(n: int, i: int, advance: int, em: Em) -> Placement:
    """The ``i``-th of ``n`` digits upright in one em cell: its slot is 1/n em wide across the line,
    left to right; its pen advances 1/n em down the line, its outline moved back up by i/n em so
    every digit's em box is the cell's; condensed across to fit its slot."""
    w = em.upm / n
    f = min(1.0, w / advance) if advance else 1.0
    dx = em.upm / 2 + em.centre - i * w
    dy = -em.upm / 2 + i * w + (w - f * advance) / 2
    return Placement((0, f, -1, 0, dx, dy), round((i + 1) * w) - round(i * w))


# --- the cut on disk ---------------------------------------------------------------------------

_MADE: dict[tuple, Companion] = {}  # cuts found or made in this process


def cut(face: FontFace, kind: str, chars: Iterable[str], *, lang: str = "zh-Hans") -> Companion:
    """The vertical cut of ``face`` of this ``kind`` for ``lang`` holding ``chars``: from the cache,
    or made now (fontTools) and cached. ValueError for an unknown kind or language."""
    check_kind(kind)
    if lang not in ("zh-Hans", "zh-Hant"):
        raise ValueError(f"not a language of vertical cuts: {lang!r}")
    text = "".join(sorted(set(chars)))
    st = face.path.stat()
    memo = (str(face.path.absolute()), st.st_size, st.st_mtime_ns, kind, lang, text)
    known = _MADE.get(memo)
    if known is not None and known.path.is_file():
        return known
    name = hashlib.sha256("\n".join(map(str, (FORMAT, *memo))).encode("utf-8")).hexdigest()[:32]
    path = cache_dir() / "vertical" / f"{name}.ttf"
    made = Companion(path, ps_name(face, st.st_size, kind, lang, text))
    if not path.is_file():
        _write(path, build(face, kind, text, lang, made.ps_name))
    _MADE[memo] = made
    return made


def ps_name(face: FontFace, size: int, kind: str, lang: str, text: str) -> str:
    """A cut's PostScript name: the face's, and a digest of what the cut holds (not of where or
    when its file was made, so the same page draws the same bytes on any machine)."""
    what = "\n".join(map(str, (FORMAT, face.ps_name, size, face.units_per_em, kind, lang, text)))
    base = re.sub(r"[^A-Za-z0-9-]", "", face.ps_name)[:36]
    return f"{base}-V{hashlib.sha256(what.encode('utf-8')).hexdigest()[:12]}"


def _write(path: Path, data: bytes) -> None:
    """Write a cut whole or not at all (workers may make the same cut at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def build(face: FontFace, kind: str, text: str, lang: str, ps: str) -> bytes:
    """The bytes of a cut: ``text``'s characters the face has, each placed as ``placement`` says."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.boundsPen import ControlBoundsPen

    font = _source(face.path)
    upm = font["head"].unitsPerEm
    os2 = font["OS/2"]
    pad = round(upm * (face.gap.pad_em if face.gap else 0.25))
    em = Em(upm, (os2.sTypoAscender + os2.sTypoDescender) / 2, pad)
    cmap = font.getBestCmap() or {}
    hmtx = font["hmtx"]
    glyphset = font.getGlyphSet()
    is_cff = "CFF " in font or "CFF2" in font
    notdef = font.getGlyphOrder()[0]
    order, glyphs, advances, new_cmap = [".notdef"], {".notdef": _outline(glyphset, notdef, None, is_cff)}, {}, {}
    advances[".notdef"] = hmtx[notdef][0]
    for ch in text:
        name = cmap.get(ord(drawn_as(ch, lang))) or cmap.get(ord(ch))
        if name is None:
            continue
        pen = ControlBoundsPen(glyphset)
        glyphset[name].draw(pen)
        own = cmap.get(ord(ch), name)
        where = placement(ch, kind, lang, hmtx[own][0], pen.bounds, em)
        gname = f"v{ord(ch):05X}"
        order.append(gname)
        glyphs[gname] = _outline(glyphset, name, where.matrix, is_cff)
        advances[gname] = where.advance
        new_cmap[ord(ch)] = gname
    fb = FontBuilder(upm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(new_cmap)
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    fb.setupHorizontalMetrics({g: (advances[g], glyf[g].xMin if glyf[g].numberOfContours else 0) for g in order})
    _tables(fb, font, ps, f"{kind} {lang}")
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


_SOURCES: dict[tuple, TTFont] = {}  # the last fonts opened to make cuts (a page makes several of a face)
SOURCES_KEPT = 3


def _source(path: Path) -> TTFont:
    """The font file ``path`` opened with fontTools (lazily), kept while unchanged for the next cut."""
    from fontTools.ttLib import TTFont

    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    font = _SOURCES.pop(key, None) or TTFont(str(path), lazy=True)
    _SOURCES[key] = font  # the most recently used last
    while len(_SOURCES) > SOURCES_KEPT:
        del _SOURCES[next(iter(_SOURCES))]
    return font


def _outline(glyphset, name: str, matrix: Matrix | None, is_cff: bool):
    """One glyph as a quadratic TrueType glyph, its outline transformed by ``matrix``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    rec = DecomposingRecordingPen(glyphset)
    glyphset[name].draw(rec)
    tt_pen = TTGlyphPen(None)
    target = TransformPen(tt_pen, matrix) if matrix else tt_pen
    rec.replay(Cu2QuPen(target, max_err=1.0, reverse_direction=is_cff))
    return tt_pen.glyph()


def _tables(fb, font, ps: str, what: str) -> None:
    """Name, metrics, OS/2, post and head of a cut: the source's, its em box centred on y = 0
    (text y is across the line: ascent and descent ½ em each side of the centre line)."""
    from layout.fonts.prepare import _name_strings, _os2_values

    upm = font["head"].unitsPerEm
    half = upm // 2
    family = f"{font['name'].getDebugName(1) or ps} Vertical"
    fb.setupNameTable(_name_strings(font, family, "Regular", ps, f"Vertical cut ({what}) made by Banmian"))
    fb.setupHorizontalHeader(ascent=upm - half, descent=-half, lineGap=0)
    values = _os2_values(font)
    values.update(sTypoAscender=upm - half, sTypoDescender=-half, sTypoLineGap=0)
    values.update(usWinAscent=upm - half, usWinDescent=half)
    fb.setupOS2(**values)
    fb.setupPost(keepGlyphNames=False)
    head = font["head"]
    fb.setupHead(
        unitsPerEm=upm,
        fontRevision=head.fontRevision,
        created=head.created,
        modified=head.modified,
        macStyle=head.macStyle,
    )
    fb.font["head"].glyphDataFormat = 0
