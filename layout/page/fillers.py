"""Fillers (stage 3): optional copy set into a short page's open area first.

Input: the page's ``Filler``s in order (a house notice's text under an optional
title, or an image such as a 报花), their normalised texts, and the open area
(grid units). Output: the fillers arranged in the area by the makeup search
(``arrange.search``): a band across the top of the area, each filler a unit
that may take any width that keeps its text legible (an image keeps its own
width, centred in its part); the open area left is the rectangle under the
band (and beside the fillers, when they do not span it). The last fillers are left out (noted) when not all fit legibly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layout.flow.columns import balanced_slots, fill
from layout.frame import ImageItem, Item
from layout.model.content import Filler
from layout.page.arrange import Area, NoArrangement, Option, Pins, Problem, Rule, Score, search
from layout.page.blocks import Block, line_items, place, text_block
from layout.page.context import ASCENT, Context
from layout.page.module import INDENT_EM

IMAGE_LINES = 8  # an image filler's depth when neither its lines nor a readable file say
PAD_ROWS = 12  # a text filler may stand this many rows deeper than its text (white, counted), to match


@dataclass(frozen=True)
class Filled:
    """The fillers set into one open area, and what is left of it."""

    items: tuple[Item, ...]  # positioned relative to the type area's left and the zone's top
    rules: tuple[Rule, ...]  # rules between the fillers and the area left, in zone grid units
    left: tuple[Area, ...]  # the open area left (zone grid units)
    used: tuple[str, ...]  # filler ids set
    notes: tuple[str, ...]
    white: int = 0  # cells of white among the fillers (beside a centred image, under a short text)


class _Fillers:
    def __init__(self, ctx: Context, fillers: tuple[Filler, ...], texts: dict[str, str]) -> None:
        self.ctx, self.fillers, self.texts = ctx, fillers, texts

    def lines(self, f: Filler) -> list:
        st = self.ctx.style
        size = self.ctx.role("body").size
        out = []
        for j in range(len(f.body)):
            path = f"{f.path}.body[{j}]"
            out += [
                (path, ln) for ln in self.ctx.lines(self.texts[path], "body", st.column_width, indent=INDENT_EM * size)
            ]
        return out

    def title(self, f: Filler, columns: int) -> Block:
        if not f.title:
            return Block(0, ())
        width = self.ctx.style.span_width(columns)
        path = f"{f.path}.title"
        return text_block(self.ctx, self.texts[path], "brief_title", width, path, align="center")

    def options(self, f: Filler, width: int, area: Area) -> dict[int, Option]:
        if f.file:  # its own width (or the area's), centred in a part at least as wide
            own = min(f.columns or area.columns, area.columns)
            if width < own:
                return {}
            rows = f.lines or _lines_for(f, self.ctx.style.span_width(own), self.ctx.leading)
            return {rows: Option(rows, Score(blank=(width - own) * rows), ("image", width, rows))}
        n = len(self.lines(f))
        if f.columns and width != min(f.columns, area.columns):
            return {}
        depth = -(-n // width)
        head = self.title(f, width).rows
        short = width > 1 and depth < self.ctx.style.legibility.min_leg  # a strip of text
        out = {}
        for extra in range(PAD_ROWS + 1):  # white under a filler's text is allowed: it is no story
            blank = width * (depth + extra) - n
            out[head + depth + extra] = Option(
                head + depth + extra, Score(broken=int(short), blank=blank), ("text", width, depth + extra)
            )
        return out

    def block(self, f: Filler, option: Option) -> Block:
        kind, width, depth = option.shape
        st = self.ctx.style
        if kind == "image":
            height = depth * self.ctx.leading - (self.ctx.leading - st.body_size)
            own = st.span_width(min(f.columns or width, width))
            x = (st.span_width(width) - own) / 2
            return Block(depth, (ImageItem(x, 0, own, height, f.file, f.id),))
        title = self.title(f, width)
        items: list[Item] = list(title.items)
        lines = self.lines(f)
        size = self.ctx.role("body").size
        placed, _ = fill(len(lines), balanced_slots(len(lines), [0] * width, depth))
        step = st.column_width + st.gutter
        for p in placed:
            path, ln = lines[p.index]
            baseline = (title.rows + p.row) * self.ctx.leading + ASCENT * size
            for it in line_items(self.ctx, (ln,), "body", size, st.column_width, "justify", path, [baseline]):
                items += place(Block(1, (it,)), p.column * step, 0)
        return Block(title.rows + depth, tuple(items))


def set_fillers(ctx: Context, fillers: tuple[Filler, ...], texts: dict[str, str], area: Area) -> Filled:
    """The fillers, in order, that the area holds legibly together, arranged in it."""
    f = _Fillers(ctx, fillers, texts)
    chosen: tuple[Filler, ...] = ()
    plan = None
    for _ in range(2):  # a filler that cannot stand alone may fit beside a later one
        for filler in fillers:
            if filler in chosen:
                continue
            ordered = tuple(x for x in fillers if x in chosen or x is filler)
            tried = _arrange(ctx, f, ordered, area)
            if tried is not None:
                chosen, plan = ordered, tried
    if plan is None:
        notes = tuple(f"filler '{x.id}' does not fit the open area legibly: not set" for x in fillers)
        return Filled((), (), (area,), (), notes)
    return _filled(ctx, f, chosen, plan, area, tuple(x for x in fillers if x not in chosen))


def _arrange(ctx: Context, f: _Fillers, chosen: tuple[Filler, ...], area: Area):
    """The fillers in a band across the top of the area (None: they do not fit legibly)."""
    problem = Problem(
        columns=area.columns,
        rows=area.rows,
        names=tuple(x.id for x in chosen),
        pins=tuple(Pins() for _ in chosen),
        options=lambda u, w: f.options(chosen[u], w, area),
        open_area="foot",  # what is left: the rectangle under the fillers
        open_min_rows=ctx.style.legibility.min_leg,
    )
    try:
        plan = search(problem)
    except NoArrangement:
        return None
    if plan.score.broken or plan.score.overset:
        return None  # a filler is set legibly, or not at all (what is left may lie beside it and under)
    return plan


def _filled(ctx: Context, f: _Fillers, chosen, plan, area: Area, left_out) -> Filled:
    st = ctx.style
    L = ctx.leading
    items: list[Item] = []
    notes = []
    for pl in plan.placements:
        filler = chosen[pl.unit]
        block = f.block(filler, pl.option)
        x = st.column_x(area.column + pl.column) - st.left
        items += place(block, x, (area.row + pl.row) * L)
        notes.append(f"filler '{filler.id}' set in the open area ({pl.span} columns × {pl.rows} lines)")
    notes += [f"filler '{x.id}' does not fit the open area left: not set" for x in left_out]
    rules = tuple(Rule(r.across, r.column + area.column, r.row + area.row, r.length) for r in plan.rules)
    left = tuple(Area(a.column + area.column, a.row + area.row, a.columns, a.rows) for a in plan.opens)
    white = plan.score.blank + plan.white
    return Filled(tuple(items), rules, left, tuple(x.id for x in chosen), tuple(notes), white)


def _lines_for(f: Filler, width: float, leading: float) -> int:
    from PIL import Image

    try:
        with Image.open(f.file) as img:  # checked readable before layout
            w, h = img.size
    except OSError:
        return IMAGE_LINES
    return max(1, math.ceil(width * h / w / leading))
