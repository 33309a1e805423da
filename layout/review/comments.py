"""Reviewers' annotations read back against the source (review stage).

Input: an annotated draft PDF (annotations made by any reader) and the draft's
source map (``map.py``). Output: ``Comment`` values: kind, author, date, the
comment's text, replies and review states, the exact text the annotation
covers (from QuadPoints in whatever vertex order, else its Rect or ink) and
where that text lives: file, YAML line, field path, character offsets and
profile. Annotations are read in PDF user space, the space the map is in, so
page rotation and MediaBox origins do not matter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

MARKUP = {"Highlight", "Underline", "Squiggly", "StrikeOut"}
AREA = {"Square", "Circle", "Ink", "Polygon", "PolyLine"}
SKIP = {"Link", "Popup", "Widget", "PrinterMark", "TrapNet"}


@dataclass
class Place:
    """A stretch of one source field that an annotation covers (or points into)."""

    file: str
    line: int | None  # YAML line of the field
    source: str  # YAML path, e.g. profiles[3].body[2]
    start: int  # character offsets in the field's normalised text
    end: int
    profile: str
    text: str  # the characters covered, as shown


@dataclass
class Comment:
    ref: str  # the annotation's object number, e.g. "42 0"
    kind: str  # Highlight, StrikeOut, Caret, Text, FreeText, Ink, Square, Circle …
    page: int  # 1-based page of the PDF
    number: int  # 版次 of that page
    author: str
    date: str  # ISO 8601, "" when the annotation has none
    text: str  # what the reviewer wrote
    quoted: str  # the text covered (an insertion point: the text around it, marked ‸)
    places: list[Place] = field(default_factory=list)
    state: str = ""  # review state set by a reply (Accepted, Rejected, Completed …)
    replies: list[Comment] = field(default_factory=list)
    in_reply_to: str = ""

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


def _quads(annot: pikepdf.Dictionary) -> list[tuple[float, float, float, float]]:
    """Axis-aligned boxes of the annotation's quadrilaterals (any vertex order), else its Rect."""
    quads = annot.get("/QuadPoints")
    if quads is not None and len(quads) >= 8:
        nums = [float(v) for v in quads]
        out = []
        for i in range(0, len(nums) - 7, 8):
            xs, ys = nums[i : i + 8 : 2], nums[i + 1 : i + 8 : 2]
            out.append((min(xs), min(ys), max(xs), max(ys)))
        return out
    return [_rect(annot)]


def _rect(annot: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    r = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
    return min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])


def _ink_box(annot: pikepdf.Dictionary) -> tuple[float, float, float, float]:
    points = [float(v) for stroke in annot.get("/InkList", []) for v in stroke]
    if len(points) < 2:
        return _rect(annot)
    xs, ys = points[0::2], points[1::2]
    return min(xs), min(ys), max(xs), max(ys)


class _Page:
    """One page of the map, for finding the characters in a region."""

    def __init__(self, page_map: dict) -> None:
        self.map = page_map
        self.lines = page_map["lines"]

    def covered(self, box: tuple[float, float, float, float], need_overlap: float = 0.5) -> list[tuple[int, int]]:
        """(line, character) pairs whose glyph centre lies in ``box`` (lines that the
        box overlaps by at least ``need_overlap`` of their height)."""
        x0, y0, x1, y1 = box
        out = []
        for li, line in enumerate(self.lines):
            bx0, by0, bx1, by1 = line["box"]
            overlap = min(y1, by1) - max(y0, by0)
            if overlap < need_overlap * (by1 - by0) or x1 < bx0 or x0 > bx1:
                continue
            xs = line["x"]
            for k in range(len(xs) - 1):
                centre = (xs[k] + xs[k + 1]) / 2
                if x0 <= centre <= x1:
                    out.append((li, k))
        return out

    def nearest_line(self, x: float, y: float) -> int | None:
        best, best_d = None, None
        for li, line in enumerate(self.lines):
            bx0, by0, bx1, by1 = line["box"]
            dx = max(bx0 - x, 0, x - bx1)
            dy = max(by0 - y, 0, y - by1)
            d = dx * dx + dy * dy
            if best_d is None or d < best_d:
                best, best_d = li, d
        return best

    def insertion(self, x: float, y: float) -> tuple[int, int] | None:
        """The character boundary nearest a point: (line, index of the character after it)."""
        li = self.nearest_line(x, y)
        if li is None:
            return None
        xs = self.lines[li]["x"]
        k = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
        return li, k


def _places(page: _Page, chars: list[tuple[int, int]]) -> tuple[str, list[Place]]:
    """The covered characters as text and as stretches of source fields, in reading order."""
    places: list[Place] = []
    text = []
    for li in sorted({li for li, _ in chars}):
        line = page.lines[li]
        ks = sorted(k for l2, k in chars if l2 == li)
        # consecutive runs of characters in this line
        runs: list[list[int]] = []
        for k in ks:
            if runs and k == runs[-1][-1] + 1:
                runs[-1].append(k)
            else:
                runs.append([k])
        for run in runs:
            shown = line["text"][run[0] : run[-1] + 1]
            text.append(shown)
            start = min(line["end"], line["start"] + run[0])
            end = min(line["end"], line["start"] + run[-1] + 1)
            last = places[-1] if places else None
            if last and last.source == line["source"] and last.end == start:
                last.end, last.text = end, last.text + shown  # a stretch running on to the next line
            else:
                places.append(Place(line["file"], line["line"], line["source"], start, end, line["profile"], shown))
    return "".join(text), places


def _locate(kind: str, annot: pikepdf.Dictionary, page: _Page) -> tuple[str, list[Place]]:
    if kind in MARKUP:
        chars = [c for box in _quads(annot) for c in page.covered(box)]
        return _places(page, sorted(set(chars)))
    if kind in AREA:
        box = _ink_box(annot) if kind == "Ink" else _rect(annot)
        return _places(page, page.covered(box, need_overlap=0.3))
    x0, y0, x1, y1 = _rect(annot)
    if kind == "Caret":
        rd = [float(v) for v in annot.get("/RD", [0, 0, 0, 0])]  # the symbol inside the Rect
        if len(rd) == 4:
            x0, y0, x1, y1 = x0 + rd[0], y0 + rd[3], x1 - rd[2], y1 - rd[1]
        hit = page.insertion((x0 + x1) / 2, y1)  # the caret's apex: top centre of its symbol
        if hit is None:
            return "", []
        li, k = hit
        line = page.lines[li]
        offset = min(line["end"], line["start"] + k)
        shown = line["text"][:k] + "‸" + line["text"][k:]
        return shown, [Place(line["file"], line["line"], line["source"], offset, offset, line["profile"], "")]
    if kind == "FreeText":
        chars = page.covered((x0, y0, x1, y1), need_overlap=0.3)
        if chars:
            return _places(page, chars)
    # a sticky note (or a box on empty paper): the line it sits on or nearest to
    li = page.nearest_line(x0, y1)
    if li is None:
        return "", []
    line = page.lines[li]
    return _places(page, [(li, k) for k in range(len(line["x"]) - 1)])


def read_comments(pdf_path: Path, doc_map: dict) -> list[Comment]:
    """Every annotation of the PDF, replies attached to what they answer, in page and
    reading order."""
    pages = doc_map["pages"]
    by_ref: dict[str, Comment] = {}
    order: list[Comment] = []
    with pikepdf.open(pdf_path) as pdf:
        if len(pdf.pages) != len(pages):
            raise ValueError(
                f"{pdf_path.name} has {len(pdf.pages)} pages but its map has {len(pages)}: "
                "is this the draft the map was written for?"
            )
        for index, (pdf_page, page_map) in enumerate(zip(pdf.pages, pages)):
            page = _Page(page_map)
            for annot in pdf_page.obj.get("/Annots", []):
                kind = str(annot.get("/Subtype", "/Unknown"))[1:]
                if kind in SKIP:
                    continue
                ref = f"{annot.objgen[0]} {annot.objgen[1]}" if annot.is_indirect else f"p{index + 1}-{len(order)}"
                quoted, places = ("", []) if "/IRT" in annot else _locate(kind, annot, page)
                comment = Comment(
                    ref=ref,
                    kind=kind,
                    page=index + 1,
                    number=int(page_map.get("number", index + 1)),
                    author=_text(annot.get("/T")),
                    date=pdf_date(_text(annot.get("/M") or annot.get("/CreationDate"))),
                    text=_text(annot.get("/Contents")),
                    quoted=quoted,
                    places=places,
                )
                if "/IRT" in annot:
                    parent = annot["/IRT"]
                    comment.in_reply_to = f"{parent.objgen[0]} {parent.objgen[1]}"
                    if "/State" in annot:
                        comment.state = _text(annot.get("/State"))
                by_ref[ref] = comment
                order.append(comment)
    position = {}  # reading order: page, then the first mapped line covered
    for c in order:
        lines = pages[c.page - 1]["lines"]
        first = next((i for i, ln in enumerate(lines) for pl in c.places[:1] if ln["source"] == pl.source), 1 << 30)
        position[c.ref] = (c.page, first, c.places[0].start if c.places else 0)
    order.sort(key=lambda c: position[c.ref])
    top = []
    for c in order:
        parent = by_ref.get(c.in_reply_to) if c.in_reply_to else None
        if parent is None:
            top.append(c)
        elif c.state and not c.text:
            parent.state = c.state  # a review state set on the parent
            parent.replies.append(c)
        else:
            parent.replies.append(c)
    return top


def as_markdown(comments: list[Comment], title: str) -> str:
    """The comments grouped by profile (page furniture and headline first)."""
    groups: dict[str, list[Comment]] = {}
    for c in comments:
        groups.setdefault(c.profile or "(page)", []).append(c)
    out = [f"# Comments on {title}", ""]
    for profile, items in groups.items():
        first = next((p for c in items for p in c.places), None)
        where = f" — {Path(first.file).name}:{first.line}" if first and first.line else ""
        out.append(f"## {profile}{where}")
        out.append("")
        for c in items:
            out += _markdown_item(c, 0)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _markdown_item(c: Comment, depth: int) -> list[str]:
    pad = "  " * depth
    who = c.author or "(no author)"
    when = f", {c.date}" if c.date else ""
    state = f" [{c.state}]" if c.state else ""
    head = f"{pad}- **{c.kind}** by {who}{when}, 第{c.number}版{state}"
    lines = [head]
    if c.text:
        lines.append(f"{pad}  > {c.text}")
    if c.quoted:
        lines.append(f"{pad}  on “{c.quoted}”")
    for p in c.places:
        span = f"{p.start}" if p.start == p.end else f"{p.start}–{p.end}"
        lines.append(f"{pad}  at `{p.source}` characters {span} ({Path(p.file).name}:{p.line})")
    for r in c.replies:
        lines += _markdown_item(r, depth + 1)
    return lines
