"""Drawing (stage 4): the only module that talks to reportlab.

Input: a ``PageFrame`` (positioned items) and the font faces it names.
Output: the PDF as bytes. No layout decisions are made here.

Everything is drawn in pure black ink (DeviceCMYK 0/0/0/1), never
reportlab's default RGB black, which separates to a four-colour rich
black. Photos are converted to grayscale (K) and cropped to fill their box.
Output is deterministic: reportlab's ``invariant`` mode fixes IDs, and the dates are
the document's own time (the page's date or SOURCE_DATE_EPOCH), never the clock.
Han–Latin gaps are carried in the advance of the Latin glyph beside them, drawn from
the face's padded companions (``FontFace.gap``, made at build time by
``prepare.make_gap``), so text copied or searched in the PDF is the source text:
drawn as a jump of the text position, every extractor reads the gap as a word space
(poppler breaks a word at a gap over 0.1 em, MuPDF after Latin at 0.15 em, both measured
from the end of a glyph's advance, and neither honours an ActualText that repeats the
drawn characters). A padded glyph's ink lands where it did; its characters, and the
ToUnicode map, are the same. A line justified so loosely that its glyphs stand a word
space apart anyway is wrapped in a span whose ActualText is the line's text (poppler and
Acrobat read it; MuPDF adds spaces only after Latin, which the padding covers).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import layout.draw.lazyimage  # noqa: F401  before reportlab, which imports PIL.Image at once

# isort: split
from reportlab import rl_config
from reportlab.lib.colors import CMYKColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.utils import ImageReader, TimeStamp
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from layout import raster
from layout.draw.subset import make_subset
from layout.errors import InputError
from layout.fonts.metrics import Companion, FontFace, GapFonts
from layout.frame import AdItem, ImageItem, Item, MarkItem, PageFrame, RuleItem, TextItem
from layout.inline.breaker import Run

if TYPE_CHECKING:
    from layout.draw.tone import PhotoInk
    from layout.post.direct import Packer

K100 = CMYKColor(0, 0, 0, 1)
PLACEHOLDER_TINT = CMYKColor(0, 0, 0, 0.12)
KEYLINE_WEIGHT = 0.3  # points: a keyline on the plate (GWG: K lines of 0.25 pt or more)
MAX_PPI = 300  # photos are downsampled above this at their placed size


_CODES = [f"<{i:02X}> <" for i in range(256)]  # a subset's code, as its CMap line starts
_UNICODE: dict[int, str] = {}  # code point → its UTF-16 in hexadecimal and ">", as a CMap line ends


def _utf16(v: int) -> str:
    """``v`` in UTF-16, hexadecimal: code points above U+FFFF as surrogate pairs."""
    s = _UNICODE.get(v)
    if s is None:
        if v <= 0xFFFF:
            s = f"{v:04X}>"
        else:
            w = v - 0x10000
            s = f"{0xD800 + (w >> 10):04X}{0xDC00 + (w & 0x3FF):04X}>"
        _UNICODE[v] = s
    return s


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with code points above U+FFFF written as
    UTF-16 surrogate pairs (reportlab writes them as <%04X>, which extractors
    misread: 𬌗 came out as ⰱ)."""
    head = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
        f"<< /Registry ({fontname})\n/Ordering ({fontname})\n/Supplement 0\n>> def\n"
        f"/CMapName /{fontname} def\n/CMapType 2 def\n"
        f"1 begincodespacerange\n<00> <{len(subset) - 1:02X}>\nendcodespacerange\n{len(subset)} beginbfchar\n"
    )
    body = "\n".join([_CODES[i] + _utf16(v) for i, v in enumerate(subset)])
    return head + body + "\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by reportlab when it writes a subset


_PACKER: ContextVar[Packer | None] = ContextVar("banmian_packer", default=None)


_PROGRAMS: WeakKeyDictionary[ttfonts.TTFontFile, OrderedDict[tuple[int, ...], bytes]] = WeakKeyDictionary()
PROGRAMS_KEPT = 48  # subsets remembered per face, the least recently used first out


def _make_subset(self: ttfonts.TTFontFile, subset: list[int]) -> bytes:
    """reportlab's ``makeSubset`` (the same bytes, faster: draw/subset.py), remembered per
    face and codes (a page drawn again in one process, --watch or an edition's worker,
    makes many of the same subsets; a face read again from a changed file is another
    face), the font program also handed to the page's packer (post/direct.py), which
    compresses it on another thread while reportlab writes on."""
    made = _PROGRAMS.get(self)
    if made is None:
        made = _PROGRAMS[self] = OrderedDict()
    key = tuple(subset)
    program = made.pop(key, None)  # put back last: the most recently used
    if program is None:
        program = make_subset(self, subset)
    made[key] = program
    while len(made) > PROGRAMS_KEPT:
        made.popitem(last=False)
    packer = _PACKER.get()
    if packer is not None:
        packer.add(program)
    return program


ttfonts.TTFontFile.makeSubset = _make_subset  # type: ignore[method-assign]

_FORMATTED: dict[float, bytes] = {}


def _format(element: object, document: object, toplevel: int = 0, _format=pdfdoc.format) -> bytes:
    """reportlab's ``pdfdoc.format`` with numbers' bytes remembered (a page's subsets' widths
    are thousands of them, each formatted and encoded anew)."""
    kind = type(element)
    if kind is int or kind is float:
        out = _FORMATTED.get(element)  # type: ignore[arg-type]
        if out is None:
            if len(_FORMATTED) > 100_000:
                _FORMATTED.clear()
            out = _FORMATTED[element] = _format(element, document, toplevel)  # type: ignore[index]
        return out
    return _format(element, document, toplevel)


pdfdoc.format = _format

_NOT_PDFDOC = re.compile("[\x18-\x1f]")  # ASCII that PDFDocEncoding lacks: reportlab's codec refuses it


def _pdfdoc_encoded(x: str | bytes, _encoded=pdfdoc.pdfdocEnc) -> bytes:
    """reportlab's ``pdfdocEnc``, ASCII text (a page's content, its CMaps: nearly every byte
    of the file) encoded as ASCII, which PDFDocEncoding is there, not through the codec's
    table, character by character."""
    if isinstance(x, str) and x.isascii() and not _NOT_PDFDOC.search(x):
        return x.encode("ascii")
    return _encoded(x)


pdfdoc.pdfdocEnc = _pdfdoc_encoded


def register_variant_fonts(faces: Iterable[FontFace], used: dict[str, set[str]]) -> dict[str, str]:
    """Register the punctuation fonts a page uses: "key/half" (marks in half an em)
    and "key/centred" (zh-Hant marks centred); returns "key/variant" → reportlab name."""
    names = {}
    for face in faces:
        for variant, path, ps in (
            ("half", face.halt_path, face.halt_ps_name),
            ("centred", face.hant_path, face.hant_ps_name),
        ):
            if used.get(f"{face.key}/{variant}") and path is not None:
                names[f"{face.key}/{variant}"] = _register(ps, path)
    return names


def _register(name: str, path: Path) -> str:
    """Register the font file ``path`` with reportlab as ``name``, from its cached parse,
    once per process while the file is unchanged (draw/fontcache.py); returns ``name``."""
    from layout.draw.fontcache import register

    return register(name, path)


def register_vertical_fonts(faces: dict[str, FontFace], used: dict[str, set[str]]) -> dict[str, str]:
    """Make (or find in the cache) and register the vertical cuts a page uses ("v:key:kind:lang"
    → reportlab name; fonts/vertical.py)."""
    from layout.fonts.vertical import cut  # vertical lines only

    names = {}
    for key, chars in used.items():
        if key.startswith("v:"):
            face_key, kind, lang = key[2:].rsplit(":", 2)
            names[key] = _registered(cut(faces[face_key], kind, chars, lang=lang))
    return names


def _registered(companion: Companion) -> str:
    """The reportlab name of a companion font, registered when a page first uses it."""
    return _register(companion.ps_name, companion.path)


def _face_file(face: FontFace, chars: set[str]) -> tuple[str, Path]:
    """The reportlab name and file a face is drawn from on this page: its core cut
    (7,000 glyphs) when the page's characters allow, else the full font (32,000):
    reportlab parses a whole font at registration, and this is most of its cost."""
    if face.core_covers(chars) and face.core_path is not None:
        return face.core_ps_name, face.core_path
    return face.ps_name, face.path


def register_fonts(faces: Iterable[FontFace], used: dict[str, set[str]]) -> dict[str, str]:
    """Register each face once per process; returns style key → reportlab name."""
    names = {}
    for face in faces:
        names[face.key] = _register(*_face_file(face, used.get(face.key, set())))
    return names


def _chars_by_font(frame: PageFrame, label_font: str, faces: dict[str, FontFace] | None = None) -> dict[str, set[str]]:
    """The characters drawn with each font: by style key, "key/variant" (punctuation fonts) and,
    for vertical lines, "v:key:kind:lang" (the vertical cuts, ``_vertical_pieces``)."""
    texts: dict[str, list[str]] = {label_font: ["照片超版字，图片未排入0123456789 "]}
    for item in frame.items:
        if isinstance(item, TextItem) and item.vertical:
            for _, pieces in _vertical_pieces(item, faces or {}):
                for text, _, key in pieces:
                    texts.setdefault(key, []).append(text)
        elif isinstance(item, TextItem):
            for run in item.runs:
                if not run.variant:
                    key = item.font
                elif run.variant.startswith("fb:"):
                    key = run.variant[3:]  # a fallback face, registered like any other
                else:
                    key = f"{item.font}/{run.variant}"
                texts.setdefault(key, []).append(run.text)
        elif isinstance(item, AdItem) and item.file is None:
            texts[label_font].append(item.label)
    return {key: set("".join(parts)) for key, parts in texts.items()}


GAP_MIN_EM = 0.1  # a jump this wide reads as a word space: poppler breaks words at 0.1 em, MuPDF at 0.15


def _pieces(
    runs: tuple[Run, ...], k: int, size: float, font: str, gaps: GapFonts | None
) -> list[tuple[str, float, str]]:
    """Run ``k`` as (text, x from the run's x, gap variant or ""): a Latin glyph beside a
    Han–Latin gap is drawn from a padded companion that carries the gap in its advance
    ("lead": the gap before it, drawn that much further left; "trail": after it; "both")."""
    run = runs[k]
    lead, trail = _sides(runs, k, size, gaps)
    if gaps is None or not (lead or trail):
        return [(run.text, 0.0, "")]
    pad = gaps.pad_em * size
    if len(run.text) == 1:
        return [(run.text, -pad if lead else 0.0, "both" if lead and trail else ("lead" if lead else "trail"))]
    pieces = []
    first, last = (1 if lead else 0), len(run.text) - (1 if trail else 0)
    if lead:
        pieces.append((run.text[0], -pad, "lead"))
    if last > first:
        dx = pdfmetrics.stringWidth(run.text[:first], font, size) + first * run.char_space
        pieces.append((run.text[first:last], dx, ""))
    if trail:
        dx = pdfmetrics.stringWidth(run.text[:-1], font, size) + (len(run.text) - 1) * run.char_space
        pieces.append((run.text[-1], dx, "trail"))
    return pieces


def _sides(runs: tuple[Run, ...], k: int, size: float, gaps: GapFonts | None) -> tuple[bool, bool]:
    """Whether run ``k``'s first glyph carries the gap before it ("lead") and its last glyph
    the gap after it ("trail"): a gap at least ``GAP_MIN_EM``, a Latin glyph the padded
    companions have, a run in the face itself (not a punctuation variant)."""
    run = runs[k]
    if gaps is None or run.variant:
        return False, False
    least = GAP_MIN_EM * size
    before = run.x - (runs[k - 1].x + runs[k - 1].width) if k else 0.0
    after = runs[k + 1].x - (run.x + run.width) if k + 1 < len(runs) else 0.0
    return before >= least and run.text[0] in gaps.chars, after >= least and run.text[-1] in gaps.chars


def _padded(runs: tuple[Run, ...], k: int, size: float, gaps: GapFonts | None) -> float:
    """How much of the jump after run ``k`` padded glyphs carry (see ``_pieces``)."""
    if gaps is None or k + 1 >= len(runs):
        return 0.0
    carried = _sides(runs, k, size, gaps)[1] + _sides(runs, k + 1, size, gaps)[0]
    return gaps.pad_em * size * carried


def _spread(item: TextItem, gaps: GapFonts | None) -> bool:
    """A line justified so loosely that glyphs stand a word space apart, even with the
    Han–Latin gaps carried by padded glyphs: an extractor would read spaces there."""
    least = GAP_MIN_EM * item.size
    runs = item.runs
    if any(len(r.text) > 1 and r.char_space >= least for r in runs):
        return True
    return any(
        runs[k + 1].x - (runs[k].x + runs[k].width) - _padded(runs, k, item.size, gaps) >= least
        for k in range(len(runs) - 1)
    )


def _actual_text(text: str) -> str:
    """A marked-content span whose ActualText is ``text`` (UTF-16BE with its byte-order mark)."""
    return f"/Span << /ActualText <FEFF{text.encode('utf-16-be').hex().upper()}> >> BDC"


class _Pen:
    """Text operators written straight into a canvas's page, character for character as
    reportlab's text object writes them (``BT``, the fill colour, per piece ``Tm``, ``Tc``
    and the subsets' ``Tf``/``Tj``, ``ET``), without its cost per call: numbers formatted
    once per value, fonts, subset names and fill colours looked up once per page, and a
    string's subset codes read from the font's assignments (reportlab's ``splitString``
    only for characters the page has not used yet, which it assigns)."""

    def __init__(self, c: Canvas) -> None:
        self.c = c
        self.doc = c._doc
        self._fills: dict[tuple, str] = {}
        self._fonts: dict[str, ttfonts.TTFont] = {}
        self._names: dict[tuple[str, int], str] = {}

    def fill(self, colour: CMYKColor) -> str:
        """The fill colour's operators, as a text object writes them (its side effects on the
        document, the PDF version for alpha, happen the first time)."""
        key = (colour.cyan, colour.magenta, colour.yellow, colour.black, colour.density, colour.alpha)
        op = self._fills.get(key) if not colour.spotName else None
        if op is None:
            t = self.c.beginText()
            t.setFillColor(colour)
            op = " ".join(t._code[2:])  # after BT and the origin every text object starts with
            if not colour.spotName:
                self._fills[key] = op
        return op

    def font(self, name: str) -> ttfonts.TTFont:
        font = self._fonts.get(name)
        if font is None:
            font = self._fonts[name] = pdfmetrics.getFont(name)
        return font

    def subset_name(self, font: ttfonts.TTFont, subset: int) -> str:
        key = (font.fontName, subset)
        name = self._names.get(key)
        if name is None:  # the first call names the font in the document
            name = self._names[key] = font.getSubsetInternalName(subset, self.doc)
        return name

    def split(self, font: ttfonts.TTFont, text: str) -> list[tuple[int, bytes]]:
        """``font.splitString(text, doc)``: (subset, codes) chunks."""
        state = font.state.get(self.doc)
        if state is None:
            return font.splitString(text, self.doc)
        get = state.assignments.get
        codes = [get(32 if o == 0xA0 else o) for o in map(ord, text)]
        if None in codes:  # new characters: reportlab assigns them codes
            return font.splitString(text, self.doc)
        if max(codes, default=0) < 256:
            return [(0, bytes(codes))] if codes else []
        chunks: list[tuple[int, bytes]] = []
        start = 0
        for i in range(1, len(codes) + 1):
            if i == len(codes) or codes[i] >> 8 != codes[start] >> 8:
                chunks.append((codes[start] >> 8, bytes(n & 0xFF for n in codes[start:i])))
                start = i
        return chunks


_NUMBERS: dict[float, str] = {}


def _num(v: float) -> str:
    """reportlab's ``fp_str(v)``, remembered."""
    s = _NUMBERS.get(v)
    if s is None:
        if len(_NUMBERS) > 100_000:  # a long --watch session: start again
            _NUMBERS.clear()
        s = _NUMBERS[v] = fp_str(v)
    return s


_ESCAPES = {i: escapePDF(bytes([i])) for i in range(256)}  # reportlab's escaping of a string's bytes


def _show(pen: _Pen, font: ttfonts.TTFont, text: str, size: str, state: list[int]) -> str:
    """What ``textOut(text)`` adds (reportlab's ``_formatText``): ``Tf`` where the subset changes
    (``state[0]``: the current subset, -1 after a font change), a ``Tj`` per chunk."""
    out = []
    for subset, codes in pen.split(font, text):
        if subset != state[0]:
            out.append(f"{pen.subset_name(font, subset)} {size}")
            state[0] = subset
        out.append(f"({codes.decode('latin-1').translate(_ESCAPES)}) Tj")
    return " ".join(out)


def _text(
    pen: _Pen,
    item: TextItem,
    font: str,
    variants: dict[str, str],
    names: dict[str, str],
    height: float,
    gaps: GapFonts | None = None,
    colour: CMYKColor = K100,
) -> None:
    y = _num(height - item.baseline)

    def placed() -> Iterator[Placed]:
        for k, run in enumerate(item.runs):
            if run.variant.startswith("fb:"):
                name = names[run.variant[3:]]
            else:
                name = variants.get(f"{item.font}/{run.variant}", font) if run.variant else font
            for text, dx, gap in _pieces(item.runs, k, item.size, name, gaps):
                drawn = _registered(gaps.variant(gap)) if gap and gaps else name
                yield drawn, f"1 0 0 1 {_num(item.x + run.x + dx)} {y} Tm", run.char_space, text

    _text_object(pen, item, placed(), _spread(item, gaps), colour)


Placed = tuple[str, str, float, str]  # reportlab font name, the piece's Tm operator, char space, text


def _text_object(pen: _Pen, item: TextItem, pieces: Iterable[Placed], spread: bool, colour: CMYKColor) -> None:
    """One line's text object, written as reportlab's text object writes it: per piece its ``Tm``,
    ``Tc`` and the subsets' ``Tf``/``Tj``; a loosely ``spread`` line inside an ActualText span
    (poppler and Acrobat read the span instead of guessing spaces)."""
    c = pen.c
    if spread:
        c.addLiteral(_actual_text(item.text))
    code = ["BT", "1 0 0 1 0 0 Tm", pen.fill(colour)]
    current = None
    subset = [-1]
    size = f"{_num(item.size)} Tf {_num(item.size * 1.2)} TL"  # setFont's leading: 1.2 × the size
    for drawn, tm, char_space, text in pieces:
        if drawn != current:
            current = drawn
            subset[0] = -1
        code.append(tm)
        code.append(f"{_num(char_space)} Tc")
        code.append(_show(pen, pen.font(drawn), text, size, subset))
    code.append("ET")
    c._code.append(" ".join(code))
    if spread:
        c.addLiteral("EMC")


VPiece = tuple[str, float, str]  # text, offset down the line from the run's x, its cut's "v:key:kind:lang"


def _vertical_pieces(item: TextItem, faces: dict[str, FontFace]) -> list[tuple[Run, list[VPiece]]]:
    """A vertical line's runs, each as the pieces drawn from one vertical cut: the face's "full"
    cut (zh-Hans forms), "half" (compressed marks), "centred" → the zh-Hant forms, "fb:KEY" → the
    fallback face's cut, "tcy" → one digit per "tcyN.i" cut, 1/N em apart; Latin beside a
    Han–Latin gap from the padded "lead"/"trail"/"both" cuts (as ``_pieces`` does horizontally)."""
    face = faces.get(item.font)
    gaps = face.gap if face is not None and _has_gap(item) else None
    out = []
    for k, run in enumerate(item.runs):
        variant = run.variant
        if variant == "tcy":
            from layout.fonts.vertical import tcy_kind

            n = len(run.text)
            pieces = [(d, i * item.size / n, _vkey(item.font, tcy_kind(n, i))) for i, d in enumerate(run.text)]
        elif variant.startswith("fb:"):
            pieces = [(run.text, 0.0, _vkey(variant[3:], "full"))]
        elif variant in ("half", "centred"):
            kind, lang = ("half", "zh-Hans") if variant == "half" else ("full", "zh-Hant")
            pieces = [(run.text, 0.0, _vkey(item.font, kind, lang))]
        else:
            pieces = _vertical_gap_pieces(item, k, face, gaps)
        out.append((run, pieces))
    return out


def _vkey(face_key: str, kind: str, lang: str = "zh-Hans") -> str:
    return f"v:{face_key}:{kind}:{lang}"


def _vertical_gap_pieces(item: TextItem, k: int, face: FontFace | None, gaps: GapFonts | None) -> list[VPiece]:
    """Run ``k`` of a vertical line in the face's own cut, its Latin glyph beside a Han–Latin gap
    from a padded cut that carries the gap in its advance (``_pieces``, down the line)."""
    run = item.runs[k]
    full = _vkey(item.font, "full")
    lead, trail = _sides(item.runs, k, item.size, gaps)
    if gaps is None or face is None or not (lead or trail):
        return [(run.text, 0.0, full)]
    size = item.size
    pad = gaps.pad_em * size
    if len(run.text) == 1:
        return [
            (
                run.text,
                -pad if lead else 0.0,
                _vkey(item.font, "both" if lead and trail else ("lead" if lead else "trail")),
            )
        ]
    pieces = []
    first, last = (1 if lead else 0), len(run.text) - (1 if trail else 0)
    if lead:
        pieces.append((run.text[0], -pad, _vkey(item.font, "lead")))
    if last > first:
        pieces.append((run.text[first:last], face.width(run.text[:first], size) + first * run.char_space, full))
    if trail:
        dx = face.width(run.text[:-1], size) + (len(run.text) - 1) * run.char_space
        pieces.append((run.text[-1], dx, _vkey(item.font, "trail")))
    return pieces


def _vertical_text(
    pen: _Pen,
    item: TextItem,
    faces: dict[str, FontFace],
    variants: dict[str, str],
    height: float,
    colour: CMYKColor = K100,
) -> None:
    """A vertical line (竖排) as one text object turned 90° clockwise: per piece ``0 -1 1 0 X Y Tm``,
    X the centre line, Y the top of the line less the piece's offset down it, its glyphs from
    the vertical cut that turns them (``_vertical_pieces``; fonts/vertical.py). A loosely spread
    line is wrapped in an ActualText span, as a horizontal one is."""
    face = faces.get(item.font)
    spread = _spread(item, face.gap if face is not None and _has_gap(item) else None)
    x = _num(item.x)
    top = height - item.baseline
    placed = (
        (variants[key], f"0 -1 1 0 {x} {_num(top - (run.x + dx))} Tm", run.char_space, text)
        for run, pieces in _vertical_pieces(item, faces)
        for text, dx, key in pieces
    )
    _text_object(pen, item, placed, spread, colour)


def _has_gap(item: TextItem) -> bool:
    runs = item.runs
    return any(b.x - (a.x + a.width) >= GAP_MIN_EM * item.size for a, b in zip(runs, runs[1:]))


def _stamp(c: Canvas, when: dt.datetime) -> None:
    """CreationDate and ModDate: ``when`` in UTC, where invariant mode writes 2000-01-01
    (the document ID stays invariant: it does not depend on this)."""
    utc = when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)
    stamp = TimeStamp(invariant=1)
    stamp.t = utc.timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    c._doc._timeStamp = stamp


def _separate(img, source_icc: bytes | None, output_icc: bytes):
    """An RGB photo separated for the press with its output profile (relative
    colorimetric with black-point compensation: the profile's ink limits hold); the
    transform is built once per pair of profiles (draw/tone.py)."""
    from PIL import ImageCms

    from layout.draw.tone import separation

    if img.mode == "CMYK":
        return img  # already separated by whoever made it: the preflight checks its ink
    try:
        return ImageCms.applyTransform(img.convert("RGB"), separation(source_icc, output_icc))
    except (ImageCms.PyCMSError, OSError) as exc:
        raise ValueError(
            f"its colour profile cannot be converted for the press ({exc}); save it as plain sRGB"
        ) from None


def _photo_pixels(src, output_icc: bytes | None):
    """A photo's pixels before cropping: upright, transparency over white, 16-bit grey in
    8 bits; separated to CMYK with ``output_icc`` (colour pages), else grey (K only)."""
    from PIL import Image, ImageOps

    source_icc = src.info.get("icc_profile")
    img = ImageOps.exif_transpose(src)
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        # transparent parts show the paper: composite over white before dropping alpha
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    if img.mode.startswith("I") or img.mode == "F":  # 16-bit or wider grey: scale to 8 bits, not clip
        wide = img.convert("I") if img.mode.startswith("I;16") else img
        top = wide.getextrema()[1]
        img = wide.point(lambda v: v * (255 / 65535 if top > 255 else 1)).convert("L")
    if output_icc is not None and img.mode not in ("L", "1"):
        return _separate(img, source_icc, output_icc)  # colour pages: CMYK for the plant's profile
    return img.convert("L")  # newsprint text pages: photos in black ink only


def _for_press(img, ink: PhotoInk | None):
    """The plate's values (layout/draw/tone.py), on the final pixels so resampling cannot
    undo them: a grey photo tone-corrected for the condition (through the output profile's
    K channel when there is one), a CMYK photo held to the plant's total ink limit."""
    if ink is None:
        return img  # plain pages, proofs and drafts: the photo's own tones
    from layout.draw.tone import compensate_grey, limit_ink  # press photos only

    if img.mode == "CMYK":
        return limit_ink(img, ink.tac)
    return compensate_grey(img, ink.condition, ink.profile)


def _photo(
    c: Canvas, item: ImageItem, height: float, output_icc: bytes | None = None, ink: PhotoInk | None = None
) -> None:
    """A photo cropped to fill its box, downsampled above ``MAX_PPI``; for the press
    (``ink``) with newsprint tone correction or the plant's ink limit. The photo is the
    one decoded for the page's checks (layout/raster.py), not read again."""
    from PIL import Image

    img = _photo_pixels(raster.decoded(item.file), output_icc)  # type: ignore[arg-type]
    box_ratio = item.width / item.height
    w, h = img.size
    if w / h > box_ratio:  # too wide: crop the sides
        nw = round(h * box_ratio)
        img = img.crop(((w - nw) // 2, 0, (w - nw) // 2 + nw, h))
    else:
        nh = round(w / box_ratio)
        img = img.crop((0, (h - nh) // 2, w, (h - nh) // 2 + nh))
    max_px = round(item.width / 72 * MAX_PPI)
    if img.size[0] > max_px:
        img = img.resize((max_px, max(1, round(max_px / box_ratio))), Image.Resampling.LANCZOS)
    img = _for_press(img, ink)
    c.drawImage(ImageReader(img), item.x, height - item.y - item.height, item.width, item.height)


def _keyline(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A box on the plate that something goes into (--press --allow-placeholders): a thin
    K rule round it, no fill, no diagonals, no label."""
    c.setStrokeColor(K100)
    c.setLineWidth(KEYLINE_WEIGHT)
    c.rect(x, y, w, h, stroke=1, fill=0)


def _placeholder(c: Canvas, item: ImageItem, height: float, label_font: str, plate: bool = False) -> None:
    """A photo without its file: on proofs a grey box, crossed and labelled 照片; on the
    plate (allowed placeholders only) a keyline."""
    x, y, w, h = item.x, height - item.y - item.height, item.width, item.height
    if plate:
        _keyline(c, x, y, w, h)
        return
    c.setFillColor(PLACEHOLDER_TINT)
    c.setStrokeColor(K100)
    c.setLineWidth(0.25)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.line(x, y, x + w, y + h)
    c.line(x, y + h, x + w, y)
    size = 9.0
    label = "照片"
    lw = pdfmetrics.stringWidth(label, label_font, size) + size
    c.setFillColor(CMYKColor(0, 0, 0, 0))  # a white ground for the label: knocks out
    c.rect(x + (w - lw) / 2, y + h / 2 - size * 0.8, lw, size * 1.6, stroke=0, fill=1)
    _overprint(c, True)
    c.setFillColor(K100)
    c.setFont(label_font, size)
    c.drawCentredString(x + w / 2, y + h / 2 - size * 0.35, label)


def _ad_pixels(img, source_icc: bytes | None, output_icc: bytes | None):
    """An ad's pixels as drawn: grey and CMYK kept as they are (1-bit as 8-bit grey,
    16-bit grey scaled to 8 bits, transparency over white); RGB (allowed only when
    checked before drawing) converted as photos are: separated with ``output_icc``, else grey."""
    from PIL import Image

    from layout.artwork import raster_colour  # ads only

    colour = raster_colour(img)
    if colour == "cmyk":
        return img
    if img.mode in ("LA", "La") or (colour == "gray" and "transparency" in img.info):
        la = img.convert("LA")
        return Image.alpha_composite(Image.new("LA", la.size, (255, 255)), la).convert("L")
    if colour in ("gray", "bitmap"):
        if img.mode.startswith("I") or img.mode == "F":
            wide = img.convert("I") if img.mode.startswith("I;16") else img
            top = wide.getextrema()[1]
            return wide.point(lambda v: v * (255 / 65535 if top > 255 else 1)).convert("L")
        return img.convert("L")
    if img.mode in ("RGBA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return _separate(img, source_icc, output_icc) if output_icc is not None else img.convert("L")


def _ad_raster(c: Canvas, item: AdItem, height: float, output_icc: bytes | None, tac: float | None = None) -> None:
    """A raster ad drawn whole in its box: scaled to fit without distortion, centred;
    downsampled above ``MAX_PPI`` at its placed size, as photos are. An RGB ad converted
    for the press (``--convert-ads``) is held to ``tac`` % total ink, as photos are; an
    advertiser's own CMYK is never touched (over the limit it is refused before drawing)."""
    from PIL import Image, ImageOps

    from layout.artwork import raster_colour  # ads only

    src = raster.decoded(item.file)  # type: ignore[arg-type]  # decoded once, when the artwork was checked
    converted = raster_colour(src) == "rgb"
    img = _ad_pixels(ImageOps.exif_transpose(src), src.info.get("icc_profile"), output_icc)
    w, h = img.size
    scale = min(item.width / w, item.height / h)
    dw, dh = w * scale, h * scale
    max_px = round(dw / 72 * MAX_PPI)
    if w > max_px:
        img = img.resize((max_px, max(1, round(max_px * h / w))), Image.Resampling.LANCZOS)
    if converted and tac is not None and img.mode == "CMYK":
        from layout.draw.tone import limit_ink  # press ads only

        img = limit_ink(img, tac)
    x, top = item.x + (item.width - dw) / 2, item.y + (item.height - dh) / 2
    c.drawImage(ImageReader(img), x, height - top - dh, dw, dh)


def _ad_placeholder(c: Canvas, item: AdItem, height: float, label_font: str) -> None:
    """Booked space with no artwork yet (drafts, proofs, plain pages): a tinted box,
    crossed and hatched, with the booking's label (id and size) on a white ground."""
    x, y, w, h = item.x, height - item.y - item.height, item.width, item.height
    c.setFillColor(PLACEHOLDER_TINT)
    c.setStrokeColor(K100)
    c.setLineWidth(0.5)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.setLineWidth(0.25)
    c.line(x, y, x + w, y + h)
    c.line(x, y + h, x + w, y)
    path = c.beginPath()
    step = 12.0
    k = step
    while k < w + h:  # hatching at 45°, clipped to the box by construction
        x0, y0 = (x + k, y) if k <= w else (x + w, y + k - w)
        x1, y1 = (x, y + k) if k <= h else (x + k - h, y + h)
        path.moveTo(x0, y0)
        path.lineTo(x1, y1)
        k += step
    c.drawPath(path, stroke=1, fill=0)
    fit = 0.9 * w / (pdfmetrics.stringWidth(item.label, label_font, 1.0) + 1)  # the label's size that fills 90 %
    size = min(18.0, max(6.0, h / 6), fit)
    lw = pdfmetrics.stringWidth(item.label, label_font, size) + size
    c.setFillColor(CMYKColor(0, 0, 0, 0))  # a white ground for the label: knocks out
    c.rect(x + (w - lw) / 2, y + h / 2 - size * 0.8, lw, size * 1.6, stroke=0, fill=1)
    _overprint(c, True)
    c.setFillColor(K100)
    c.setFont(label_font, size)
    c.drawCentredString(x + w / 2, y + h / 2 - size * 0.35, item.label)


def _ad(
    c: Canvas, item: AdItem, height: float, label_font: str, output_icc: bytes | None, tac: float | None = None
) -> None:
    """A booked block: a placeholder, or raster artwork; PDF artwork is embedded after
    drawing, as a form XObject (post/artwork.py), so nothing is drawn for it here."""
    c.saveState()
    _overprint(c, False)  # artwork knocks out, as photos do
    from layout.artwork import is_pdf  # ads only

    if item.file is None:
        _ad_placeholder(c, item, height, label_font)
    elif not is_pdf(item.file):
        try:
            _ad_raster(c, item, height, output_icc, tac)
        except ValueError as exc:
            raise InputError(f"ad '{item.id}': artwork {item.file.name}: {exc}", file=str(item.file)) from None
    c.restoreState()


def _mark(c: Canvas, item: MarkItem, height: float, font: str, plate: bool = False) -> None:
    """A marked area (open area, overset): ruled and labelled; on the plate a keyline."""
    x, y, w, h = item.x, height - item.y - item.height, item.width, item.height
    if plate:
        _keyline(c, x, y, w, h)
        return
    c.setStrokeColor(K100)
    c.setLineWidth(1)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.setFillColor(K100)
    c.setFont(font, 8)
    c.drawCentredString(x + w / 2, y + h / 2 - 3, item.label)


@dataclass(frozen=True)
class Proof:
    """What a proof carries outside the trim: crop marks, a slug line, a watermark."""

    slug: str  # file, content hash, time, 版次, 校次
    watermark: str = ""  # e.g. 校样, drawn in a light tint under the page
    margin: float = 42.0  # points around the trim: marks and slug live here
    mark_offset: float = 6.0  # points between the trim and a crop mark
    mark_length: float = 18.0
    mark_weight: float = 0.25
    colour: bool = False  # a colour page: the control strip adds a colour bar


WATERMARK_TINT = CMYKColor(0, 0, 0, 0.1)
REGISTRATION = CMYKColor(1, 1, 1, 1)  # the registration colour: every ink at 100 %, so a mark shows on each plate
STEPS = tuple(range(0, 101, 10))  # the control strip's K steps, in % (0 is the paper)
COLOUR_BAR = ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (1, 1, 0, 0), (1, 0, 1, 0), (0, 1, 1, 0), (0.5, 0.4, 0.4, 0))
PATCH = 12.0  # points: a control-strip patch's side
STRIP_X = 36.0  # the strip's left end, from the trim's left edge (clear of the crop marks)
TARGET_SHIFT = 24.0  # a registration target sits this far along the edge from the centre mark


def _overprint(c: Canvas, on: bool) -> None:
    """K ink overprints (OPM 1: the zero C, M, Y of 0/0/0/100 leave the plates below alone)."""
    c.setFillOverprint(on)
    c.setStrokeOverprint(on)
    c.setOverprintMask(on)


def _crop_marks(c: Canvas, w: float, h: float, proof: Proof) -> None:
    c.setStrokeColor(K100)
    c.setLineWidth(proof.mark_weight)
    o, n = proof.mark_offset, proof.mark_length
    for x, y, dx, dy in ((0, 0, -1, -1), (w, 0, 1, -1), (0, h, -1, 1), (w, h, 1, 1)):
        c.line(x + dx * o, y, x + dx * (o + n), y)  # horizontal, in line with the trim edge
        c.line(x, y + dy * o, x, y + dy * (o + n))  # vertical


def _band(proof: Proof) -> float:
    """The distance from the trim to the middle of the crop marks' band, where the marks sit."""
    return proof.mark_offset + proof.mark_length / 2


def _side_points(w: float, h: float, d: float, shift: float) -> tuple[tuple[float, float, float, float], ...]:
    """Each side's point ``d`` outside the trim, ``shift`` along the edge from its centre, with
    the outward direction (dx, dy): top, bottom, left, right."""
    return (
        (w / 2 + shift, h + d, 0, 1),
        (w / 2 + shift, -d, 0, -1),
        (-d, h / 2 + shift, -1, 0),
        (w + d, h / 2 + shift, 1, 0),
    )


def _centre_marks(c: Canvas, w: float, h: float, proof: Proof) -> None:
    """A centre mark on each side: a line across the crop marks' band at the edge's middle,
    in registration colour (every plate is centred by it)."""
    c.setStrokeColor(REGISTRATION)
    c.setLineWidth(proof.mark_weight)
    o, n = proof.mark_offset, proof.mark_length
    for x, y, dx, dy in _side_points(w, h, 0.0, 0.0):
        c.line(x + dx * o, y + dy * o, x + dx * (o + n), y + dy * (o + n))


def _registration_marks(c: Canvas, w: float, h: float, proof: Proof) -> None:
    """A registration target (circle and cross) beside each centre mark, in the registration
    colour: the pressman lays the plates' targets over one another."""
    c.setStrokeColor(REGISTRATION)
    c.setLineWidth(0.5)
    r = proof.mark_length / 2 - 3
    for x, y, _, _ in _side_points(w, h, _band(proof), TARGET_SHIFT):
        c.circle(x, y, r, stroke=1, fill=0)
        c.line(x - r - 3, y, x + r + 3, y)
        c.line(x, y - r - 3, x, y + r + 3)


def _control_strip(c: Canvas, h: float, proof: Proof) -> None:
    """Above the trim at the left: K steps 0–100 % (tone value on the proof and the plate),
    and on a colour page solid C, M, Y, their two-ink overprints and a grey balance patch."""
    y = h + _band(proof) - PATCH / 2
    x = STRIP_X
    for step in STEPS:
        c.setFillColor(CMYKColor(0, 0, 0, step / 100))
        c.rect(x, y, PATCH, PATCH, stroke=0, fill=1)
        x += PATCH
    c.setStrokeColor(K100)
    c.setLineWidth(proof.mark_weight)
    c.rect(STRIP_X, y, PATCH * len(STEPS), PATCH, stroke=1, fill=0)  # the 0 % patch shows as paper inside it
    if proof.colour:
        x += PATCH
        for cmyk in COLOUR_BAR:
            c.setFillColor(CMYKColor(*cmyk))
            c.rect(x, y, PATCH, PATCH, stroke=0, fill=1)
            x += PATCH


def _proof_marks(c: Canvas, w: float, h: float, proof: Proof, font: str) -> None:
    """Everything a proof sheet carries outside the trim."""
    c.saveState()
    _overprint(c, False)  # marks knock out: each patch and target shows as it is
    _crop_marks(c, w, h, proof)
    _centre_marks(c, w, h, proof)
    _registration_marks(c, w, h, proof)
    _control_strip(c, h, proof)
    c.restoreState()
    c.setFillColor(K100)  # small K text overprints, as on the page
    c.setFont(font, 5)
    c.drawString(STRIP_X, h + _band(proof) + PATCH / 2 + 1.5, f"K {STEPS[0]}–{STEPS[-1]} %")
    c.setFont(font, 7)
    c.drawString(0, -(proof.mark_offset + proof.mark_length + 9), proof.slug)


def _watermark(c: Canvas, w: float, h: float, text: str, font: str) -> None:
    c.saveState()
    c.setFillColor(WATERMARK_TINT)
    c.translate(w / 2, h / 2)
    c.rotate(30)
    size = min(w, h) / max(2, len(text)) * 0.8
    c.setFont(font, size)
    c.drawCentredString(0, -size * 0.35, text)
    c.restoreState()


Colours = dict[str, tuple[float, float, float, float]]  # a colour page's parts → CMYK (style ``colours:``)


def _colour_of(item: Item, colours: Colours) -> CMYKColor | None:
    """A colour page's process colour for this item: the kicker, the running head's
    section label (报眉) or a rule; None: K, as everything else."""
    if isinstance(item, RuleItem):
        part = "rules"
    elif isinstance(item, TextItem) and item.role == "kicker":
        part = "kicker"
    elif isinstance(item, TextItem) and item.role == "head_paper" and item.source == "section":
        part = "section"
    else:
        return None
    cmyk = colours.get(part)
    return CMYKColor(*cmyk) if cmyk else None


def _coloured(c: Canvas, item: Item, colour: CMYKColor, H: float, text: Callable[[CMYKColor], None]) -> None:
    """An item in process colour: it knocks out (only K overprints, as GWG asks)."""
    c.saveState()
    _overprint(c, False)
    if isinstance(item, RuleItem):
        c.setStrokeColor(colour)
        c.setLineWidth(item.weight)
        c.line(item.x1, H - item.y1, item.x2, H - item.y2)
    else:
        text(colour)
    c.restoreState()


def _item(
    pen: _Pen,
    item: Item,
    faces: dict[str, FontFace],
    names: dict[str, str],
    variants: dict[str, str],
    label_font: str,
    H: float,
    photo_profile: bytes | None,
    plate: bool = False,
    ink: PhotoInk | None = None,
    colours: Colours | None = None,
) -> None:
    """One item of the frame on the canvas (``names``: registered font names by style key;
    ``label_font`` sets placeholders' and marks' labels; ``plate``: placeholders as keylines;
    ``colours``: a colour page's process colours)."""
    c = pen.c
    colour = _colour_of(item, colours) if colours else None
    if colour is not None and isinstance(item, TextItem) and item.vertical:
        _coloured(c, item, colour, H, lambda k: _vertical_text(pen, item, faces, variants, H, k))
    elif colour is not None:
        font = item.font if isinstance(item, TextItem) else ""
        gaps = faces[font].gap if isinstance(item, TextItem) and font in faces and _has_gap(item) else None
        _coloured(c, item, colour, H, lambda k: _text(pen, item, names.get(font, ""), variants, names, H, gaps, k))
    elif isinstance(item, TextItem) and item.vertical:
        _vertical_text(pen, item, faces, variants, H)
    elif isinstance(item, TextItem):
        gaps = faces[item.font].gap if item.font in faces and _has_gap(item) else None
        _text(pen, item, names[item.font], variants, names, H, gaps)
    elif isinstance(item, RuleItem):
        c.setStrokeColor(K100)
        c.setLineWidth(item.weight)
        c.line(item.x1, H - item.y1, item.x2, H - item.y2)
    elif isinstance(item, ImageItem):
        c.saveState()
        _overprint(c, False)  # photos and the placeholder's white label knock out
        if item.file is not None:
            try:
                _photo(c, item, H, photo_profile, ink)
            except ValueError as exc:
                raise InputError(f"photo {item.file.name}: {exc}", file=str(item.file)) from None
        else:
            _placeholder(c, item, H, label_font, plate)
        c.restoreState()
    elif isinstance(item, MarkItem):
        _mark(c, item, H, label_font, plate)
    elif isinstance(item, AdItem):
        _ad(c, item, H, label_font, photo_profile, ink.tac if ink is not None else None)


def _info(c: Canvas, title: str, author: str, subject: str, keywords: str, when: dt.datetime | None) -> None:
    """The document information: title, author, subject, creator, keywords and dates."""
    if when is not None:
        _stamp(c, when)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator("Banmian")
    if keywords:  # the installed fonts used and what each set (fonts/page.py, fallback_record)
        c.setKeywords(keywords)


@dataclass(frozen=True)
class _Sheet:
    """What a page is drawn with beyond its frame and faces (``draw_pdf``'s options)."""

    author: str = ""
    subject: str = ""
    proof: Proof | None = None
    photo_profile: bytes | None = None
    photo_ink: PhotoInk | None = None
    keywords: str = ""
    when: dt.datetime | None = None
    plate: bool = False
    colours: Colours | None = None


def _finished_here(frame: PageFrame) -> bool:
    """A page whose final bytes ``post/direct.py`` writes: no photo and no artwork (their
    image streams and embedded pages are left to reportlab, pikepdf and QPDF)."""
    return not any(isinstance(item, ImageItem | AdItem) and item.file is not None for item in frame.items)


def draw_pdf(
    frame: PageFrame,
    faces: dict[str, FontFace],
    *,
    author: str = "",
    subject: str = "",
    proof: Proof | None = None,
    photo_profile: bytes | None = None,
    photo_ink: PhotoInk | None = None,
    keywords: str = "",
    when: dt.datetime | None = None,
    plate: bool = False,
    colours: Colours | None = None,
) -> bytes:
    """Draw one page and return the PDF bytes. All text and rules are K (0/0/0/100) and
    overprint; with ``proof``, the page sits in a larger sheet (TrimBox at the page)
    with crop marks, a slug and an optional watermark outside or under it. Photos are
    grayscale, or with ``photo_profile`` (a CMYK output ICC profile) colour photos
    are separated to CMYK for it. ``photo_ink``: the press's tone correction of grey
    photos and ink limit of CMYK ones (draw/tone.py); without it photos keep their tones.
    ``when`` is the document's date (CreationDate, ModDate).
    ``plate``: the press file; a photo without its file (allowed) is a keyline. ``colours``:
    a colour page's process colours for the kicker, the section label and the rules.
    A page without photos or artwork comes back finished as ``post/subsets.py`` would
    finish it (``post/direct.py``: content-derived subset tags, QPDF's form), without
    pikepdf; any other page as reportlab writes it."""
    sheet = _Sheet(author, subject, proof, photo_profile, photo_ink, keywords, when, plate, colours)
    if _finished_here(frame):
        from layout.post.direct import Packer, finish  # plain Python: no pikepdf

        packer = Packer()
        token = _PACKER.set(packer)
        try:
            raw = _drawn(frame, faces, sheet, compression=0)
        except BaseException:
            packer.cancel()
            raise
        finally:
            _PACKER.reset(token)
        pdf = finish(raw, packer)  # streams compressed once, there
        if pdf is not None:
            return pdf
    return _drawn(frame, faces, sheet, compression=1)


def _drawn(frame: PageFrame, faces: dict[str, FontFace], sheet: _Sheet, compression: int) -> bytes:
    """The page as reportlab writes it, its streams Flate-compressed or (``compression=0``) not."""
    proof = sheet.proof
    label_key = "kai" if "kai" in faces else next(iter(faces))
    used = _chars_by_font(frame, label_key, faces)
    if proof:  # the slug and watermark are set in the label font too
        used[label_key] |= set(proof.slug + proof.watermark + f"K {STEPS[0]}–{STEPS[-1]} %")
    names = register_fonts(faces.values(), used)
    variants = register_variant_fonts(faces.values(), used)
    if any(key.startswith("v:") for key in used):  # a page with vertical lines
        variants |= register_vertical_fonts(faces, used)
    first = next(iter(names.values()))
    buf = io.BytesIO()
    rl_config.useA85 = 0  # binary streams: ASCII85 only adds a quarter to the size
    m = proof.margin if proof else 0.0
    W, H = frame.width, frame.height
    c = Canvas(
        buf,
        pagesize=(W + 2 * m, H + 2 * m),
        invariant=1,
        pageCompression=compression,
        initialFontName=first,
        enforceColorSpace="cmyk",
    )
    _info(c, frame.title, sheet.author, sheet.subject, sheet.keywords, sheet.when)
    c.setTrimBox((m, m, m + W, m + H))
    c.setBleedBox((m, m, m + W, m + H))
    label_font = names[label_key]
    c.translate(m, m)
    if proof and proof.watermark:
        _watermark(c, W, H, proof.watermark, label_font)
    _overprint(c, True)
    pen = _Pen(c)
    for item in frame.items:
        _item(
            pen,
            item,
            faces,
            names,
            variants,
            label_font,
            H,
            sheet.photo_profile,
            sheet.plate,
            sheet.photo_ink,
            sheet.colours,
        )
    if proof:
        _proof_marks(c, W, H, proof, label_font)
    c.showPage()
    c.save()
    return buf.getvalue()
