"""Typeset blocks: text set to a width and snapped to whole grid rows (stage 3 helper).

Input: text, a role (font and size from the style), a width and an alignment.
Output: a ``Block``: how many grid rows it takes and its items, positioned
relative to the block's top-left corner. Text no larger than the grid's
leading sits on the grid rows; larger text (headlines, quotes) is centred
in the rows it needs, so whatever follows returns to the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from layout.frame import Item, RuleItem, TextItem
from layout.inline.breaker import Line
from layout.page.context import ASCENT, Context


@dataclass(frozen=True)
class Block:
    rows: int
    items: tuple[Item, ...]
    lines: int = 0  # text lines set
    size: float = 0.0  # type size used


def shift(item: Item, dx: float, dy: float) -> Item:
    if isinstance(item, TextItem):
        return replace(item, x=item.x + dx, baseline=item.baseline + dy)
    if isinstance(item, RuleItem):
        return replace(item, x1=item.x1 + dx, x2=item.x2 + dx, y1=item.y1 + dy, y2=item.y2 + dy)
    return replace(item, x=item.x + dx, y=item.y + dy)  # type: ignore[call-overload]


def place(block: Block, x: float, y: float) -> list[Item]:
    return [shift(i, x, y) for i in block.items]


def _x_for(line: Line, width: float, align: str) -> float:
    if align == "center":
        return (width - line.natural) / 2
    if align == "right":
        return width - line.natural
    return line.indent


def line_items(
    ctx: Context,
    lines: tuple[Line, ...],
    role: str,
    size: float,
    width: float,
    align: str,
    source: str,
    baselines: list[float],
    offset: int = 0,
) -> list[Item]:
    font = ctx.role(role).font
    return [
        TextItem(
            x=_x_for(ln, width, align),
            baseline=b,
            font=font,
            size=size,
            runs=ln.runs,
            role=role,
            source=source,
            start=offset + ln.start,
            end=offset + ln.end,
        )
        for ln, b in zip(lines, baselines)
        if ln.runs
    ]


def text_block(
    ctx: Context,
    text: str,
    role: str,
    width: float,
    source: str,
    *,
    align: str = "justify",
    size: float | None = None,
    pitch: float | None = None,
    indent: float = 0.0,
    lines: tuple[Line, ...] | None = None,
    pad_rows: int = 0,
) -> Block:
    """Set ``text`` in ``width``; grid-aligned when it fits the leading."""
    size = size or ctx.role(role).size
    L = ctx.leading
    pitch = pitch or (L if size <= L * 0.85 else size * 1.25)
    if lines is None:
        lines = ctx.lines(text, role, width, size=size, indent=indent, justify=align == "justify")
    n = len(lines)
    if pitch == L:
        rows = n
        baselines = [i * L + ASCENT * size for i in range(n)]
    else:
        total = (n - 1) * pitch + size
        rows = ctx.rows_for(total)
        pad = (rows * L - (L - ctx.style.body_size) - total) / 2
        baselines = [pad + i * pitch + ASCENT * size for i in range(n)]
    rows += pad_rows
    baselines = [b + pad_rows * L / 2 for b in baselines] if pad_rows else baselines
    items = line_items(ctx, lines, role, size, width, align, source, baselines)
    return Block(rows, tuple(items), n, size)


PHRASE_ENDS = "，、：；！？。 "  # a two-line headline breaks after one of these when it can
MIN_SHORT_LINE = 0.4  # ... if the shorter line is at least this share of the longer
PHRASE_SIZE_STEPS = 2  # points a headline may lose to break at a phrase boundary


def _phrase_break(ctx: Context, text: str, role: str, width: float, size: float) -> tuple[Line, ...] | None:
    """Two lines broken at a phrase boundary (after a mark or at a space), as even as possible."""
    best: tuple[float, tuple[Line, ...]] | None = None
    for k in range(1, len(text) - 1):
        if text[k - 1] not in PHRASE_ENDS:
            continue
        head, tail = text[:k].rstrip(" "), text[k:].lstrip(" ")
        if not head or not tail:
            continue
        first = ctx.lines(head, role, width, size=size, justify=False)
        second = ctx.lines(tail, role, width, size=size, justify=False)
        if len(first) != 1 or len(second) != 1:
            continue
        w1, w2 = first[0].natural, second[0].natural
        if min(w1, w2) < MIN_SHORT_LINE * max(w1, w2):
            continue
        shift = len(text) - len(tail)
        lines = (first[0], replace(second[0], start=second[0].start + shift, end=second[0].end + shift))
        if best is None or abs(w1 - w2) < best[0]:
            best = (abs(w1 - w2), lines)
    return best[1] if best else None


def balanced_lines(ctx: Context, text: str, role: str, width: float, size: float) -> tuple[Line, ...]:
    """Break a headline into its fewest lines: two lines at a phrase boundary when
    one gives lines of similar length, else lines as even as possible."""
    lines = ctx.lines(text, role, width, size=size, justify=False)
    n = len(lines)
    if n <= 1:
        return lines
    if n == 2:
        phrased = _phrase_break(ctx, text, role, width, size)
        if phrased:
            return phrased
    lo, hi = width / n, width
    for _ in range(12):
        mid = (lo + hi) / 2
        if len(ctx.lines(text, role, mid, size=size, justify=False)) <= n:
            hi = mid
        else:
            lo = mid
    narrow = ctx.lines(text, role, hi + 0.01, size=size, justify=False)
    return _reset(ctx, text, role, width, size, narrow)


def _reset(ctx: Context, text: str, role: str, width: float, size: float, lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """The same line breaks, each line set again at the full width: a narrow trial
    measure may have squeezed marks (push-in) that the real measure does not need."""
    out = []
    for ln in lines:
        again = ctx.lines(text[ln.start : ln.end], role, width, size=size, justify=False)
        if len(again) != 1:
            return lines
        one = again[0]
        out.append(replace(one, start=ln.start, end=ln.end))
    return tuple(out)


def headline_block(
    ctx: Context,
    text: str,
    role: str,
    width: float,
    source: str,
    *,
    max_lines: int,
    align: str = "center",
    largest: float | None = None,
) -> Block:
    """The largest size (from the role's size, or ``largest``, down to its minimum)
    that fits in ``max_lines``; a two-line headline may come down up to
    ``PHRASE_SIZE_STEPS`` points more to break at a phrase boundary rather than
    inside a word."""
    r = ctx.role(role)
    size = min(r.size, largest) if largest else r.size
    while True:
        lines = balanced_lines(ctx, text, role, width, size)
        if len(lines) <= max_lines or size - 1 < r.min_size:
            break
        size -= 1
    if len(lines) == 2 and _phrase_break(ctx, text, role, width, size) is None:
        for smaller in range(1, PHRASE_SIZE_STEPS + 1):
            if size - smaller < r.min_size:
                break
            phrased = _phrase_break(ctx, text, role, width, size - smaller)
            if phrased:
                size, lines = size - smaller, phrased
                break
    return text_block(ctx, text, role, width, source, align=align, size=size, lines=lines)
