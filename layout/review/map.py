"""The draft's source map (review stage): where every text line of a page came from.

Input: a set page (``PageFrame``), the faces that measured it, where the page
sits on its sheet (a proof's margin), and a function locating a YAML path in
its file. Output: a JSON-ready dict: per text line its box in PDF user space
(points, y up), the left edge of every character, the text shown, and its
source: file, YAML path (``profiles[3].body[2]``), character offsets in that
field's normalised text, YAML line, and the profile it belongs to. Reviewers'
annotations are mapped back to the content through it (``comments.py``), and
two proof rounds are compared through it (``diff.py``). Each page also lists its photo
boxes (``photo_boxes``: profile, YAML path, caption box), which reviewers' shapes
are matched to. From version 2 each
page also records its makeup in grid units (``grid_record``: style, columns,
zone, leading, every module's rectangle and photo, open areas, booked blocks,
and the modules moved since the previous round), which ``--keep`` reads back
(``page/keep.py``) and ``diff.py`` compares; readers accept versions 1 and 2.
Version 3 adds vertical lines (竖排): such a line has ``"vertical": true``, its
``box`` the column of its em boxes (centre line ± half the size across, top to
bottom), and ``"y"`` instead of ``"x"``: the top edge of every character and,
last, the bottom edge of the last one (PDF y, decreasing). A map with no vertical
line is written as version 2 (the same bytes as before, readable by version 2
readers); readers take versions 1 to 3.
The map is bound to its PDF: ``map_digest`` (SHA-256 of the pages' records) is
written in the map as ``binding`` and in the PDF's Info as ``/BanmianMap``
(``post/draft.py``), so a map that belongs to another draft is recognised.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from layout.fonts.metrics import FontFace
from layout.frame import ImageItem, PageFrame, TextItem

ASCENT, DESCENT = 0.88, 0.12  # the ideographic em box around the baseline, in em
MAP_VERSION = 3  # 2: pages record their arrangement (grid_record); 3: vertical lines ("y" edges)
HORIZONTAL_VERSION = 2  # what a map with no vertical line is written as
PROFILE_PATH = re.compile(r"^(?:(?P<file>[^#]+)#)?(?P<profile>profiles\[\d+\])")


def char_edges(item: TextItem, faces: dict[str, FontFace]) -> list[float]:
    """The left edge of each character of a text item and, last, the right edge of
    the last one, from the item's left (as the drawing stage places them). For a
    vertical item: the top edges, down the line from its top; a tate-chu-yoko run
    ("tcy") shares one em evenly among its digits."""
    edges: list[float] = []
    for run in item.runs:
        key = run.variant[3:] if run.variant.startswith("fb:") else item.font
        face = faces.get(key) or faces[item.font]
        x = run.x
        for k, ch in enumerate(run.text):
            edges.append(x)
            if run.variant == "tcy":
                x += item.size / len(run.text)
                continue
            adv = face.advance(ch) * item.size * (0.5 if run.variant == "half" else 1.0)
            x += adv + (run.char_space if k < len(run.text) - 1 else 0.0)
        last = x
    if not edges:
        return [0.0]
    edges.append(last)
    return edges


def page_map(
    frame: PageFrame,
    faces: dict[str, FontFace],
    *,
    number: int,
    file: str,
    locate: Callable[[str], tuple[str, int | None]],
    profile_ids: dict[str, str],
    origin: tuple[float, float] = (0.0, 0.0),
    arrangement: dict | None = None,
) -> dict:
    """The map of one page. ``origin``: where the page's top-left corner is in PDF
    user space, y up (0, page height for a plain page; shifted on a proof sheet).
    ``locate(source)`` gives (file, YAML line) of a source path; ``profile_ids``
    maps 'profiles[3]' (or 'p1.yaml#profiles[3]') to the profile's id; ``arrangement``:
    the page's ``grid_record``."""
    ox, oy = origin
    lines = []
    for item in frame.items:
        if not isinstance(item, TextItem) or not item.runs:
            continue
        src_file, line = locate(item.source)
        m = PROFILE_PATH.match(item.source)
        profile = profile_ids.get(m.group(0), "") if m else ""
        record = {
            "text": item.text,
            "source": item.source,
            "file": src_file,
            "line": line,
            "start": item.start,
            "end": item.end,
            "profile": profile,
            "role": item.role,
        }
        lines.append(record | _geometry(item, char_edges(item, faces), origin))
    modules = [
        {
            "id": b.id,
            "box": [
                round(ox + b.x, 2),
                round(oy - b.y - b.height, 2),
                round(ox + b.x + b.width, 2),
                round(oy - b.y, 2),
            ],
        }
        for b in frame.boxes
    ]
    photos = photo_boxes(frame, lines, origin, locate, profile_ids)
    out = {"number": number, "file": file, "lines": lines, "modules": modules, "photos": photos}
    if arrangement is not None:
        out["arrangement"] = arrangement
    return out


def _geometry(item: TextItem, edges: list[float], origin: tuple[float, float]) -> dict:
    """A line's box and character edges in PDF user space: ``x`` (left edges) for a
    horizontal line; ``vertical``, and ``y`` (top edges, decreasing) for a vertical one."""
    ox, oy = origin
    if item.vertical:
        top = oy - item.baseline
        x0, x1 = ox + item.x - item.size / 2, ox + item.x + item.size / 2
        box = [round(x0, 2), round(top - edges[-1], 2), round(x1, 2), round(top - edges[0], 2)]
        return {"vertical": True, "box": box, "y": [round(top - e, 2) for e in edges]}
    x0 = ox + item.x
    top = oy - (item.baseline - ASCENT * item.size)
    bottom = oy - (item.baseline + DESCENT * item.size)
    box = [round(x0 + edges[0], 2), round(bottom, 2), round(x0 + edges[-1], 2), round(top, 2)]
    return {"box": box, "x": [round(x0 + e, 2) for e in edges]}


def photo_boxes(
    frame: PageFrame,
    lines: list[dict],
    origin: tuple[float, float],
    locate: Callable[[str], tuple[str, int | None]],
    profile_ids: dict[str, str],
) -> list[dict]:
    """Each photo box of the page in PDF user space with its profile (the module box
    holding it), YAML path (``profiles[3].photo``), file and line, and the box of its
    caption lines (None without a caption): what reviewers' shapes are matched to."""
    ox, oy = origin
    paths = {v: k for k, v in profile_ids.items()}
    out = []
    for item in frame.items:
        if not isinstance(item, ImageItem):
            continue
        cx, cy = item.x + item.width / 2, item.y + item.height / 2
        owner = next((b.id for b in frame.boxes if b.x <= cx <= b.x + b.width and b.y <= cy <= b.y + b.height), "")
        source = f"{paths[owner]}.photo" if owner in paths else ""
        caption = [ln["box"] for ln in lines if source and ln["source"] == f"{source}.caption"]
        src_file, line = locate(source) if source else ("", None)
        box = [item.x, item.y + item.height, item.x + item.width, item.y]
        out.append(
            {
                "profile": owner,
                "source": source,
                "file": src_file,
                "line": line,
                "box": [round(ox + box[0], 2), round(oy - box[1], 2), round(ox + box[2], 2), round(oy - box[3], 2)],
                "caption": _union(caption),
            }
        )
    return out


def _union(boxes: list[list[float]]) -> list[float] | None:
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def grid_record(makeup: Any, style: str) -> dict:
    """A page's makeup in grid units of its module zone (0-based columns and rows): what
    ``--keep`` needs to set the next round in the same arrangement."""
    units = [
        {
            "ids": list(u.ids),
            "briefs": u.briefs,
            "column": u.column,
            "span": u.span,
            "row": u.row,
            "rows": u.rows,
            "photo": u.photo,
            "legs": list(u.legs),
            "blank": u.blank_cells,
            "broken": list(u.broken),
            **({"vertical_headline": True} if u.vertical_headline else {}),  # 竖题: the key only then
        }
        for u in makeup.units
    ]
    top = makeup.zone_top
    booked = [  # the part of each booked block inside the module zone
        {"id": b.ad.id, "column": b.column, "row": max(0, b.row - top), "columns": b.columns, "rows": rows}
        for b in getattr(makeup, "booked", ())
        if (rows := b.row + b.rows - max(b.row, top)) > 0
    ]
    return {
        "style": style,
        "columns": makeup.columns,
        "zone_rows": makeup.zone_rows,
        "zone_top": top,
        "leading": makeup.leading,
        "units": units,
        "open": [{"column": a.column, "row": a.row, "columns": a.columns, "rows": a.rows} for a in makeup.open_areas],
        "booked": booked,
        "moved": [m.as_dict() for m in getattr(makeup, "moved", ())],
    }


def map_digest(doc: dict) -> str:
    """SHA-256 (hex) of a map's own content: its pages' records (text lines with their
    boxes and sources, modules, arrangement) in canonical JSON. The same for the map
    attached to a draft, its sidecar and any copy, whatever their key order."""
    pages = doc.get("pages") if isinstance(doc, dict) else None
    canon = json.dumps(pages, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()


def document_map(pages: list[dict], content: str) -> dict:
    """The sidecar for a draft PDF: its pages' maps, in page order; ``content`` names
    the page or edition file it was made from; ``binding`` the digest the PDF records.
    ``version``: 3 if a line is vertical, else 2 (a horizontal draft's map unchanged)."""
    vertical = any(ln.get("vertical") for page in pages for ln in page.get("lines", []))
    doc = {"version": MAP_VERSION if vertical else HORIZONTAL_VERSION, "content": content, "pages": pages}
    doc["binding"] = map_digest(doc)
    return doc
