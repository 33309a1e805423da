"""Reviewers' annotations read back against the source (review stage).

Input: an annotated draft PDF (annotations made by any reader) and the draft's
source map (``map.py``). Output: ``Comment`` values: kind, author, date, subject,
a stable id (/NM, else a hash of subtype, rounded Rect, author and text), the
comment's text, replies and review states, the text the annotation covers and
where it lives (``where``: "text", "photo", "caption", "module" or "page", with
``Place`` values: file, YAML line, field path, character offsets, profile), and
for unambiguous edits an ``Edit``. Annotations are read in PDF user space, the
space the map is in, so page rotation and MediaBox origins do not matter.

What each subtype covers (a glyph box: its advance × the line's em box; on a
vertical line (竖排, the map's ``y`` edges) the line's em column × the character's
advance down it, "along" the line meaning down and "across" it sideways):
- Highlight, Underline, Squiggly, StrikeOut, Redact: glyphs whose centre lies in
  a QuadPoints quadrilateral (any corner order) on lines it overlaps by half
  their height (a vertical line's width: a reader's quad per column, right to
  left, reads in the map's line order); no QuadPoints (a Chrome highlight): the Rect the same way;
  no text under it but a photo: the photo.
- Square, Circle (ellipse), Polygon, a closed Ink loop, Stamp, a FreeText box
  without a leader: glyphs with at least half their box inside the shape (so a
  loose loop round a number does not take the comma after it). A shape holding
  three quarters of a module box is about the module, of a photo box the photo,
  of a caption the caption; a small shape on a photo is about the photo.
- Ink (open strokes), PolyLine, Line (/L): the stroke's ink, each segment at its
  width (/BS /W, /Border); a glyph is covered when the ink crosses at least half
  its width, reaching min(stroke width, 0.4 em) into its box, the box extended
  0.3 em down so a pen line under text marks it (left of a vertical line: the
  side its rotated "under" and Taiwan's 私名號 are on; a line right of a column
  marks nothing). A wide highlighter stroke is the same rule.
- Caret: the character boundary at the apex of its symbol (Rect less /RD), its
  top centre; on a vertical line, the boundary nearest the apex down the line,
  and a symbol taller than wide (turned with the text) points right: its right
  middle.
- Text, FileAttachment, Sound: the icon's point (the Rect's top left, fixed on
  rotated pages): the whole text line it lies on, else the photo, else the page.
- FreeText callouts (/IT /FreeTextCallout, a leader line /CL): the character
  (else photo) where the leader's first point lies; the text box is not used.
Nothing under an annotation makes it page-level ("page"): it is never moved to
the nearest text. Popup, Link, Widget and the like are not comments.

Replies (/IRT) hang under their parent; a review state (/StateModel, /State, or
a reply "Accepted set by …" as Acrobat and Foxit write it) sets the parent's
state, the latest winning. A Caret and a StrikeOut grouped with /IRT and
/RT /Group (Acrobat's "Replace text") are one comment with a "replace" edit.
Offsets index the field's normalised text: characters the layout adds around a
field (pull quote marks, —— before a quote's source, the section's 第N版) are
shown but map to no offset. Unreadable annotations are skipped with a warning
naming the page and object (``read_comments_with_warnings``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

from layout.review import regions as rg
from layout.review.regions import Box, Inside, Point

MARKUP = {"Highlight", "Underline", "Squiggly", "StrikeOut", "Redact"}
CLOSED = {"Square", "Circle", "Polygon", "Stamp"}
STROKES = {"Ink", "PolyLine", "Line"}
ICONS = {"Text", "FileAttachment", "Sound"}
KNOWN = MARKUP | CLOSED | STROKES | ICONS | {"Caret", "FreeText"}
SKIP = {"Link", "Popup", "Widget", "PrinterMark", "TrapNet", "Watermark", "Screen", "Movie", "3D", "RichMedia"}
OPENERS, CLOSERS = "“「『‘—", "”」』’"  # marks the layout may add around a field's text
STATE_TEXT = re.compile(r"^\s*(Accepted|Rejected|Cancelled|Completed|None|Marked|Unmarked)\s+set by\b", re.I)
GLYPH_SHARE, BOX_SHARE = 0.5, 0.75
READ_ERRORS = (pikepdf.PdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, AssertionError)


class UnreadablePDF(ValueError):
    """The PDF cannot be opened (damaged beyond repair, not a PDF)."""


class EncryptedPDF(UnreadablePDF):
    """The PDF needs a password."""


class BadAnnotation(ValueError):
    """An annotation whose geometry cannot be read."""


@dataclass
class Place:
    """A stretch of one source field that an annotation covers (or points into)."""

    file: str
    line: int | None  # YAML line of the field
    source: str  # YAML path, e.g. profiles[3].body[2], profiles[3].photo, profiles[3]
    start: int  # character offsets in the field's normalised text
    end: int
    profile: str
    text: str  # the field's characters covered (marks the layout added left out)


@dataclass
class Edit:
    """An unambiguous edit a comment proposes, in one field's normalised text."""

    kind: str  # insert (start == end), delete, replace
    old: str
    new: str
    source: str
    start: int
    end: int
    file: str
    line: int | None


@dataclass
class Comment:
    ref: str  # the annotation's object number, e.g. "42 0"
    kind: str  # Highlight, StrikeOut, Caret, Text, FreeText, Ink, Square, Circle …
    page: int  # 1-based page of the PDF
    number: int  # 版次 of that page
    author: str
    date: str  # ISO 8601, "" when the annotation has none
    text: str  # what the reviewer wrote
    quoted: str  # the text covered, as shown (an insertion point: the line, marked ‸)
    places: list[Place] = field(default_factory=list)
    state: str = ""  # review state set by a reply (Accepted, Rejected, Completed …)
    replies: list[Comment] = field(default_factory=list)
    in_reply_to: str = ""
    id: str = ""  # /NM, else a hash of subtype, rounded Rect, author and text
    subject: str = ""  # /Subj
    box: list[float] = field(default_factory=list)  # the Rect, rounded to 0.01
    where: str = "page"  # text, photo, caption, module or page
    edit: Edit | None = None

    @property
    def profile(self) -> str:
        return next((p.profile for p in self.places if p.profile), "")

    def as_dict(self) -> dict:
        return asdict(self)


def pdf_date(value: str) -> str:
    """'D:20240315103000+08'00'' → '2024-03-15T10:30:00+08:00' ("" if unreadable)."""
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?", value.strip())
    if not m:
        return ""
    y, mo, d, h, mi, s = (int(g) if g else default for g, default in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0)))
    try:
        when = dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return ""
    sign, oh, om = m.group(7), m.group(8), m.group(9)
    if sign in ("+", "-") and oh:
        delta = dt.timedelta(hours=int(oh), minutes=int(om or 0))
        when = when.replace(tzinfo=dt.timezone(delta if sign == "+" else -delta))
    elif sign in ("Z", "z"):
        when = when.replace(tzinfo=dt.UTC)
    return when.isoformat()


def _text(value: object) -> str:
    return str(value) if value is not None else ""


# -- an annotation's geometry ------------------------------------------------------------------


def _numbers(value: object, what: str, multiple: int = 1, least: int = 1) -> list[float]:
    """A PDF array of numbers, or BadAnnotation."""
    if not isinstance(value, pikepdf.Array):
        raise BadAnnotation(f"{what} is not an array")
    try:
        nums = [float(v) for v in value]
    except (TypeError, ValueError) as exc:
        raise BadAnnotation(f"{what} holds a non-number") from exc
    if len(nums) < least or len(nums) % multiple:
        raise BadAnnotation(f"{what} has {len(nums)} numbers")
    return nums


def _rect(annot: pikepdf.Dictionary) -> Box:
    return rg.normal_box(_numbers(annot.get("/Rect"), "/Rect", 4, 4)[:4])


def _inner(annot: pikepdf.Dictionary) -> Box:
    """The Rect less /RD (the drawn shape or symbol inside its border)."""
    x0, y0, x1, y1 = _rect(annot)
    if "/RD" in annot:
        rd = _numbers(annot["/RD"], "/RD", 4, 4)
        if rd[0] + rd[2] < x1 - x0 and rd[1] + rd[3] < y1 - y0:
            return x0 + rd[0], y0 + rd[3], x1 - rd[2], y1 - rd[1]
    return x0, y0, x1, y1


def _quads(annot: pikepdf.Dictionary) -> list[Box]:
    """Axis-aligned boxes of the annotation's quadrilaterals (any vertex order), else its Rect."""
    if "/QuadPoints" not in annot:
        return [_rect(annot)]
    nums = _numbers(annot["/QuadPoints"], "/QuadPoints", 8, 8)
    return [rg.bbox(list(zip(nums[i : i + 8 : 2], nums[i + 1 : i + 8 : 2]))) for i in range(0, len(nums), 8)]


def _width(annot: pikepdf.Dictionary) -> float:
    """The stroke width: /BS /W, else the third number of /Border, else 1."""
    bs = annot.get("/BS")
    if isinstance(bs, pikepdf.Dictionary) and "/W" in bs:
        return float(bs["/W"])
    border = annot.get("/Border")
    if isinstance(border, pikepdf.Array) and len(border) >= 3:
        return float(border[2])
    return 1.0


def _strokes(kind: str, annot: pikepdf.Dictionary) -> list[list[Point]]:
    if kind == "Ink":
        ink = annot.get("/InkList")
        if not isinstance(ink, pikepdf.Array):
            raise BadAnnotation("/InkList is not an array")
        out = [_numbers(s, "/InkList stroke", 2, 2) for s in ink]
    elif kind == "Line":
        out = [_numbers(annot.get("/L"), "/L", 4, 4)[:4]]
    else:
        out = [_numbers(annot.get("/Vertices"), "/Vertices", 2, 2)]
    return [list(zip(s[0::2], s[1::2])) for s in out]


# -- the page's map ----------------------------------------------------------------------------


def _lead(line: dict) -> int:
    """Characters the layout shows before the field's text on this line (a pull quote's
    opening mark, —— before a quote's source, the section's 第N版)."""
    text, start = line["text"], line["start"]
    extra = len(text) - (line["end"] - start)
    if extra <= 0 or start > 0:
        return 0
    lead = min(extra, len(text) - len(text.lstrip(OPENERS)))
    trail = min(extra - lead, len(text) - len(text.rstrip(CLOSERS)))
    return extra - trail  # unexplained extras are a prefix (furniture)


class _Page:
    """One page of the map: glyph boxes, photos and modules, for finding what a region covers."""

    def __init__(self, page_map: dict) -> None:
        self.map = page_map
        self.lines = page_map["lines"]
        self.photos = [p for p in page_map.get("photos", []) if isinstance(p, dict)]
        self.modules = [m for m in page_map.get("modules", []) if isinstance(m, dict)]
        self.leads = [_lead(ln) for ln in self.lines]

    def offset(self, li: int, k: int) -> int | None:
        """Source offset of character ``k`` of line ``li`` (None: a mark the layout added)."""
        line = self.lines[li]
        j = k - self.leads[li]
        return line["start"] + j if 0 <= j < line["end"] - line["start"] else None

    def boundary(self, li: int, k: int) -> int:
        line = self.lines[li]
        return max(line["start"], min(line["end"], line["start"] + k - self.leads[li]))

    def glyphs(self, region: Box, below: float = 0.0):
        """(line, character, glyph box) of glyphs whose box (extended ``below`` em down, or
        to the left of a vertical line: the side a rotated line's underline is on) meets ``region``."""
        for li, line in enumerate(self.lines):
            bx0, by0, bx1, by1 = line["box"]
            if line.get("vertical"):
                reach = (bx0 - below * (bx1 - bx0), by0, bx1, by1)
            else:
                reach = (bx0, by0 - below * (by1 - by0), bx1, by1)
            if not rg.overlaps(region, reach):
                continue
            a = 1 if line.get("vertical") else 0  # the axis along the line
            for k, g in enumerate(rg.glyph_boxes(line)):
                if g[a + 2] >= region[a] and g[a] <= region[a + 2]:
                    yield li, k, g

    def in_quads(self, quads: list[Box]) -> list[tuple[int, int]]:
        """Glyphs whose centre along the line lies in a quad that covers half the line's
        em box across it (its height; a vertical line's width)."""
        out = set()
        for q in quads:
            for li, k, g in self.glyphs(q):
                a = 0 if self.lines[li].get("vertical") else 1  # the axis across the line
                overlap = min(q[a + 2], g[a + 2]) - max(q[a], g[a])
                b = 1 - a
                if overlap >= 0.5 * (g[a + 2] - g[a]) and q[b] <= (g[b] + g[b + 2]) / 2 <= q[b + 2]:
                    out.add((li, k))
        return sorted(out)

    def in_shape(self, inside: Inside, region: Box) -> list[tuple[int, int]]:
        return [(li, k) for li, k, g in self.glyphs(region) if rg.inside_share(inside, g) >= GLYPH_SHARE]

    def under_ink(self, ink: rg.StrokeInk) -> list[tuple[int, int]]:
        """Glyphs the ink crosses along half their advance, reaching into the line's em box
        (extended 0.3 em below it, left of a vertical line)."""
        out = []
        seen: dict[int, list[tuple[float, float]]] = {}
        for li, k, g in self.glyphs(ink.box, below=0.3):
            if self.lines[li].get("vertical"):
                w = g[2] - g[0]
                if li not in seen:
                    seen[li] = ink.spans(g[0] - 0.3 * w, g[2], 0.4 * w, vertical=True)
                lo, hi = g[1], g[3]
            else:
                h = g[3] - g[1]
                if li not in seen:
                    seen[li] = ink.spans(g[1] - 0.3 * h, g[3], 0.4 * h)
                lo, hi = g[0], g[2]
            if rg.covered_length(seen[li], lo, hi) >= 0.5 * (hi - lo):
                out.append((li, k))
        return out

    def line_at(self, x: float, y: float, slack: float = 0.25) -> int | None:
        """The text line whose box (widened by ``slack`` of its em size) holds the point; of
        several, the one whose centre line (across it) is nearest."""
        best = None
        for li, line in enumerate(self.lines):
            bx0, by0, bx1, by1 = line["box"]
            vertical = line.get("vertical")
            pad = slack * ((bx1 - bx0) if vertical else (by1 - by0))
            if bx0 - pad <= x <= bx1 + pad and by0 - pad <= y <= by1 + pad:
                d = abs(x - (bx0 + bx1) / 2) if vertical else abs(y - (by0 + by1) / 2)
                if best is None or d < best[0]:
                    best = (d, li)
        return best[1] if best else None

    def nearest_glyph(self, li: int, x: float, y: float) -> int:
        """The character of line ``li`` whose centre along the line is nearest the point."""
        line = self.lines[li]
        at = y if line.get("vertical") else x
        edges = rg.line_edges(line)
        return min(range(len(edges) - 1), key=lambda i: abs((edges[i] + edges[i + 1]) / 2 - at))

    def nearest_boundary(self, li: int, x: float, y: float) -> int:
        """The character boundary of line ``li`` (0 … its length) nearest the point along the line."""
        line = self.lines[li]
        at = y if line.get("vertical") else x
        edges = rg.line_edges(line)
        return min(range(len(edges)), key=lambda i: abs(edges[i] - at))


# -- what an annotation covers -----------------------------------------------------------------


Located = tuple[str, str, list[Place]]  # where, quoted, places


def _places(page: _Page, chars: list[tuple[int, int]]) -> tuple[str, list[Place]]:
    """The covered characters as shown text and as stretches of source fields, in reading order."""
    places: list[Place] = []
    shown = []
    for li, k in sorted(set(chars)):
        line = page.lines[li]
        ch = line["text"][k : k + 1]
        shown.append(ch)
        at = page.offset(li, k)
        if at is None:
            continue
        last = places[-1] if places else None
        if last and last.source == line["source"] and last.end == at:
            last.end, last.text = at + 1, last.text + ch  # a stretch running on (also to the next line)
        else:
            places.append(Place(line["file"], line["line"], line["source"], at, at + 1, line["profile"], ch))
    return "".join(shown), places


def _text_located(page: _Page, chars: list[tuple[int, int]]) -> Located:
    if not chars:
        return "page", "", []
    quoted, places = _places(page, chars)
    caption = places and all(p.source.endswith(".photo.caption") for p in places)
    return ("caption" if caption else "text"), quoted, places


def _profile_place(page: _Page, profile: str) -> Place:
    """The profile itself: its YAML path and first mapped line."""
    lines = [ln for ln in page.lines if ln["profile"] == profile and ln["line"]]
    photo = next((p for p in page.photos if p.get("profile") == profile), None)
    if lines:
        first = min(lines, key=lambda ln: ln["line"])
        path = re.match(r"^(?:[^#]+#)?profiles\[\d+\]", first["source"])
        return Place(first["file"], first["line"], path.group(0) if path else "", 0, 0, profile, "")
    if photo:
        return Place(photo["file"], photo["line"], photo["source"].rsplit(".", 1)[0], 0, 0, profile, "")
    return Place(page.map.get("file", ""), None, "", 0, 0, profile, "")


def _photo_place(photo: dict) -> Place:
    return Place(photo.get("file", ""), photo.get("line"), photo.get("source", ""), 0, 0, photo.get("profile", ""), "")


def _shape(page: _Page, inside: Inside, region: Box) -> Located:
    """A closed shape: round modules, a photo, a caption, or text; a small mark on a photo."""
    modules = [m for m in page.modules if rg.inside_share(inside, rg.normal_box(m["box"])) >= BOX_SHARE]
    if modules:
        return "module", "", [_profile_place(page, m["id"]) for m in modules]
    for photo in page.photos:
        if rg.inside_share(inside, rg.normal_box(photo["box"])) >= BOX_SHARE:
            return "photo", "", [_photo_place(photo)]
    for photo in page.photos:
        cap = photo.get("caption")
        if cap and rg.inside_share(inside, rg.normal_box(cap)) >= BOX_SHARE:
            return _text_located(page, page.in_shape(inside, region))
    located = _text_located(page, page.in_shape(inside, region))
    if located[0] != "page":
        return located
    return _on_photo(page, region)


def _on_photo(page: _Page, region: Box) -> Located:
    """A mark mostly on a photo (a small circle on a face, a stamp) is about the photo."""
    for photo in page.photos:
        if rg.inside_share(rg.in_rect(rg.normal_box(photo["box"])), region) >= 0.5:
            return "photo", "", [_photo_place(photo)]
    return "page", "", []


def _at_point(page: _Page, x: float, y: float, whole_line: bool) -> Located:
    """A point on a text line (the whole line, or the glyph there), else on a photo, else the page."""
    li = page.line_at(x, y)
    if li is not None:
        if whole_line:
            return _text_located(page, [(li, k) for k in range(len(rg.line_edges(page.lines[li])) - 1)])
        return _text_located(page, [(li, page.nearest_glyph(li, x, y))])
    return _on_photo(page, (x - 0.5, y - 0.5, x + 0.5, y + 0.5))


def _caret(page: _Page, annot: pikepdf.Dictionary) -> Located:
    """A caret's insertion point: the apex of its symbol, top centre (a symbol taller than
    wide is a caret turned with vertical text, pointing right: its right middle)."""
    x0, y0, x1, y1 = _inner(annot)
    x, y = (x0 + x1) / 2, y1
    li = page.line_at(x, y, slack=0.5)
    if y1 - y0 > x1 - x0 and (li is None or page.lines[li].get("vertical")):
        turned = page.line_at(x1, (y0 + y1) / 2, slack=0.5)
        if turned is not None and page.lines[turned].get("vertical"):
            x, y, li = x1, (y0 + y1) / 2, turned
    if li is None:
        return "page", "", []
    line = page.lines[li]
    k = page.nearest_boundary(li, x, y)
    at = page.boundary(li, k)
    quoted = line["text"][:k] + "‸" + line["text"][k:]
    return "text", quoted, [Place(line["file"], line["line"], line["source"], at, at, line["profile"], "")]


def _strokes_located(page: _Page, kind: str, annot: pikepdf.Dictionary) -> Located:
    strokes = [s for s in _strokes(kind, annot) if s]
    width = _width(annot)
    if kind == "Ink" and len(strokes) == 1 and rg.is_loop(strokes[0], width):
        return _shape(page, rg.in_polygon(strokes[0]), rg.bbox(strokes[0]))
    ink = rg.StrokeInk(strokes, width)
    located = _text_located(page, page.under_ink(ink))
    return located if located[0] != "page" else _on_photo(page, ink.box)


def _locate(kind: str, annot: pikepdf.Dictionary, page: _Page) -> Located:
    if kind in MARKUP:
        quads = _quads(annot)
        located = _text_located(page, page.in_quads(quads))
        return (
            located
            if located[0] != "page"
            else _on_photo(page, rg.bbox([q[:2] for q in quads] + [q[2:] for q in quads]))
        )
    if kind in STROKES:
        return _strokes_located(page, kind, annot)
    if kind == "Caret":
        return _caret(page, annot)
    if kind in ICONS:
        x0, _, _, y1 = _rect(annot)
        return _at_point(page, x0, y1, whole_line=True)
    if kind == "FreeText" and "/CL" in annot and _text(annot.get("/IT")) == "/FreeTextCallout":
        cl = _numbers(annot["/CL"], "/CL", 2, 4)
        return _at_point(page, cl[0], cl[1], whole_line=False)
    box = _inner(annot)
    if kind == "Polygon":
        points = _strokes(kind, annot)[0]
        return _shape(page, rg.in_polygon(points), rg.bbox(points))
    inside = rg.in_ellipse(box) if kind == "Circle" else rg.in_rect(box)
    return _shape(page, inside, box)


# -- reading the file --------------------------------------------------------------------------


@dataclass
class _Raw:
    """A comment as read, with the links still to resolve."""

    comment: Comment
    parent: str = ""  # /IRT's object number
    group: bool = False  # /RT /Group
    state_model: str = ""
    order: int = 0


def _ref(annot: pikepdf.Object, page: int, index: int) -> str:
    return f"{annot.objgen[0]} {annot.objgen[1]}" if annot.is_indirect else f"p{page}-a{index}"


def _stable_id(annot: pikepdf.Dictionary, kind: str, rect: Box) -> str:
    nm = _text(annot.get("/NM")).strip()
    if nm:
        return nm
    key = "|".join([kind, ",".join(str(round(v)) for v in rect), _text(annot.get("/T")), _text(annot.get("/Contents"))])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _state(annot: pikepdf.Dictionary, text: str) -> tuple[str, str]:
    """(state model, state) of a state reply: /State, else a text such as 'Accepted set by X'."""
    if "/State" in annot:
        return _text(annot.get("/StateModel")) or "Review", _text(annot.get("/State"))
    m = STATE_TEXT.match(text)
    if m and "/IRT" in annot:
        state = m.group(1).capitalize()
        return ("Marked" if state in ("Marked", "Unmarked") else "Review"), state
    return "", ""


def _read_one(annot: pikepdf.Dictionary, kind: str, ref: str, page: _Page, where: tuple[int, int]) -> _Raw:
    rect = _rect(annot)
    text = _text(annot.get("/Contents"))
    reply = "/IRT" in annot and _text(annot.get("/RT")) != "/Group"
    located = ("page", "", []) if reply else _locate(kind, annot, page)
    comment = Comment(
        ref=ref,
        kind=kind,
        page=where[0],
        number=where[1],
        author=_text(annot.get("/T")),
        date=pdf_date(_text(annot.get("/M") or annot.get("/CreationDate"))),
        text=text,
        quoted=located[1],
        places=located[2],
        where=located[0],
        id=_stable_id(annot, kind, rect),
        subject=_text(annot.get("/Subj")),
        box=[round(v, 2) for v in rect],
    )
    model, state = _state(annot, text)
    comment.state = state
    parent = annot.get("/IRT")
    parent_ref = (
        f"{parent.objgen[0]} {parent.objgen[1]}" if isinstance(parent, pikepdf.Object) and parent.is_indirect else ""
    )
    return _Raw(comment, parent_ref, _text(annot.get("/RT")) == "/Group", model)


def _page_annots(pdf_page: pikepdf.Page, index: int, number: int, page: _Page, warn: list[str]) -> list[_Raw]:
    annots = pdf_page.obj.get("/Annots")
    if annots is None:
        return []
    if not isinstance(annots, pikepdf.Array):
        warn.append(f"page {index}: /Annots is not an array; its annotations are skipped")
        return []
    out = []
    for i, annot in enumerate(annots):
        where = f"page {index}: /Annots[{i}]"
        if not isinstance(annot, pikepdf.Dictionary):
            warn.append(f"{where} is {'null' if annot is None else type(annot).__name__}, not an annotation; skipped")
            continue
        ref = _ref(annot, index, i)
        kind = _text(annot.get("/Subtype"))[1:]
        if kind in SKIP:
            continue
        if kind not in KNOWN:
            warn.append(f"{where} (object {ref}): unknown subtype {kind or '(none)'!r}; skipped")
            continue
        try:
            out.append(_read_one(annot, kind, ref, page, (index, number)))
        except READ_ERRORS as exc:
            warn.append(f"{where} (object {ref}, {kind}): {exc}; skipped")
    return out


def _open(pdf_path: Path, password: str) -> pikepdf.Pdf:
    try:
        return pikepdf.open(pdf_path, password=password)
    except pikepdf.PasswordError as exc:
        raise EncryptedPDF(f"{pdf_path.name}: encrypted: give --password") from exc
    except (pikepdf.PdfError, OSError) as exc:
        raise UnreadablePDF(f"{pdf_path.name}: not a readable PDF ({exc})") from exc


def read_comments_with_warnings(pdf_path: Path, doc_map: dict, password: str = "") -> tuple[list[Comment], list[str]]:
    """Every annotation of the PDF (replies under what they answer, in page and reading
    order) and a warning for each one, or each page, that could not be read."""
    pages = doc_map["pages"]
    warn: list[str] = []
    raws: list[_Raw] = []
    with _open(pdf_path, password) as pdf:
        if len(pdf.pages) != len(pages):
            raise ValueError(
                f"{pdf_path.name} has {len(pdf.pages)} pages but its map has {len(pages)}: "
                "is this the draft the map was written for?"
            )
        for index, page_map in enumerate(pages, start=1):
            try:
                pdf_page = pdf.pages[index - 1]
                number = int(page_map.get("number", index))
                raws += _page_annots(pdf_page, index, number, _Page(page_map), warn)
            except READ_ERRORS as exc:
                warn.append(f"page {index}: unreadable ({exc}); its annotations are skipped")
    for n, raw in enumerate(raws):
        raw.order = n
    return _resolve(raws, pages, warn), warn


def read_comments(pdf_path: Path, doc_map: dict, password: str = "") -> list[Comment]:
    """Every annotation of the PDF, replies attached to what they answer, in page and
    reading order (unreadable annotations left out: ``read_comments_with_warnings``)."""
    return read_comments_with_warnings(pdf_path, doc_map, password)[0]


# -- replies, states, groups, edits ------------------------------------------------------------


def _group(head: Comment, member: Comment) -> None:
    """Fold a grouped annotation into its group's head: a caret and a strike-out make a replacement."""
    kinds = {head.kind, member.kind}
    if kinds == {"Caret", "StrikeOut"}:
        strike, caret = (head, member) if head.kind == "StrikeOut" else (member, head)
        head.where, head.quoted, head.places = strike.where, strike.quoted, strike.places
        head.text = caret.text or strike.text
        head.edit = _edit("replace", strike.places, caret.text)
        return
    head.places += member.places
    head.quoted = "".join(x for x in (head.quoted, member.quoted) if x)
    if head.where == "page":
        head.where = member.where


def _edit(kind: str, places: list[Place], new: str) -> Edit | None:
    if len(places) != 1 or not places[0].text and kind != "insert":
        return None
    p = places[0]
    if kind == "insert" and (not new.strip() or p.start != p.end):
        return None
    old = "" if kind == "insert" else p.text
    return Edit(kind, old, new.strip() if kind != "delete" else "", p.source, p.start, p.end, p.file, p.line)


def _own_edit(c: Comment) -> None:
    if c.edit is not None or c.where != "text":
        return
    if c.kind == "Caret":
        c.edit = _edit("insert", c.places, c.text)
    elif c.kind == "StrikeOut":
        c.edit = _edit("delete", c.places, "")


def _resolve(raws: list[_Raw], pages: list[dict], warn: list[str]) -> list[Comment]:
    by_ref = {r.comment.ref: r for r in raws}
    head: dict[str, str] = {}  # a group member's ref → its head's ref
    for r in raws:
        if r.group and r.parent in by_ref:
            head[r.comment.ref] = r.parent
            _group(by_ref[r.parent].comment, r.comment)
    top: list[Comment] = []
    for r in sorted(raws, key=lambda r: (r.comment.date, r.order)):
        c = r.comment
        if c.ref in head:
            continue
        parent = by_ref.get(head.get(r.parent, r.parent)) if r.parent else None
        if parent is None:
            if r.parent:
                warn.append(f"page {c.page}: object {c.ref} answers object {r.parent}, which is not on the page; "
                            "listed on its own")  # fmt: skip
            top.append(c)
            continue
        c.in_reply_to, c.where = parent.comment.ref, parent.comment.where
        parent.comment.replies.append(c)
        if c.state and r.state_model != "Marked":
            parent.comment.state = c.state  # the latest review state wins
    for c in top:
        if c.ref not in head.values():  # a group's edit is the group's, or none
            _own_edit(c)
    return sorted(top, key=lambda c: _position(c, pages))


def _position(c: Comment, pages: list[dict]) -> tuple[int, int, int, int]:
    """Reading order: page, then the first mapped line covered; page-level comments last."""
    lines = pages[c.page - 1]["lines"]
    first = next((i for i, ln in enumerate(lines) for pl in c.places[:1] if ln["source"] == pl.source), 1 << 30)
    return c.page, c.where == "page", first, c.places[0].start if c.places else 0


# -- Markdown ----------------------------------------------------------------------------------


FIELDS = {
    "headline": "headline",
    "name": "name",
    "role": "role",
    "photo": "photo",
    "photo.caption": "photo caption",
    "quote.text": "pull quote",
    "quote.by": "pull quote's source",
    "jump": "jump line",
    "jump_from": "jump line",
}


def field_name(source: str) -> str:
    """'profiles[2].body[1]' → 'body paragraph 2'; '' (a profile itself) → 'the whole module'."""
    m = re.match(r"^(?:[^#]+#)?profiles\[\d+\]\.?(.*)$", source)
    rest = m.group(1) if m else source
    if not rest:
        return "the whole module"
    para = re.match(r"^(\w+)\[(\d+)\]$", rest)
    if para:
        word = {"body": "body paragraph", "intro": "intro paragraph"}.get(para.group(1), para.group(1))
        return f"{word} {int(para.group(2)) + 1}"
    return FIELDS.get(rest, rest)


def as_markdown(comments: list[Comment], title: str) -> str:
    """The comments grouped per profile (in page order), then the page-level ones."""
    groups: dict[str, list[Comment]] = {}
    for c in comments:
        groups.setdefault(c.profile or "", []).append(c)
    out = [f"# Comments on {title}", ""]
    for profile in sorted(groups, key=lambda p: p == ""):
        items = groups[profile]
        first = next((p for c in items for p in c.places if p.line), None)
        where = f" — {Path(first.file).name}:{first.line}" if first else ""
        out += [f"## {profile}{where}" if profile else "## Page-level and page furniture", ""]
        for c in items:
            out += _markdown_item(c, 0)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _markdown_item(c: Comment, depth: int) -> list[str]:
    pad = "  " * depth
    who = c.author or "(no author)"
    when = f", {c.date}" if c.date else ""
    state = f" [{c.state}]" if c.state else ""
    lines = [f"{pad}- **{c.kind}** by {who}{when}, 第{c.number}版{state}"]
    if c.text:
        lines.append(f"{pad}  > {c.text}")
    if depth == 0:
        lines += [f"{pad}  {s}" for s in _markdown_where(c)]
    for r in c.replies:
        lines += _markdown_item(r, depth + 1)
    return lines


def _markdown_where(c: Comment) -> list[str]:
    out = []
    if c.where == "page":
        out.append("on the page (nothing under it)")
    elif c.quoted:
        out.append(f"on “{c.quoted}”")
    for p in c.places:
        span = "" if c.where in ("photo", "module") else f", characters {p.start}" + (
            "" if p.start == p.end else f"–{p.end}")  # fmt: skip
        line = f" ({Path(p.file).name}:{p.line})" if p.line else ""
        out.append(f"{c.where}: {field_name(p.source)} `{p.source}`{span}{line}")
    if c.edit:
        e = c.edit
        what = {
            "insert": f"insert “{e.new}”",
            "delete": f"delete “{e.old}”",
            "replace": f"replace “{e.old}” with “{e.new}”",
        }
        out.append(f"proposes: {what[e.kind]} in `{e.source}` at {e.start}–{e.end} ({Path(e.file).name}:{e.line})")
    return out
