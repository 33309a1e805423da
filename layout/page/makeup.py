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

from dataclasses import dataclass, replace
from pathlib import Path

from layout.frame import Box, Item, PageFrame, RuleItem, TextItem
from layout.model.content import Continuation, Page, Profile
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
    file: str = ""  # the content file and line the profile comes from
    line: int = 0
    jump_to: int = 0  # 版次 the rest continues on (下转), with this many characters
    jumped_chars: int = 0
    jump_from: int = 0  # a continuation: the 版次 it comes from (上接)


@dataclass(frozen=True)
class Makeup:
    frame: PageFrame
    modules: tuple[ModuleReport, ...]
    zone_rows: int
    fill: float  # share of the module zone's cells holding content
    columns: int = 0
    spare_rows: int = 0  # empty band across the foot of the zone (a short page)
    excess_cells: int = 0  # overset: cells the content lacks even packed perfectly (a lower bound)
    jumps: tuple[Continuation, ...] = ()  # text continued on another page of the edition (下转)
    pins_overset: bool = False  # the page would fit without the editor's pins
    leading: float = 0.0  # the grid's leading used (tighter than the style's when copyfitted)

    @property
    def empty_cells(self) -> int:
        """Empty cells of the zone: holes in modules and the spare band at the foot."""
        return sum(m.hole_cells for m in self.modules) + self.spare_rows * self.columns

    @property
    def largest_hole(self) -> tuple[str, int]:
        """The largest single empty area: ("(foot of the zone)" or a module id, cells)."""
        holes = [(m.id, m.hole_cells) for m in self.modules]
        if self.spare_rows:
            holes.append(("(foot of the zone)", self.spare_rows * self.columns))
        return max(holes, key=lambda h: h[1], default=("", 0))

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


def jump_text(kind: str, page: int) -> str:
    """A jump line: （下转第2版） or （上接第1版）."""
    return f"（{kind}第{page}版）"


LEADING_STEP = 0.25  # points: copyfitting tightens the leading in these steps


def make_page(
    ctx: Context,
    page: Page,
    texts: dict[str, str],
    *,
    mark_overset: bool = False,
    jump_to: int = 0,
    continuations: tuple[Continuation, ...] = (),
) -> Makeup:
    """The page, set. With ``jump_to`` (a 版次), text that does not fit continues
    there (``Makeup.jumps``); ``continuations`` are profiles continued from earlier
    pages, set as modules after the page's own.

    A page whose text is overset at the style's leading is set again on a tighter
    grid, down to ``grid.leading_min`` (the loosest leading that fits wins); only
    then does text jump or stay overset (at the tightest leading: the least to cut)."""
    st = ctx.style

    def at(leading: float, jumps: int) -> Makeup:
        c = ctx if leading == st.leading else Context(st.with_leading(leading), ctx.faces, ctx.rules, ctx.memo)
        made = _make_page(
            c, page, texts, mark_overset=mark_overset, jump_to=jumps, continuations=continuations
        )  # fmt: skip
        return replace(made, leading=leading)

    tighten = bool(st.leading_min) and st.leading_min < st.leading
    made = at(st.leading, 0 if tighten else jump_to)
    if not made.overset or not tighten:
        return made
    tightest = at(st.leading_min, 0)
    if tightest.overset:
        return at(st.leading_min, jump_to) if jump_to else tightest
    steps = int(round((st.leading - st.leading_min) / LEADING_STEP))
    for k in range(1, steps):  # the loosest leading that fits
        tried = at(st.leading - k * LEADING_STEP, 0)
        if not tried.overset:
            return tried
    return tightest


def _make_page(
    ctx: Context,
    page: Page,
    texts: dict[str, str],
    *,
    mark_overset: bool = False,
    jump_to: int = 0,
    continuations: tuple[Continuation, ...] = (),
) -> Makeup:
    st = ctx.style
    texts = dict(texts)
    profiles = list(page.profiles)
    origins: dict[int, tuple[str, int]] = {p.index: (page.file, page.source.line(p.path)) for p in profiles}
    for c in continuations:
        p = c.as_profile(len(profiles))
        texts.update(c.texts)
        texts[f"{p.path}.jump_from"] = jump_text("上接", c.from_page)
        origins[p.index] = (c.file, c.line)
        profiles.append(p)
    if jump_to:
        for p in profiles:
            texts[f"{p.path}.jump"] = jump_text("下转", jump_to)
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

    # content order, but lead and top-row profiles first and last-row ones last
    order = sorted((p.index for p in profiles), key=lambda i: (_rank(profiles[i]), i))
    pins = [_pins(profiles[i]) for i in order]

    def module(pos: int, span: int, photo_span: int, compact: bool = False) -> Module:
        key = (pos, span, photo_span, compact)
        if key not in cache:
            profile = profiles[order[pos]]
            cache[key] = Module(ctx, profile, texts, span, None if photo_span < 0 else photo_span, shared, compact)
        return cache[key]

    names = [profiles[i].id for i in order]
    plan = arrange(len(profiles), st.columns, zone_rows, st.min_span, module, pins, names=names, jumps=bool(jump_to))
    reports = []
    boxes = []
    jumps = []
    earlier = {c.profile.path: c for c in continuations}  # a continued profile may continue again
    hole_cells = 0
    for pl in plan.placements:
        md = module(pl.profile, pl.span, pl.photo_span, pl.compact)
        jumps_here = jump_to if pl.profile in plan.jumping else 0
        result = md.layout(pl.rows, mark_overset=mark_overset, jump_to=jumps_here)
        file, line = origins[md.profile.index]
        if result.resume:
            jumps.append(_continuation(page, md, result, texts, file, line, earlier))
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
                file,
                line,
                jump_to if result.resume else 0,
                result.jumped_chars,
                md.profile.jump_from,
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
    empty = hole_cells + plan.spare_rows * st.columns
    return Makeup(
        frame,
        tuple(reports),
        zone_rows,
        1 - empty / cells,
        st.columns,
        plan.spare_rows,
        plan.excess_cells,
        tuple(jumps),
        plan.pins_overset,
    )


def _continuation(
    page: Page, md: Module, result, texts: dict[str, str], file: str, line: int, earlier: dict[str, Continuation]
) -> Continuation:
    """What continues on the next page: the profile's texts under its origin path
    (the page's file name and YAML path) with each field's YAML line, and where the
    body resumes. ``earlier``: continuations this page received, by origin path (a
    continued profile may continue again)."""
    p = md.profile
    origin = p.origin or f"{Path(page.file).name}#{p.path}"
    prefix = f"{p.path}."
    keys = [k for k in texts if k.startswith(prefix) and not k.endswith((".jump", ".jump_from"))]
    moved = {f"{origin}.{k[len(prefix) :]}": texts[k] for k in keys}
    if p.origin and p.origin in earlier:
        field_lines = earlier[p.origin].lines
    else:
        field_lines = {f"{origin}.{k[len(prefix) :]}": page.source.line(k) or line for k in keys}
    para, offset = result.resume
    return Continuation(
        replace(p, origin=origin),
        moved,
        page.page,
        file,
        line,
        para,
        offset,
        with_photo=bool(md.photo_span and not result.photo_rows),
        lines=field_lines,
    )


def _rank(p: Profile) -> int:
    """Where a profile's pins put it in the order the search keeps: lead profiles,
    then those pinned to the first row, then the rest, then those pinned to the last."""
    return 0 if p.lead else 1 if p.row == 1 else 3 if p.row == -1 else 2


def _pins(p: Profile) -> Pins:
    return Pins(p.span, p.photo_span, p.lead, p.row, p.column)


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
