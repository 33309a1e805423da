"""Self-check of a made-up page (end of stage 3).

Input: a ``PageFrame``. Output: a list of problems: two items whose boxes
overlap (text, photos and booked blocks alike), or an item outside the trimmed page. Makeup must never produce
either; the orchestrator treats a problem as an internal error and writes
nothing, so an overlapping page never reaches an editor.
"""

from __future__ import annotations

from layout.frame import AdItem, ImageItem, Item, MarkItem, PageFrame, TextItem
from layout.page.context import ASCENT

TOLERANCE = 0.01  # points


def box(item: Item) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) of an item's ink area, y downwards; None for rules."""
    if isinstance(item, TextItem):
        return item.ink_box(ASCENT)
    if isinstance(item, (ImageItem, MarkItem, AdItem)):
        return (item.x, item.y, item.x + item.width, item.y + item.height)
    return None


def _describe(item: Item) -> str:
    if isinstance(item, TextItem):
        return f"{item.source} '{item.text[:12]}'"
    if isinstance(item, AdItem):
        return f"booked block '{item.id}'"
    return type(item).__name__


def check_frame(frame: PageFrame) -> list[str]:
    problems: list[str] = []
    boxed = [(b, it) for it in frame.items if (b := box(it)) is not None]
    for b, it in boxed:
        if b[0] < -TOLERANCE or b[1] < -TOLERANCE or b[2] > frame.width + TOLERANCE or b[3] > frame.height + TOLERANCE:
            problems.append(f"outside the page: {_describe(it)}")
    boxed.sort(key=lambda bi: (bi[0][1], bi[0][0]))
    for i, (a, ia) in enumerate(boxed):
        for b, ib in boxed[i + 1 :]:
            if b[1] >= a[3] - TOLERANCE:
                break
            if isinstance(ia, MarkItem) or isinstance(ib, MarkItem):
                continue
            if b[0] < a[2] - TOLERANCE and a[0] < b[2] - TOLERANCE:
                problems.append(f"overlap: {_describe(ia)} and {_describe(ib)}")
    for i, a in enumerate(frame.boxes):
        for b in frame.boxes[i + 1 :]:
            if (
                a.x < b.x + b.width - TOLERANCE
                and b.x < a.x + a.width - TOLERANCE
                and (a.y < b.y + b.height - TOLERANCE and b.y < a.y + a.height - TOLERANCE)
            ):
                problems.append(f"modules overlap: {a.id} and {b.id}")
    return problems
