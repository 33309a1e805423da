"""Reviewers' comments shown on their pages (review stage).

Input: a reviewed draft PDF, its comments (``comments.py``: each with its
annotation's box in PDF user space and the places in the source it was located
to) and the draft's source map (``map.py``: every line's box). Output: page
pictures (PNG, rendered by ``pictures.py``) with each comment's annotation box
outlined, the lines it was located to tinted in another colour and, on the
pictures written for ``--png``, the comment's number in a disc at the box's top
left; and one self-contained HTML file per document: the pictures (data URIs)
with numbered markers over them, and beside them the list of comments (number,
kind, author, state, profile, field, YAML file and line, the text covered, what
the reviewer wrote, replies, the edit proposed). Comments are numbered 1, 2 … in
the order ``read_comments`` gives (page and reading order); replies keep their
parent's number. A vertical line (竖排) is tinted as its em column, the map's box.
"""

from __future__ import annotations

import base64
import html
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.review.pictures import NoRenderer, Space, page_spaces, render_pngs

DPI = 72  # comment pictures: small type stays legible
RADIUS = 10  # the number's disc, pixels
MARKER = (220, 0, 120)  # the disc and the annotation's outline (magenta)
LINES = ((0, 150, 255, 70), (0, 100, 220, 255))  # the located lines: tint, outline (blue)


@dataclass
class Spot:
    """One comment on its page picture, in pixels."""

    number: int
    page: int  # 1-based page of the PDF
    box: tuple[float, float, float, float] | None  # the annotation's box (left, top, right, bottom)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # the lines it covers
    centre: tuple[float, float] = (0.0, 0.0)  # of the numbered marker


def _lines_of(comment: Any, page_map: dict) -> list[list[float]]:
    """Boxes (user space) of the map's lines holding the comment's places."""
    out = []
    for place in getattr(comment, "places", []):
        for line in page_map.get("lines", []):
            if line.get("source") != place.source:
                continue
            start, end = line["start"], line["end"]
            inside = (
                start <= place.start <= end if place.start == place.end else start < place.end and place.start < end
            )
            if inside:
                out.append(line["box"])
    return out


def spots(comments: list, doc_map: dict, spaces: list[Space]) -> list[Spot]:
    """Each top-level comment, numbered from 1, placed on its page picture."""
    out = []
    for number, c in enumerate(comments, 1):
        if not 1 <= c.page <= len(spaces):
            continue
        space, page_map = spaces[c.page - 1], doc_map["pages"][c.page - 1]
        box = getattr(c, "box", None)
        spot = Spot(number, c.page, space.box(box) if box and len(box) == 4 else None)
        spot.lines = [space.box(b) for b in _lines_of(c, page_map)]
        anchor = spot.box or (spot.lines[0] if spot.lines else (0.0, 0.0, 0.0, 0.0))
        width, height = _size(space)
        spot.centre = (min(max(anchor[0], RADIUS), width - RADIUS), min(max(anchor[1], RADIUS), height - RADIUS))
        out.append(spot)
    return out


def _size(space: Space) -> tuple[float, float]:
    x0, y0, x1, y1 = space.crop
    w, h = (x1 - x0) * space.scale, (y1 - y0) * space.scale
    return (h, w) if space.rotate in (90, 270) else (w, h)


def _font(size: int):  # noqa: ANN202 (a PIL font)
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow before 10.1: the fixed bitmap font
        return ImageFont.load_default()


def draw(png: Path, page_spots: list[Spot], numbers: bool) -> None:
    """Outline each annotation box, tint the lines it covers and (``numbers``) put its number
    in a disc at the box's top left, on the page picture ``png`` (rewritten)."""
    from PIL import Image, ImageDraw

    with Image.open(png) as src:
        img = src.convert("RGBA")
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)
    for s in page_spots:
        for left, top, right, bottom in s.lines:
            pen.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=LINES[0], outline=LINES[1])
    for s in page_spots:
        if s.box:
            pen.rectangle(s.box, outline=(*MARKER, 255), width=2)
    img = Image.alpha_composite(img, overlay)
    if numbers:
        pen = ImageDraw.Draw(img)
        for s in page_spots:
            x, y = s.centre
            pen.ellipse((x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS), fill=(*MARKER, 255))
            pen.text((x, y), str(s.number), fill=(255, 255, 255, 255), font=_font(12), anchor="mm")
    img.convert("RGB").save(png)


def _pictures(pdf: Path, comments: list, doc_map: dict, prefix: Path, numbers: bool) -> list[tuple[Path, list[Spot]]]:
    """Pictures of the pages that have comments (others removed), with their spots."""
    spaces = page_spaces(pdf, DPI)
    placed = spots(comments, doc_map, spaces)
    out = []
    for index, png in enumerate(render_pngs(pdf, prefix, DPI), 1):
        page_spots = [s for s in placed if s.page == index]
        if not page_spots:
            png.unlink()
            continue
        draw(png, page_spots, numbers)
        out.append((png, page_spots))
    return out


def write_pngs(pdf: Path, comments: list, doc_map: dict, folder: Path) -> list[Path]:
    """``NAME-comments-N.png`` in ``folder`` for each page N with comments, numbers drawn."""
    return [png for png, _ in _pictures(pdf, comments, doc_map, folder / f"{pdf.stem}-comments", True)]


def write_html(pdf: Path, comments: list, doc_map: dict, out: Path) -> Path:
    """One self-contained HTML file: each page with comments (picture as a data URI,
    numbered markers over it) beside the list of its comments."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        pages = _pictures(pdf, comments, doc_map, Path(tmp) / "page", False)
        sections = [_section(png, page_spots, comments) for png, page_spots in pages]
    body = "\n".join(sections) or "<p>No comments.</p>"
    title = html.escape(f"Comments on {pdf.name}")
    out.write_text(HTML.format(title=title, body=body), encoding="utf-8")
    return out


HTML = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; }}
section {{ display: flex; gap: 1.5em; align-items: flex-start; margin-bottom: 2em; }}
figure {{ position: relative; margin: 0; flex: 0 0 auto; max-width: 60%; }}
figure img {{ display: block; width: 100%; height: auto; border: 1px solid #999; }}
a.marker {{ position: absolute; transform: translate(-50%, -50%); width: 20px; height: 20px;
  border-radius: 50%; background: rgb(220, 0, 120); color: #fff; font: bold 12px/20px sans-serif;
  text-align: center; text-decoration: none; }}
ol {{ list-style: none; padding: 0; margin: 0; flex: 1 1 auto; }}
li {{ border-left: 4px solid rgb(220, 0, 120); padding: 0.3em 0.8em; margin-bottom: 0.8em; }}
li .n {{ font-weight: bold; color: rgb(220, 0, 120); margin-right: 0.4em; }}
q, blockquote {{ color: #333; }} blockquote {{ margin: 0.3em 0; padding-left: 0.6em; border-left: 2px solid #ccc; }}
.meta {{ color: #555; font-size: 90%; }} .replies {{ margin-left: 1em; font-size: 95%; }}
</style></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""


def _section(png: Path, page_spots: list[Spot], comments: list) -> str:
    """One page: its picture with markers, beside its comments."""
    from PIL import Image

    with Image.open(png) as img:
        width, height = img.size
    data = base64.b64encode(png.read_bytes()).decode("ascii")
    markers = "".join(
        f'<a class="marker" href="#c{s.number}" style="left:{100 * s.centre[0] / width:.2f}%;'
        f'top:{100 * s.centre[1] / height:.2f}%">{s.number}</a>'
        for s in page_spots
    )
    items = "\n".join(_item(s.number, comments[s.number - 1]) for s in page_spots)
    page = page_spots[0].page
    return (
        f'<section id="page{page}"><figure><img alt="page {page}" src="data:image/png;base64,{data}" '
        f'width="{width}" height="{height}">{markers}</figure>\n<ol>\n{items}\n</ol></section>'
    )


def _item(number: int, c: Any) -> str:
    """One comment in the list: number, kind, author, state, where it points in the YAML,
    the text covered, the reviewer's text, the edit proposed, replies."""
    e = html.escape
    state = f" [{e(c.state)}]" if getattr(c, "state", "") else ""
    head = f'<span class="n">{number}</span><b>{e(c.kind)}</b> by {e(c.author or "(no author)")}{state}'
    where = f", {e(c.date)}" if c.date else ""
    parts = [f'<li id="c{number}">{head}<div class="meta">第{c.number}版, page {c.page}{where}']
    parts.append(f", on the {e(c.where)}</div>" if getattr(c, "where", "") else "</div>")
    parts += [f'<div class="meta">{_place(p)}</div>' for p in c.places]
    if c.quoted:
        parts.append(f"<div>on <q>{e(c.quoted)}</q></div>")
    if c.text:
        parts.append(f"<blockquote>{e(c.text)}</blockquote>")
    edit = getattr(c, "edit", None)
    if edit is not None:
        parts.append(f"<div>proposed edit: {_edit(edit)}</div>")
    replies = [_reply(r) for r in c.replies]
    if replies:
        parts.append('<div class="replies">' + "".join(replies) + "</div>")
    return "".join(parts) + "</li>"


def _edit(edit: Any) -> str:
    """An edit in words: insert “B”, delete “A”, replace “A” with “B”, and its YAML line."""
    e = html.escape
    what = {"insert": f"insert <ins>{e(edit.new)}</ins>", "delete": f"delete <del>{e(edit.old)}</del>"}.get(
        edit.kind, f"replace <del>{e(edit.old)}</del> with <ins>{e(edit.new)}</ins>"
    )
    line = f" ({e(Path(edit.file).name)}:{edit.line})" if getattr(edit, "file", "") and edit.line else ""
    return f"{what} in <code>{e(edit.source)}</code> at {edit.start}–{edit.end}{line}"


def _place(p: Any) -> str:
    span = f"{p.start}" if p.start == p.end else f"{p.start}–{p.end}"
    profile = f"{html.escape(p.profile)} · " if p.profile else ""
    line = f"{Path(p.file).name}:{p.line}" if p.line else Path(p.file).name
    return f"{profile}<code>{html.escape(p.source)}</code> characters {span} · {html.escape(line)}"


def _reply(r: Any) -> str:
    e = html.escape
    state = f" [{e(r.state)}]" if r.state else ""
    text = f": {e(r.text)}" if r.text else ""
    nested = "".join(_reply(x) for x in r.replies)
    return f"<div>↳ <b>{e(r.author or '(no author)')}</b>{state}{text}{nested}</div>"


def show(pdf: Path, comments: list, doc_map: dict, png: str | bool | None, page: str | bool | None) -> list[str]:
    """What ``comments --png [DIR] --html [FILE]`` writes (``True``: beside the PDF), as lines to
    print: ``picture: PATH`` / ``html: PATH``, or a note when no picture can be made."""
    try:
        lines = []
        if png:
            folder = Path(png) if isinstance(png, str) else pdf.parent
            made = write_pngs(pdf, comments, doc_map, folder)
            lines += [f"picture: {p}" for p in made] or ["note: no comments on any page: no pictures"]
        if page:
            out = Path(page) if isinstance(page, str) else pdf.with_name(f"{pdf.stem}.comments.html")
            lines.append(f"html: {write_html(pdf, comments, doc_map, out)}")
    except NoRenderer as exc:
        return [f"note: {exc}; no pictures"]
    except subprocess.CalledProcessError as exc:
        return [f"note: the page could not be rendered ({exc.stderr.decode(errors='replace').strip()}); no pictures"]
    return lines
