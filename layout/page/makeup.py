"""Page makeup (stage 3): the page set, by a policy that fits the copy.

Input: a ``Page`` (content), its normalised texts, and a ``Context`` (style,
faces, rules). Output: a ``Makeup``: the ``PageFrame`` (every item positioned
in points), a report per profile and per module, the open area of a short
page and the search's score.

Top to bottom: the furniture (running head, kicker, banner, intro, a heavy
rule; ``furniture.py``), then the module zone, arranged by ``arrange.search``
over the page's units (``units.py``), with rules between its parts; the
staff line under the type area. ``make_page`` is the policy: which searches
run, in which order, until the copy fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from layout.frame import AdItem, Box, Item, MarkItem, PageFrame, RuleItem
from layout.model.content import Continuation, Page, Profile
from layout.page import booking, furniture
from layout.page.arrange import Area, Arrangement, NoArrangement, Pins, Placement, Problem, Rule, Score
from layout.page.blocks import Block, place
from layout.page.briefs import BriefGroup
from layout.page.context import Context
from layout.page.furniture import date_text, jump_text
from layout.page.module import Module, Shape
from layout.page.recall import recall
from layout.page.units import Copy, Mode, Unit
from layout.page.zone import search

if TYPE_CHECKING:  # --keep's types: keep.py is imported only when a previous round is kept
    from layout.page.keep import Moved, Previous

__all__ = ["Makeup", "ModuleReport", "UnitReport", "date_text", "jump_text", "make_page"]

LEADING_STEP = 0.25  # points: copyfitting tightens the leading in these steps
FIT = Mode(briefs=True, compact=True, head_space=True)  # every way to fit but the leading, jumps and overset
SPACED = Mode(head_space=True)  # full size, with space around any headline to fit a module to its neighbours
WHITE_ROWS = 30  # rows of white a module may take when nothing else fits (a rule broken, reported)


@dataclass(frozen=True)
class ModuleReport:
    """One profile on the page: where it is set and what did not fit."""

    id: str
    column: int
    span: int
    row: int
    rows: int
    used_rows: int
    photo_rows: int
    photo_span: int
    hole_cells: int  # grid cells left empty in the module (a briefs group's count is on its first item)
    overset_chars: int
    photo_dropped: bool = False  # overset: the photo box and caption found no room
    balance: int = 0  # rows between the highest and lowest column end of the body
    copyfit: str = ""  # adjustments made to fit, e.g. "headline 15pt, quote 10.5pt"
    file: str = ""  # the content file and line the profile comes from
    line: int = 0
    jump_to: int = 0  # 版次 the rest continues on (下转), with this many characters
    jumped_chars: int = 0
    jump_from: int = 0  # a continuation: the 版次 it comes from (上接)
    legs: tuple[int, ...] = ()  # body lines (briefs: rows) in each column of its module
    broken: tuple[str, ...] = ()  # legibility rules its module breaks (module.RULES)
    brief: str = ""  # set as a brief: the module's heading, or "(briefs)" for a group without one
    overset_body: int = 0  # of the characters overset, those of the body text
    vertical_headline: float = 0.0  # 竖题: its headline stands vertically at this size, points (0: across)


@dataclass(frozen=True)
class UnitReport:
    """One module of the page (a profile's, or a group of briefs): its shape and rules."""

    ids: tuple[str, ...]
    briefs: bool
    title: str  # briefs: the heading set once
    why: str  # briefs: why they are set together
    column: int
    span: int
    row: int
    rows: int
    legs: tuple[int, ...]
    blank_cells: int
    broken: tuple[str, ...]
    photo: str  # "2×11" (columns × rows), "" for none
    head_fill: float  # the headline's longest line ÷ the module's width (briefs: 1)
    file: str = ""
    line: int = 0
    pins: str = ""  # the editor's pins on it, described ("" none)
    vertical_headline: float = 0.0  # 竖题: its headline stands vertically at this size, points (0: across)


@dataclass(frozen=True)
class Makeup:
    frame: PageFrame
    modules: tuple[ModuleReport, ...]  # one per profile, in content order
    zone_rows: int
    fill: float  # share of the zone outside its rule rows and open area that holds content
    columns: int = 0
    open_areas: tuple[Area, ...] = ()  # a short page's open area (grid units in the zone), largest first
    excess_cells: int = 0  # overset: cells the content lacks even packed perfectly (a lower bound)
    jumps: tuple[Continuation, ...] = ()  # text continued on another page of the edition (下转)
    pins_overset: bool = False  # the page would fit without the editor's pins
    leading: float = 0.0  # the grid's leading used (tighter than the style's when copyfitted)
    units: tuple[UnitReport, ...] = ()  # one per module, in reading order
    score: Score = Score()
    notes: tuple[str, ...] = ()  # what the makeup decided: groups, briefs, quotes left out of briefs
    searches: int = 0  # searches the policy ran
    cut_short: bool = False  # a search met its work bound: the best found, maybe not the best there is
    zone_top: int = 0  # the zone's first grid row in the type area
    white_cells: int = 0  # white outside modules: rectangles too shallow to be an open area
    booked: tuple[booking.Booking, ...] = ()  # blocks booked before the copy (ads), on the type area's grid
    moved: tuple[Moved, ...] = ()  # --keep: modules changed since the previous round, and why (keep.py)

    @property
    def open_area(self) -> Area | None:
        """The (largest) open area of a short page."""
        return self.open_areas[0] if self.open_areas else None

    @property
    def largest_hole(self) -> tuple[str, int]:
        """The largest single empty area: ("(open area)" or a module's first id, cells)."""
        holes = [(u.ids[0], u.blank_cells) for u in self.units]
        holes += [("(open area)", a.cells) for a in self.open_areas]
        return max(holes, key=lambda h: h[1], default=("", 0))

    @property
    def overset(self) -> tuple[ModuleReport, ...]:
        return tuple(m for m in self.modules if m.overset_chars)

    @property
    def broken(self) -> tuple[UnitReport, ...]:
        return tuple(u for u in self.units if u.broken)


class _Sheet:
    """One page at one leading: its furniture, the blocks booked on it, the module zone and
    the copy measured for it. ``sizes``: the booked blocks' sizes at the style's own leading
    (a tighter grid keeps them as booked)."""

    def __init__(
        self,
        ctx: Context,
        page: Page,
        texts: dict[str, str],
        continuations: tuple[Continuation, ...],
        sizes: dict[str, booking.Size] | None = None,
        outside: bool = True,
    ):
        st = ctx.style
        self.ctx, self.page = ctx, page
        self.outside = outside  # the running head and staff line (a vertical page sets its own)
        self.texts = dict(texts)
        profiles = list(page.profiles)
        self.origins: dict[int, tuple[str, int]] = {p.index: (page.file, page.source.line(p.path)) for p in profiles}
        for c in continuations:
            p = c.as_profile(len(profiles))
            self.texts.update(c.texts)
            self.texts[f"{p.path}.jump_from"] = jump_text("上接", c.from_page, page.lang)
            self.origins[p.index] = (c.file, c.line)
            profiles.append(p)
        self.continuations = continuations
        self.items: list[Item] = furniture.running_head(ctx, page, self.texts) if outside else []
        sizes = booking.sizes(page, st) if sizes is None else sizes
        top = booking.top_bookings(page, st, sizes)
        self.zone_top = self._furniture(top)
        self.zone_rows = st.lines - self.zone_top
        self.bookings = top + booking.zone_bookings(page, st, sizes, self.zone_top)
        booking.check_against_top(page, top, self.bookings[len(top) :])
        self.booked = booking.zone_areas(self.bookings, self.zone_top)
        self.order = _search_order(profiles, st.columns, max(1, st.min_span))
        ordered = [profiles[i] for i in self.order]
        pins = [_pins(p, first=k == 0) for k, p in enumerate(ordered)]
        self.copy = Copy(ctx, ordered, self.texts, pins)
        self.searches = 0

    def _furniture(self, top: tuple[booking.Booking, ...]) -> int:
        """Kicker, banner and intro over the columns the top bookings leave, the heavy rule
        under them; the zone's first grid row."""
        ctx, page, st = self.ctx, self.page, self.ctx.style
        L = st.leading
        first, columns = booking.furniture_columns(st, top)
        x = st.column_x(first)
        banner = furniture.banner(ctx, page, self.texts, columns)
        self.items += place(banner, x, st.top)
        row = banner.rows
        intro = furniture.intro(ctx, page, self.texts, columns)
        if intro.rows:
            self.items += place(intro, x, st.top + row * L)
            row += intro.rows
        y = st.top + row * L + (L - (L - st.body_size)) / 2
        beside = any(b.end > row for b in top)  # a 报眼 reaching past the rule: the rule stops at it
        x0, x1 = (x, x + st.span_width(columns)) if beside else (st.left, st.left + st.type_width)
        self.items.append(RuleItem(x0, y, x1, y, st.rules["heavy"]))
        return row + 1

    @property
    def free_cells(self) -> int:
        """Cells of the module zone outside its booked blocks."""
        return self.zone_rows * self.ctx.style.columns - sum(a.cells for a in self.booked)

    def unpinned(self) -> Copy:
        """The same copy without the editor's pins (measurements shared)."""
        c = self.copy
        return Copy(c.ctx, c.profiles, c.texts, [Pins()] * len(c.profiles), stores=c.stores)

    def problem(self, mode: Mode, copy: Copy) -> Problem:
        units = copy.units(mode)
        return Problem(
            columns=self.ctx.style.columns,
            rows=self.zone_rows,
            names=tuple(copy.profiles[u.positions[0]].id for u in units),
            pins=tuple(u.pins for u in units),
            options=lambda u, w: copy.options(units[u], w, mode),
            merged=lambda a, b, w: copy.options(copy.merged(units, a, b), w, mode),
            mergeable=tuple(u.key for u in units),
            least_cells=tuple(copy.least_area(u, mode) for u in units),
            open_area=self.ctx.style.open_area,
            profiles=len(copy.profiles),
            stacks=mode.stacks,
            open_min_rows=self.ctx.style.legibility.min_leg,
            booked=self.booked,
            floors=tuple(copy.floor(u, mode) for u in units),
        )

    def could_fit(self, mode: Mode, copy: Copy | None = None) -> bool:
        """Could the copy fit the zone in this mode, every unit at its least area?"""
        copy = copy or self.copy
        units = copy.units(mode)
        return sum(copy.least_area(u, mode) for u in units) <= self.free_cells

    def search(self, mode: Mode, copy: Copy | None = None) -> Arrangement | None:
        """The best arrangement in this mode; None if the copy does not fit without
        overset (outside the overset mode, where no arrangement is an input error)."""
        if not mode.overset and not self.could_fit(mode, copy):
            return None  # too much copy for this mode: no need to search
        self.searches += 1
        try:  # a search asked again with the same answers (watch mode, --keep) is not run again
            plan = recall(self.problem(mode, copy or self.copy), search)
        except NoArrangement:
            if mode.overset:
                raise
            return None
        return None if plan.score.overset and not mode.overset else plan


def make_page(
    ctx: Context,
    page: Page,
    texts: dict[str, str],
    *,
    mark_overset: bool = False,
    mark_open: bool = False,
    jump_to: int = 0,
    continuations: tuple[Continuation, ...] = (),
    keep: Previous | None = None,
    outside: bool = True,
) -> Makeup:
    """The page, set by the makeup policy (``_Policy``): the first of its steps that
    sets every line wins. Body size never changes. ``jump_to`` (a 版次 later in the
    edition): text may continue there. ``mark_overset`` marks overset text on the
    page; ``mark_open`` draws the open area of a short page as a marked placeholder.
    ``keep``: the previous proof round's arrangement, kept where the copy allows (keep.py).
    ``outside``: set the running head over the type area and the staff line under it."""
    policy = _Policy(ctx, page, texts, continuations, outside)
    kept = None
    if keep:
        from layout.page.keep import keep_round  # only for a kept round (--keep)

        kept = keep_round(lambda leading: policy.sheet(leading or ctx.style.leading), keep)
    found = (
        (Settled(policy.sheet(kept.leading), kept.plan, kept.mode) if kept and kept.plan else None)
        or policy.full_size()
        or policy.copyfit()
        or policy.tighter_leading()
        or policy.with_white()
        or (policy.jumps() if jump_to else None)
        or policy.overset()
    )
    made = _set(
        found.sheet,
        found.plan,
        found.mode,
        mark_overset=mark_overset,
        mark_open=mark_open,
        jump_to=jump_to,
        pins_overset=found.pins_overset,
        excess=found.excess,
    )
    if kept is not None:
        made = replace(made, moved=kept.moves(made.units), notes=made.notes + kept.notes)
    return replace(made, searches=policy.searches)


@dataclass(frozen=True)
class Settled:
    """What a step of the policy found: the page at a leading, its arrangement, the mode."""

    sheet: _Sheet
    plan: Arrangement
    mode: Mode
    pins_overset: bool = False  # (overset) the page would fit without the editor's pins
    excess: int = 0  # (overset) cells the copy lacks even packed perfectly


class _Policy:
    """How the makeup fits the copy, step by step; each step only runs when the ones
    before it could not set every line:

    1. ``full_size``: every profile at its full size (short ones as briefs); then items
       that could stand alone set as briefs too, if that breaks fewer rules;
    2. ``copyfit``: headlines on one line, pull quotes at their minimum size;
    3. ``tighter_leading``: the grid tightened in 0.25 pt steps down to
       ``grid.leading_min``: the loosest leading that fits;
    4. ``with_white``: the copy fits, but only with white in some module (a rule broken);
    5. ``jumps`` (an edition): the fewest of the longest profiles continue on the jump
       page (下转), their photos staying if they can;
    6. ``overset``: what still does not fit is overset and reported, at the tightest
       leading (the least to cut)."""

    def __init__(self, ctx: Context, page: Page, texts: dict[str, str], continuations, outside: bool = True) -> None:
        self.ctx, self.page, self.texts, self.continuations = ctx, page, texts, continuations
        self.outside = outside
        st = ctx.style
        self.sheets: dict[float, _Sheet] = {}
        self.sizes = booking.sizes(page, st)  # booked blocks keep their size on a tighter grid
        self.base = self.sheet(st.leading)
        self.tightest = self.sheet(st.leading_min) if st.leading_min and st.leading_min < st.leading else self.base
        _refuse_at_once(self.tightest)

    def sheet(self, leading: float) -> _Sheet:
        if leading not in self.sheets:
            ctx = self.ctx if leading == self.ctx.style.leading else _at(self.ctx, leading)
            self.sheets[leading] = _Sheet(ctx, self.page, self.texts, self.continuations, self.sizes, self.outside)
        return self.sheets[leading]

    @property
    def searches(self) -> int:
        return sum(s.searches for s in self.sheets.values())

    def full_size(self) -> Settled | None:
        """Every profile at its full size: first with space around headlines only where a
        module has no photo (quick, and enough for most pages), then anywhere, then with
        items that could stand alone as briefs; the best that sets every line."""
        best: Settled | None = None
        for mode in (Mode(), SPACED, replace(SPACED, briefs=True)):
            if mode.briefs and self.base.copy.units(mode) == self.base.copy.units(Mode()):
                continue  # no item that could stand alone is short enough to be a brief
            plan = self.base.search(mode)
            if plan is not None and (best is None or plan.score.cost < best.plan.score.cost):
                best = Settled(self.base, plan, mode)
            if best is not None and not best.plan.score.broken and (mode.head_space or not best.plan.opens):
                return best  # clean (and, on a short page, tried with space around headlines)
        return best

    def copyfit(self) -> Settled | None:
        plan = self.base.search(FIT)
        return Settled(self.base, plan, FIT) if plan is not None else None

    def tighter_leading(self) -> Settled | None:
        """The loosest leading at which the copy fits with every rule kept (else the one
        that breaks the fewest, the loosest of those)."""
        st = self.ctx.style
        if self.tightest is self.base:
            return None
        found = self.tightest.search(FIT)
        if found is None:
            return None
        best = Settled(self.tightest, found, FIT)
        steps = int(round((st.leading - st.leading_min) / LEADING_STEP))
        for k in range(1, steps):  # it fits at the tightest: the loosest leading that does
            looser = self.sheet(st.leading - k * LEADING_STEP)
            tried = looser.search(FIT)
            if tried is not None and not tried.score.broken:
                return Settled(looser, tried, FIT)
            if tried is not None and tried.score.broken < best.plan.score.broken:
                best = Settled(looser, tried, FIT)
        return best

    def with_white(self) -> Settled | None:
        if not self.base.could_fit(FIT):
            return None  # not white but too much copy
        mode = replace(FIT, pad=min(self.base.zone_rows, WHITE_ROWS), stacks=False)
        plan = self.base.search(mode)
        return Settled(self.base, plan, mode) if plan is not None else None

    def jumps(self) -> Settled | None:
        jumped = _jump_plan(self.tightest)
        return Settled(self.tightest, *jumped) if jumped is not None else None

    def overset(self) -> Settled:
        sheet = self.tightest
        last = Mode(briefs=True, compact=True, overset=True, pad=sheet.zone_rows, stacks=False)
        plan = sheet.search(last)
        assert plan is not None  # in the overset mode no arrangement raises NoArrangement
        pins_overset = False
        if any(p.any for p in sheet.copy.pins):  # would the page fit without the editor's pins?
            pins_overset = sheet.search(FIT, sheet.unpinned()) is not None
        return Settled(sheet, plan, last, pins_overset, _excess_cells(sheet, last))


def _refuse_at_once(sheet: _Sheet) -> None:
    """NoArrangement now if even the loosest search (overset allowed, at the tightest
    leading) cannot place every profile at its smallest: no step of the policy could."""
    last = Mode(briefs=True, compact=True, overset=True)
    units = sheet.copy.units(last)
    if sum(sheet.copy.least_cells(u, last) for u in units) > sheet.free_cells:
        search(sheet.problem(last, sheet.copy))  # raises, with the message


def _at(ctx: Context, leading: float) -> Context:
    """The context on a tighter grid (its own memo: lines are shared by value, measure.py)."""
    return Context(ctx.style.with_leading(leading), ctx.faces, ctx.rules)


def _jump_plan(sheet: _Sheet) -> tuple[Arrangement, Mode] | None:
    """The arrangement in which the fewest of the longest profiles jump and nothing is
    overset (a binary search on how many jump); their photos stay on the page if that
    can work, else they may go with the continued text. None: no number of jumps fits."""
    copy = sheet.copy
    n = len(copy.profiles)
    longest = sorted(range(n), key=lambda i: (-len(copy.module(i, 1).body), i))
    for photos_jump in (False, True):
        found: tuple[Arrangement, Mode] | None = None
        lo, hi = 1, n
        while lo <= hi:
            k = (lo + hi) // 2
            mode = replace(FIT, jumping=frozenset(longest[:k]), photos_jump=photos_jump)
            tried = sheet.search(mode)
            if tried is not None:
                found, hi = (tried, mode), k - 1
            else:
                lo = k + 1
        if found is not None:
            return found
    return None


def _excess_cells(sheet: _Sheet, mode: Mode) -> int:
    """A lower bound on the cells the content lacks: every unit at its least area
    packed with no loss, against the zone. 0: packing alone could fit it."""
    units = sheet.copy.units(mode)
    least = sum(sheet.copy.least_cells(u, replace(mode, overset=False)) for u in units)
    return max(0, least - sheet.free_cells)


# -- setting the arrangement ---------------------------------------------------------
@dataclass
class _Set:
    """What setting the units gives: items, module boxes, reports, continued text."""

    items: list[Item]
    boxes: list[Box]
    reports: dict[int, ModuleReport]  # by position in the search order
    units: list[UnitReport]
    jumps: list[Continuation]


def _set(
    sheet: _Sheet,
    plan: Arrangement,
    mode: Mode,
    *,
    mark_overset: bool,
    mark_open: bool,
    jump_to: int,
    pins_overset: bool = False,
    excess: int = 0,
) -> Makeup:
    """The page set from an arrangement: furniture, units, rules, fillers and open areas."""
    ctx, page = sheet.ctx, sheet.page
    st = ctx.style
    units = sheet.copy.units(mode)
    if jump_to and mode.jumping:
        for pos in mode.jumping:
            sheet.texts[f"{sheet.copy.profiles[pos].path}.jump"] = jump_text("下转", jump_to, page.lang)
    placed_units = [sheet.copy.merged(units, pl.unit, pl.end) if pl.end else units[pl.unit] for pl in plan.placements]
    done = _set_units(sheet, plan, mode, placed_units, mark_overset=mark_overset, jump_to=jump_to)
    items = list(sheet.items) + done.items + _rules(sheet, plan) + _ad_items(sheet)
    notes = _notes(sheet, placed_units, [pl.option.shape[0] for pl in plan.placements])
    opened = _set_open_areas(sheet, plan.opens, notes, mark_open=mark_open)
    opens = opened.opens
    items += opened.items + (furniture.staff(ctx, sheet.texts) if sheet.outside else [])
    title = f"{sheet.texts['paper']} {date_text(page)} 第{page.page}版 {sheet.texts['headline']}"
    frame = PageFrame(st.page_width, st.page_height, tuple(items), tuple(done.boxes), title=title)
    gaps = sum(r.length for r in plan.rules if r.across) + opened.rule_cells
    usable = sheet.free_cells - gaps - sum(a.cells for a in opens)
    blank = sum(u.blank_cells for u in done.units) + plan.white + opened.white
    by_profile = {sheet.order[pos]: report for pos, report in done.reports.items()}
    return Makeup(
        frame=frame,
        modules=tuple(by_profile[i] for i in sorted(by_profile)),
        zone_rows=sheet.zone_rows,
        fill=max(0.0, 1 - blank / max(1, usable)),
        columns=st.columns,
        open_areas=opens,
        excess_cells=excess,
        jumps=tuple(done.jumps),
        pins_overset=pins_overset,
        leading=st.leading,
        units=tuple(done.units),
        score=plan.score,
        notes=tuple(notes),
        cut_short=plan.cut_short,
        zone_top=sheet.zone_top,
        white_cells=plan.white,
        booked=sheet.bookings,
    )


def _set_units(
    sheet: _Sheet, plan: Arrangement, mode: Mode, placed_units: list[Unit], *, mark_overset: bool, jump_to: int
) -> _Set:
    """Every unit laid out in its rectangle, with its reports (and what jumps)."""
    st = sheet.ctx.style
    L = st.leading
    done = _Set([], [], {}, [], [])
    earlier = {c.profile.path: c for c in sheet.continuations}  # a continued profile may continue again
    for pl, unit in zip(plan.placements, placed_units):
        x = st.column_x(pl.column)
        y = st.top + (sheet.zone_top + pl.row) * L
        obj, shape = pl.option.shape
        if isinstance(obj, BriefGroup):
            (items, boxes), reported = _set_briefs(sheet, unit, obj, shape, pl, x, y, mark_overset)
            done.items += items
            done.boxes += boxes
        else:
            pos = unit.positions[0]
            result = obj.layout(shape, mark_overset=mark_overset, jump_to=jump_to if pos in mode.jumping else 0)
            file, line = sheet.origins[obj.profile.index]
            if result.resume:
                done.jumps.append(_continuation(sheet.page, obj, result, sheet.texts, file, line, earlier))
            done.items += place(Block(result.rows, result.items), x, y)
            done.boxes.append(Box(obj.profile.id, x, y, obj.width, pl.rows * L - (L - st.body_size)))
            reported = {pos: _module_report(sheet, obj, shape, result, pl, jump_to if result.resume else 0)}
        done.reports.update(reported)
        done.units.append(_unit_report(sheet, unit, obj, shape, pl))
    return done


@dataclass(frozen=True)
class _Opened:
    """A page's open areas after its fillers: the items drawn there and what is left."""

    items: list[Item]
    opens: tuple[Area, ...]  # the open areas left, largest first
    rule_cells: int = 0  # cells of the rule rows between fillers
    white: int = 0  # white among the fillers


def _set_open_areas(sheet: _Sheet, opens: tuple[Area, ...], notes: list[str], *, mark_open: bool) -> _Opened:
    """The page's fillers set into its (largest) open area first, and the open areas left,
    marked on proofs; notes what was set."""
    ctx, page = sheet.ctx, sheet.page
    st = ctx.style
    items: list[Item] = []
    rule_cells = white = 0
    if opens and page.fillers:
        from layout.page.fillers import set_fillers  # only for a page with fillers and an open area

        filled = set_fillers(ctx, page.fillers, sheet.texts, opens[0])
        items += place(Block(0, filled.items), st.left, st.top + sheet.zone_top * st.leading)
        items += [_rule_item(sheet, r) for r in filled.rules]
        opens = tuple(sorted((*filled.left, *opens[1:]), key=lambda a: (-a.cells, a.row, a.column)))
        notes += filled.notes
        rule_cells = sum(r.length for r in filled.rules if r.across)
        white = filled.white
    elif page.fillers:
        notes.append("the page is full: its fillers are not set")
    if mark_open:
        items += [_open_mark(sheet, area) for area in opens]
    return _Opened(items, opens, rule_cells, white)


def _module_report(sheet: _Sheet, md: Module, shape: Shape, result, pl: Placement, jump_to: int) -> ModuleReport:
    file, line = sheet.origins[md.profile.index]
    return ModuleReport(
        id=md.profile.id,
        column=pl.column,
        span=pl.span,
        row=pl.row,
        rows=pl.rows,
        used_rows=result.used_rows,
        photo_rows=result.photo_rows,
        photo_span=md.photo_span,
        hole_cells=shape.blank_cells,
        overset_chars=result.overset_chars,
        photo_dropped=result.photo_dropped,
        balance=result.balance,
        copyfit=_copyfit(md),
        file=file,
        line=line,
        jump_to=jump_to,
        jumped_chars=result.jumped_chars,
        jump_from=md.profile.jump_from,
        legs=shape.legs,
        broken=shape.broken,
        overset_body=result.overset_body,
        vertical_headline=md.vertical_size(shape),
    )


def _set_briefs(sheet: _Sheet, unit: Unit, group: BriefGroup, shape: Shape, pl: Placement, x: float, y: float, mark):
    """A briefs module's items and boxes (one per item, at its first piece) and a report per item."""
    result = group.layout(shape, mark_overset=mark)
    items = place(Block(result.rows, result.items), x, y)
    boxes = [Box(pid, x + bx, y + by, bw, bh) for pid, (bx, by, bw, bh) in result.anchors.items()]
    heading = unit.title or "(briefs)"
    reports = {}
    for k, pos in enumerate(unit.positions):
        p = sheet.copy.profiles[pos]
        file, line = sheet.origins[p.index]
        reports[pos] = ModuleReport(
            id=p.id,
            column=pl.column,
            span=pl.span,
            row=pl.row,
            rows=pl.rows,
            used_rows=result.used_rows,
            photo_rows=shape.photo_rows if p.photo else 0,
            photo_span=1 if p.photo else 0,
            hole_cells=shape.blank_cells if k == 0 else 0,
            overset_chars=result.overset_chars.get(p.index, 0),
            photo_dropped=p.index in result.photos_dropped,
            balance=result.balance,
            file=file,
            line=line,
            legs=shape.legs,
            broken=shape.broken,
            brief=heading,
            overset_body=result.overset_body.get(p.index, 0),
        )
    return (items, boxes), reports


def _unit_report(sheet: _Sheet, unit: Unit, obj, shape: Shape, pl: Placement) -> UnitReport:
    first = sheet.copy.profiles[unit.positions[0]]
    file, line = sheet.origins[first.index]
    if isinstance(obj, BriefGroup):
        photo = f"1×{shape.photo_rows}" if shape.photo_rows else ""
        fill = 1.0
    else:
        photo = f"{obj.photo_span}×{shape.photo_rows}" if shape.photo_rows else ""
        fill = round(obj.head_width / obj.width, 3) if obj.width else 1.0
    vertical = obj.vertical_size(shape) if isinstance(obj, Module) else 0.0
    return UnitReport(
        ids=tuple(sheet.copy.profiles[p].id for p in unit.positions),
        briefs=unit.briefs,
        title=unit.title,
        why=unit.why,
        column=pl.column,
        span=pl.span,
        row=pl.row,
        rows=pl.rows,
        legs=shape.legs,
        blank_cells=shape.blank_cells,
        broken=shape.broken,
        photo=photo,
        head_fill=fill,
        file=file,
        line=line,
        pins=unit.pins.describe(),
        vertical_headline=vertical,
    )


def _notes(sheet: _Sheet, units: list[Unit], objs: list) -> list[str]:
    """What the makeup decided about briefs, said plainly."""
    out = []
    parts: dict[str, list[Unit]] = {}  # the modules of each heading's run of items
    for u in units:
        if u.briefs and u.why in ("shared heading", "group") and u.key is not None:
            parts.setdefault(u.key, []).append(u)
            continue
        if not u.briefs:
            continue
        named = _named([sheet.copy.profiles[p].id for p in u.positions])
        if u.why in ("shared heading", "group"):  # an item the editor pinned, on its own
            out.append(f"{named} set as a brief{' under ' + repr(u.title) if u.title else ''} where pinned")
        elif u.why == "short":
            out.append(f"{named} too short for a legible module: set as briefs")
        elif u.why == "copyfit":
            out.append(f"{named} set as briefs to fit the page")
    for run in parts.values():
        ids = [sheet.copy.profiles[p].id for u in run for p in u.positions]
        title = sheet.texts[run[0].title_path]
        where = "" if len(run) == 1 else f", in {len(run)} modules (the heading on the first)"
        if run[0].why == "shared heading":
            out.append(f"{_named(ids)} share the heading '{title}': set together as briefs under it, once{where}")
        else:
            out.append(f"{_named(ids)} set as briefs under '{title}'{where}")
    for obj in objs:
        if isinstance(obj, Module) and obj.vertical_note:
            out.append(obj.vertical_note)
        if isinstance(obj, BriefGroup):
            out += [
                f"'{pid}' set as a brief: its pull quote repeats its text and is left out"
                for pid in obj.dropped_quotes()
            ]
    return out


def _named(ids: list[str]) -> str:
    return f"'{ids[0]}'" if len(ids) == 1 else f"{len(ids)} items ({ids[0]} … {ids[-1]})"


def _ad_items(sheet: _Sheet) -> list[Item]:
    """The booked blocks, each in its box on the grid with its artwork (or a placeholder)."""
    st = sheet.ctx.style
    L = st.leading
    out: list[Item] = []
    for b in sheet.bookings:
        ad = b.ad
        size = f"{ad.size} " if ad.size else ""
        out.append(
            AdItem(
                st.column_x(b.column),
                st.top + b.row * L,
                st.span_width(b.columns),
                b.rows * L - (L - st.body_size),
                ad.id,
                ad.file,
                f"广告 {ad.id} {size}{b.columns}栏×{b.rows}行",
                ad.path,
            )
        )
    return out


def _rules(sheet: _Sheet, plan: Arrangement) -> list[Item]:
    """The rules between the parts of the zone: across in a gap row, down in a gutter."""
    return [_rule_item(sheet, r) for r in plan.rules]


def _rule_item(sheet: _Sheet, r: Rule) -> RuleItem:
    st = sheet.ctx.style
    L = st.leading
    w = st.rules["module"]
    gap = L - st.body_size
    top = st.top + (sheet.zone_top + r.row) * L
    if r.across:
        y = top + L / 2 - gap / 2
        x0 = st.column_x(r.column)
        return RuleItem(x0, y, x0 + st.span_width(r.length), y, w)
    x = st.column_x(r.column) - st.gutter / 2
    return RuleItem(x, top, x, top + r.length * L - gap, w)


def _open_mark(sheet: _Sheet, area: Area) -> MarkItem:
    st = sheet.ctx.style
    L = st.leading
    x = st.column_x(area.column)
    y = st.top + (sheet.zone_top + area.row) * L
    return MarkItem(x, y, st.span_width(area.columns), area.rows * L - (L - st.body_size), open_label(st, area))


def open_label(st, area: Area) -> str:
    """What a proof shows in the open area: its size and the standard space it can take."""
    space = fitting_space(st, area)
    taken = f"，可排{space.name}" if space else ""
    return f"空版 {area.columns}栏×{area.rows}行{taken}"


def fitting_space(st, area: Area):
    """The largest of the style's standard spaces that fits in the area (None: none does)."""
    return next((s for s in st.spaces if s.columns <= area.columns and s.lines <= area.rows), None)


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


def _search_order(profiles: list[Profile], columns: int, min_span: int) -> list[int]:
    """Content order, but lead and top-row profiles first and last-row ones last, those
    pinned to later rows in the order of their rows; a profile pinned to a later row, or
    to a column right of the first, moves behind as many profiles as could stand before it
    (a band of modules of two spans each above it, modules of the narrowest span left of
    it: the first of the order is always top left)."""
    order = sorted((p.index for p in profiles), key=lambda i: (_rank(profiles[i]), i))
    pinned = [k for k, i in enumerate(order) if (profiles[i].row or 0) > 1]  # later rows: in row order
    for k, i in zip(pinned, sorted((order[k] for k in pinned), key=lambda i: (profiles[i].row, i))):
        order[k] = i
    for index in list(order):
        p = profiles[index]
        per_band = max(1, columns // (2 * min_span))
        ahead = max(
            (p.row - 1) * per_band if p.row and p.row > 1 else 0,
            max(1, (p.column - 1) // min_span) if p.column and p.column > 1 else 0,
        )
        pos = order.index(index)
        if pos < ahead and not p.lead:
            order.remove(index)
            order.insert(min(ahead, len(order)), index)
    return order


def _rank(p: Profile) -> int:
    """Where a profile's pins put it in the order the search keeps: lead profiles,
    then those pinned to the first row, then the rest, then those pinned to the last."""
    return 0 if p.lead else 1 if p.row == 1 else 3 if p.row == -1 else 2


def _pins(p: Profile, *, first: bool) -> Pins:
    """The profile's pins; a second lead (only one profile leads) keeps to the first row."""
    lead = p.lead and first
    row = 1 if p.lead and not first else p.row
    return Pins(p.span, p.photo_span, lead, row, p.column)


def _copyfit(md: Module) -> str:
    if not md.compact:
        return ""
    parts = [f"headline {md.head.size:g}pt"]
    if md.quote:
        parts.append(f"quote {md.ctx.role('quote').min_size:g}pt")
    return ", ".join(parts)
