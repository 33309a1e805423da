"""Page makeup (stage 3).

Input: a ``Page`` (content), its normalised texts, and a ``Context`` (style,
faces, rules). Output: a ``Makeup``: the ``PageFrame`` (every item
positioned in points) and a report per profile (span, rows, photo, overset).

Top to bottom: running head (报眉) above the type area; the kicker, banner
headline and subhead; the intro set in wide columns; a heavy rule; then
the module zone, arranged by ``layout.page.arrange``, with rules between
modules; the staff line under the type area.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.frame import Box, Item, PageFrame, RuleItem, TextItem
from layout.model.content import Page
from layout.page.arrange import GAP_ROWS, Pins, arrange
from layout.page.blocks import Block, headline_block, line_items, place, text_block
from layout.page.context import ASCENT, Context
from layout.page.module import INDENT_EM, Module

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class ModuleReport:
    id: str
    column: int
    span: int
    row: int
    rows: int
    used_rows: int
    photo_rows: int
    photo_span: int
    hole_cells: int  # grid cells (row × column) left empty in the module
    overset_chars: int
    photo_dropped: bool = False  # overset: the photo box and caption found no room
    balance: int = 0  # rows between the highest and lowest column end of the body
    copyfit: str = ""  # adjustments made to fit, e.g. "headline 15pt, quote 10.5pt"


@dataclass(frozen=True)
class Makeup:
    frame: PageFrame
    modules: tuple[ModuleReport, ...]
    zone_rows: int
    fill: float  # share of the module zone's cells holding content

    @property
    def overset(self) -> tuple[ModuleReport, ...]:
        return tuple(m for m in self.modules if m.overset_chars)


def date_text(page: Page) -> str:
    d = page.date
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def _running_head(ctx: Context, page: Page, texts: dict[str, str]) -> list[Item]:
    st = ctx.style
    y_rule = st.top - 0.6 * st.leading
    baseline = y_rule - 0.45 * st.leading
    items: list[Item] = [RuleItem(st.left, y_rule, st.left + st.type_width, y_rule, st.rules["module"])]
    parts = [
        ("head_paper", texts["paper"], "paper", "left"),
        ("head", date_text(page), "date", "center"),
        ("head_paper", f"第{page.page}版  {texts['section']}", "section", "right"),
    ]
    for role, text, source, align in parts:
        lines = ctx.lines(text, role, st.type_width, justify=False)[:1]
        offset = -(len(text) - len(texts["section"])) if source == "section" else 0
        for it in line_items(ctx, lines, role, ctx.role(role).size, st.type_width, align, source, [baseline]):
            assert isinstance(it, TextItem)
            items.append(
                TextItem(
                    it.x + st.left,
                    it.baseline,
                    it.font,
                    it.size,
                    it.runs,
                    it.role,
                    it.source,
                    max(0, it.start + offset),
                    max(0, it.end + offset),
                )
            )
    return items


def _banner(ctx: Context, page: Page, texts: dict[str, str]) -> Block:
    st = ctx.style
    w = st.type_width
    items: list[Item] = []
    rows = 0
    kicker = text_block(ctx, texts["section"], "kicker", w, "section", align="center")
    items += place(kicker, 0, 0)
    rows += kicker.rows
    banner = headline_block(ctx, texts["headline"], "banner", w * 0.94, "headline", max_lines=1)
    if len(banner.items) > 1:
        banner = headline_block(ctx, texts["headline"], "banner", w * 0.94, "headline", max_lines=2)
    items += place(banner, w * 0.03, rows * st.leading)
    rows += banner.rows
    if texts.get("subhead"):
        sub = text_block(ctx, texts["subhead"], "subhead", w, "subhead", align="center")
        items += place(sub, 0, rows * st.leading)
        rows += sub.rows
    return Block(rows, tuple(items))


def _intro(ctx: Context, page: Page, texts: dict[str, str]) -> Block:
    st = ctx.style
    if not page.intro:
        return Block(0, ())
    span = max(1, min(st.intro_span, st.columns))
    ncols = st.columns // span
    width = st.span_width(span)
    size = ctx.role("intro").size
    lines = []
    for j in range(len(page.intro)):
        path = f"intro[{j}]"
        lines += [(path, ln) for ln in ctx.lines(texts[path], "intro", width, indent=INDENT_EM * size)]
    ncols = min(ncols, len(lines))
    base, extra = divmod(len(lines), ncols)  # balanced: the first columns one line longer
    per_col = base + (1 if extra else 0)
    places = [(c, r) for c in range(ncols) for r in range(base + (1 if c < extra else 0))]
    items: list[Item] = []
    for (path, ln), (c, r) in zip(lines, places):
        x = st.column_x(c * span) - st.left
        for it in line_items(ctx, (ln,), "intro", size, width, "justify", path, [r * st.leading + ASCENT * size]):
            items.append(
                TextItem(it.x + x, it.baseline, it.font, it.size, it.runs, it.role, it.source, it.start, it.end)
            )
    return Block(per_col, tuple(items))


def make_page(ctx: Context, page: Page, texts: dict[str, str], *, mark_overset: bool = False) -> Makeup:
    st = ctx.style
    L = st.leading
    items: list[Item] = _running_head(ctx, page, texts)
    banner = _banner(ctx, page, texts)
    items += place(banner, st.left, st.top)
    row = banner.rows
    intro = _intro(ctx, page, texts)
    if intro.rows:
        items += place(intro, st.left, st.top + row * L)
        row += intro.rows
    y = st.top + row * L + (L - (L - st.body_size)) / 2
    items.append(RuleItem(st.left, y, st.left + st.type_width, y, st.rules["heavy"]))
    row += 1
    zone_top = row
    zone_rows = st.lines - zone_top

    cache: dict[tuple[int, int, int], Module] = {}
    shared: dict = {}

    # lead profiles come first; the rest keep content order
    order = [p.index for p in page.profiles if p.lead] + [p.index for p in page.profiles if not p.lead]
    pins = [Pins(page.profiles[i].span, page.profiles[i].photo_span, page.profiles[i].lead) for i in order]

    def module(pos: int, span: int, photo_span: int, compact: bool = False) -> Module:
        key = (pos, span, photo_span, compact)
        if key not in cache:
            profile = page.profiles[order[pos]]
            cache[key] = Module(ctx, profile, texts, span, None if photo_span < 0 else photo_span, shared, compact)
        return cache[key]

    plan = arrange(len(page.profiles), st.columns, zone_rows, st.min_span, module, pins)
    reports = []
    boxes = []
    hole_cells = 0
    for pl in plan.placements:
        md = module(pl.profile, pl.span, pl.photo_span, pl.compact)
        result = md.layout(pl.rows, mark_overset=mark_overset)
        x = st.column_x(pl.column)
        y = st.top + (zone_top + pl.row) * L
        items += place(Block(result.rows, result.items), x, y)
        boxes.append(Box(md.profile.id, x, y, md.width, pl.rows * L - (L - st.body_size)))
        holes = md.fit(pl.rows).hole_cells
        hole_cells += holes
        reports.append(
            ModuleReport(
                md.profile.id,
                pl.column,
                pl.span,
                pl.row,
                pl.rows,
                result.used_rows,
                result.photo_rows,
                md.photo_span,
                holes,
                result.overset_chars,
                result.photo_dropped,
                result.balance,
                _copyfit(md),
            )
        )
    items += _module_rules(ctx, plan.placements, zone_top)
    items += _staff(ctx, texts)
    frame = PageFrame(
        st.page_width,
        st.page_height,
        tuple(items),
        tuple(boxes),
        title=f"{texts['paper']} {date_text(page)} 第{page.page}版 {texts['headline']}",
    )
    cells = max(1, zone_rows * st.columns - _gap_cells(plan.placements, st.columns))
    return Makeup(frame, tuple(reports), zone_rows, 1 - hole_cells / cells)


def _copyfit(md: Module) -> str:
    if not md.compact:
        return ""
    parts = [f"headline {md.head.size:g}pt"]
    if md.quote:
        parts.append(f"quote {md.ctx.role('quote').min_size:g}pt")
    return ", ".join(parts)


def _gap_cells(placements, columns: int) -> int:
    rows = {p.row for p in placements}
    return GAP_ROWS * columns * (len(rows) - 1)


def _module_rules(ctx: Context, placements, zone_top: int) -> list[Item]:
    st = ctx.style
    L = st.leading
    w = st.rules["module"]
    gap = L - st.body_size
    out: list[Item] = []
    for p in placements:
        y0 = st.top + (zone_top + p.row) * L
        y1 = y0 + p.rows * L - gap
        if p.column > 0:
            x = st.column_x(p.column) - st.gutter / 2
            out.append(RuleItem(x, y0, x, y1, w))
        if p.row > 0 and p.column == 0:
            y = y0 - GAP_ROWS * L / 2 - gap / 2
            out.append(RuleItem(st.left, y, st.left + st.type_width, y, w))
    return out


def _staff(ctx: Context, texts: dict[str, str]) -> list[Item]:
    st = ctx.style
    text = texts.get("editor", "")
    if not text:
        return []
    lines = ctx.lines(text, "staff", st.type_width, justify=False)[:1]
    baseline = st.top + st.type_height + ctx.role("staff").size * 1.5
    return [
        TextItem(it.x + st.left, it.baseline, it.font, it.size, it.runs, it.role, it.source, it.start, it.end)
        for it in line_items(ctx, lines, "staff", ctx.role("staff").size, st.type_width, "right", "editor", [baseline])
        if isinstance(it, TextItem)
    ]
