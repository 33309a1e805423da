"""The page's copy as the makeup search sees it (stage 3).

Input: the profiles in the order the search keeps (``Copy``), the style and
fonts (``Context``) and what a search may do to fit (``Mode``). Output: the
``Unit``s (one profile's module, or a group of briefs set together) and, for
each unit and width, its ``Option``s: the best shape at each height with its
``Score``, measured exactly by ``Module`` and ``BriefGroup``.

Which profiles become briefs: those the editor grouped (``group:``) or marked
(``brief: true``); consecutive ones that share a headline (grouped under it,
set once); and those too short to stand as a module at the narrowest span
(fewer than ``min_leg`` lines a column). With ``Mode.briefs``, also those of at
most ``briefs.max_lines`` lines. A run of such briefs may be set as one group
flowing through its columns, or as several: the search decides
(``merged``).

A module's headline may stand vertically beside its body (竖题): always where the profile
says ``headline_vertical: true`` and the module can hold it, as another variant of the
module where the style's ``vertical_headlines`` is ``allowed`` (kept only where it scores
better than every horizontal variant at that height), never otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import product

from layout.model.content import Profile
from layout.page.arrange import HARD, SOFT_WEIGHTS, Option, Pins, Score
from layout.page.briefs import BriefGroup
from layout.page.context import Context
from layout.page.measure import ProfileStore, profile_store
from layout.page.module import Module, Shape, photo_spans

PAD_ROWS = 3  # a unit may stand this many rows deeper than its text needs (white, counted and ruled on)
MODULE_PAD_ROWS = 30  # when text is overset a module needs no deeper white than this (a brief may, beside it)
HEAD_PAD_ROWS = 3  # rows of space a headline may take beyond its lines, to fit its module to its neighbours
MAX_UNITS = 24  # a page of more units has its shortest neighbouring briefs joined first (bounds the search)


@dataclass(frozen=True)
class Mode:
    """What one search may do to fit the copy: the makeup policy's steps."""

    briefs: bool = False  # set short items that could stand as modules as briefs too
    compact: bool = False  # copyfit modules: headline on one line, quote at its minimum size
    overset: bool = False  # let text go unset, counted (the last resort, reported)
    pad: int = PAD_ROWS  # rows a unit may stand deeper than its copy needs (white, counted)
    stacks: bool = True  # stacks of units in a band; False: bands are rows (for the dense last resorts)
    head_space: bool = False  # modules with photos may take space around their headline too (no-photo ones always)
    jumping: frozenset[int] = frozenset()  # profiles (by position) whose rest continues on another page
    photos_jump: bool = False  # ... and whose photo may go with it


@dataclass(frozen=True)
class Unit:
    """One rectangle of the page: a profile's module, or briefs set together."""

    positions: tuple[int, ...]  # the profiles it holds, by position in the search order
    briefs: bool = False
    title: str = ""  # briefs: the heading set once ("": none)
    title_path: str = ""  # ... and the YAML field it comes from
    why: str = ""  # briefs: "group", "shared heading", "brief: true", "short", "copyfit"
    optional: int = 0  # items in it that could stand as modules (set as briefs only to fit)
    pins: Pins = Pins()
    key: str | None = None  # briefs that may be set together with their neighbours of the same key

    @property
    def mergeable(self) -> bool:
        return self.key is not None


@dataclass
class Copy:
    """The profiles of one page in search order, measured once per context."""

    ctx: Context
    profiles: list[Profile]  # in search order
    texts: dict[str, str]
    pins: list[Pins]
    # each profile's measurements (by position), kept by value across searches and renders
    stores: dict[int, ProfileStore] = field(default_factory=dict)
    modules: dict[tuple, Module] = field(default_factory=dict)
    groups: dict[tuple, BriefGroup] = field(default_factory=dict)
    options_memo: dict[tuple, dict[int, Option]] = field(default_factory=dict)
    units_memo: dict[tuple, tuple[Unit, ...]] = field(default_factory=dict)
    briefs_memo: dict[int, bool] = field(default_factory=dict)  # must_brief, by position

    def module(
        self,
        pos: int,
        span: int,
        photo_span: int | None = None,
        compact: bool = False,
        head_pad: int = 0,
        vertical: bool | None = None,
    ) -> Module:
        """The profile's module (``vertical``: its headline vertical where the module can
        hold it; None: as the profile says)."""
        p = self.profiles[pos]
        if vertical is None:
            vertical = p.headline_vertical is True
        key = (pos, span, photo_span, compact, head_pad, vertical)
        found = self.modules.get(key)
        if found is None:
            store = self.store(pos)
            found = Module(self.ctx, p, self.texts, span, photo_span, store, compact, head_pad, vertical)
            self.modules[key] = found
        return found

    def may_stand(self, pos: int) -> bool:
        """May the profile's headline stand vertically (竖题) at some width? (Not on a vertical
        page: every line stands there.)"""
        want = self.profiles[pos].headline_vertical
        if self.ctx.rules.vertical:
            return False
        return want is True or (want is None and self.ctx.style.vertical_headlines == "allowed")

    def verticals(self, pos: int, width: int) -> tuple[bool, ...]:
        """The module's headline at ``width``, by variant: across (False), vertical (True).
        ``headline_vertical: true``: vertical where the module can hold it, else across."""
        if not self.may_stand(pos) or width < 2 or not self.module(pos, width, None, False, 0, True).vertical:
            return (False,)
        return (True,) if self.profiles[pos].headline_vertical else (False, True)

    def store(self, pos: int) -> ProfileStore:
        """The profile's measurements at this context (measure.py)."""
        found = self.stores.get(pos)
        if found is None:
            found = self.stores[pos] = profile_store(self.ctx, self.profiles[pos], self.texts)
        return found

    def group(self, unit: Unit, span: int) -> BriefGroup:
        key = (unit.positions, span, unit.title)
        if key not in self.groups:
            members = tuple(self.profiles[p] for p in unit.positions)
            stores = tuple(self.store(p) for p in unit.positions)
            self.groups[key] = BriefGroup(self.ctx, members, self.texts, span, unit.title, unit.title_path, stores)
        return self.groups[key]

    def lines(self, pos: int) -> int:
        """Body lines of a profile at one column's width."""
        return len(self.module(pos, 1).body)

    # -- which profiles are briefs ----------------------------------------------
    def must_brief(self, pos: int) -> bool:
        """Set as a brief whatever the search does: marked so, or too short for a module."""
        found = self.briefs_memo.get(pos)
        if found is None:
            found = self.briefs_memo[pos] = self._must_brief(pos)
        return found

    def _must_brief(self, pos: int) -> bool:
        p = self.profiles[pos]
        if p.brief is not None or p.jump_from or self.pins[pos].span:
            return bool(p.brief)
        rules = self.ctx.style.legibility
        span = max(1, self.ctx.style.min_span)
        return self.lines(pos) < span * rules.min_leg - (span - 1)

    def may_brief(self, pos: int) -> bool:
        p = self.profiles[pos]
        if p.brief is False or p.jump_from or self.pins[pos].span:
            return False
        return self.lines(pos) <= self.ctx.style.briefs.max_lines

    def units(self, mode: Mode) -> tuple[Unit, ...]:
        """The page's units in reading order (they depend on which items may be briefs)."""
        key = (mode.briefs, mode.jumping)
        if key not in self.units_memo:
            self.units_memo[key] = self._units(mode)
        return self.units_memo[key]

    def _units(self, mode: Mode) -> tuple[Unit, ...]:
        n = len(self.profiles)
        out: list[Unit] = []
        i = 0
        while i < n:
            p = self.profiles[i]
            if p.group:
                j = i + 1
                while j < n and self.profiles[j].group == p.group:
                    j += 1
                out += self._heading_run(range(i, j), f"{p.path}.group", "group")
            elif p.brief is not False and not p.jump_from and self._shares_heading(i):
                j = i + 1
                while j < n and self._shares_heading(j - 1):
                    j += 1
                out += self._heading_run(range(i, j), f"{p.path}.headline", "shared heading")
            elif self.must_brief(i) or (mode.briefs and self.may_brief(i) and i not in mode.jumping):
                out.append(self._brief_unit(range(i, i + 1)))
                j = i + 1
            else:
                out.append(Unit((i,), pins=self.pins[i]))
                j = i + 1
            i = j
        return self._joined(out)

    def _joined(self, units: list[Unit]) -> tuple[Unit, ...]:
        """Units, with the neighbouring briefs of least copy joined (they are set together
        in any case) until no more than MAX_UNITS remain, or no two briefs neighbour."""
        size = [sum(self.lines(p) for p in u.positions) for u in units]
        while len(units) > MAX_UNITS:
            pairs = [
                (size[k] + size[k + 1], k)
                for k in range(len(units) - 1)
                if units[k].mergeable and units[k].key == units[k + 1].key
            ]
            if not pairs:
                break
            _, k = min(pairs)
            units[k : k + 2] = [self.merged(tuple(units), k, k + 2)]
            size[k : k + 2] = [size[k] + size[k + 1]]
        return tuple(units)

    def _shares_heading(self, i: int) -> bool:
        """The first of two or more consecutive profiles with the same headline, short
        enough to read as briefs (a letter may run long; a feature is no brief)."""
        p = self.profiles[i]
        if p.group or not p.headline or p.jump_from or not self._brief_sized(i):
            return False
        nxt = self.profiles[i + 1] if i + 1 < len(self.profiles) else None
        return (
            nxt is not None
            and not nxt.group
            and nxt.brief is not False
            and nxt.headline == p.headline
            and self._brief_sized(i + 1)
        )

    def _brief_sized(self, pos: int) -> bool:
        return self.lines(pos) <= 2 * self.ctx.style.briefs.max_lines

    def _briefs(self, positions: range, title: str, title_path: str, why: str, optional: int) -> Unit:
        first = self.pins[positions[0]]
        pins = Pins(lead=first.lead, row=first.row, column=first.column)
        return Unit(tuple(positions), True, title, title_path, why, optional, pins)

    def _heading_run(self, positions: range, title_path: str, why: str) -> list[Unit]:
        """Items under one heading (an editor's group, or a shared headline): a unit each,
        the heading on the first, all of one key, so the search sets them together as
        one module, or as several (the heading on the first) when one would be too deep;
        an item the editor pinned stands alone."""
        title = self.texts[title_path]
        key = f"{why}:{positions[0]}"
        out = []
        for pos in positions:
            unit = self._briefs(range(pos, pos + 1), title if pos == positions[0] else "", title_path, why, 0)
            out.append(replace(unit, key=None if unit.pins.any else key))
        return out

    def _brief_unit(self, positions: range) -> Unit:
        optional = sum(1 for p in positions if not self.must_brief(p))
        why = "brief: true" if all(self.profiles[p].brief for p in positions) else "copyfit" if optional else "short"
        unit = self._briefs(positions, "", "", why, optional)
        return replace(unit, key=None if unit.pins.any else "briefs")

    def merged(self, units: tuple[Unit, ...], a: int, b: int) -> Unit:
        """Briefs units a…b-1 (of one key) set together as one group: under the heading when
        the run starts with it."""
        first = units[a]
        positions = range(first.positions[0], units[b - 1].positions[-1] + 1)
        if first.key is not None and first.key != "briefs":
            return replace(first, positions=tuple(positions))
        return self._brief_unit(positions)

    # -- options ------------------------------------------------------------------
    def options(self, unit: Unit, width: int, mode: Mode) -> dict[int, Option]:
        """The unit at ``width`` columns: its best option at each height."""
        # what of the mode the options depend on: briefs (optional ones weigh more) and
        # compact modules only change which units there are and how modules may be set
        if unit.briefs:
            key = (unit.positions, True, width, unit.optional, mode.pad, mode.overset)
        else:
            pos = unit.positions[0]
            jumping = pos in mode.jumping
            key = (
                unit.positions,
                False,
                width,
                mode.compact,
                mode.pad,
                mode.overset,
                jumping,
                mode.photos_jump,
                mode.head_space,
            )
        if key not in self.options_memo:
            if unit.briefs:
                found = self._brief_options(unit, width, mode)
            else:
                found = self._module_options(unit.positions[0], width, mode)
            self.options_memo[key] = found
        return self.options_memo[key]

    def _module_options(self, pos: int, width: int, mode: Mode) -> dict[int, Option]:
        st = self.ctx.style
        pin = self.pins[pos]
        if width < st.min_span and pin.span != width:
            return {}
        p = self.profiles[pos]
        verticals = self.verticals(pos, width)
        spans = self._photo_spans(pos, width)
        jumping = pos in mode.jumping
        fit = _Fit(
            pad=min(mode.pad, MODULE_PAD_ROWS) if mode.overset else mode.pad,
            overset=mode.overset,
            jumping=jumping,
            photo_jumps=jumping and mode.photos_jump,
            most=self._largest_photo(pos),
            jumps_photo=p.index in self._jumping_indices(mode) and mode.photos_jump,
            # a module may take a row or two of space around its headline, to fit its
            # neighbours: the same shape, as many rows deeper
            head_pads=HEAD_PAD_ROWS if mode.head_space or p.photo is None else 0,
        )
        compacts = (False, True) if mode.compact else (False,)
        memo = self.store(pos).memo("options")  # kept by value: across searches, steps and renders
        key = (width, spans, compacts, fit) if verticals == (False,) else (width, spans, compacts, fit, verticals)
        table = memo.get(key)
        if table is None:
            table = memo[key] = self._module_table(pos, width, spans, compacts, fit, verticals)
        return {
            rows: Option(rows, score, (self.module(pos, width, ps, compact, pad, vertical), shape))
            for rows, (score, ps, compact, pad, shape, vertical) in table.items()
        }

    def _photo_spans(self, pos: int, columns: int) -> tuple[int | None, ...]:
        """The photo widths a module may use in ``columns`` (None: no photo)."""
        if self.profiles[pos].photo is None:
            return (None,)
        pin = self.pins[pos]
        return (min(pin.photo_span, columns),) if pin.photo_span else tuple(photo_spans(columns))

    def _module_table(
        self,
        pos: int,
        width: int,
        spans: tuple[int | None, ...],
        compacts: tuple[bool, ...],
        fit: _Fit,
        verticals: tuple[bool, ...] = (False,),
    ) -> dict[int, tuple[Score, int | None, bool, int, Shape, bool]]:
        """The best variant at each height: (score, photo span, copyfitted, rows of space around
        the headline, shape, vertical headline). Variants in order (the headline across first),
        heights in the order they first come, the first of equal cost kept: as if every option
        were made and the best kept. A vertical headline's module is never copyfitted and takes
        no space around its headline; its photo spans the columns beside the headline."""
        variants = []
        if False in verticals:
            variants += [(False, compact, ps, fit) for compact, ps in product(compacts, spans)]
        if True in verticals:
            vfit = replace(fit, head_pads=0)
            variants += [(True, False, ps, vfit) for ps in self._photo_spans(pos, width - 1)]
        best: dict[int, tuple[int, Score, int | None, bool, int, Shape, bool]] = {}
        for vertical, compact, ps, vf in variants:
            md = self.module(pos, width, ps, compact, 0, vertical)
            for rows, (cost, score, pad, shape) in _variant_rows(md, vf).items():
                old = best.get(rows)
                if old is None or cost < old[0]:
                    best[rows] = (cost, score, ps, compact, pad, shape, vertical)
        return {rows: entry[1:] for rows, entry in best.items()}

    def _score(self, md: Module, shape: Shape, mode: Mode, most_photo: int) -> Score:
        """A module shape's score: its overset (a photo with no room weighs twice the cells it
        takes at its smallest: an editor cuts text before a picture), rules, white, space
        around the headline, copyfit and the photo it gives up."""
        jumps_photo = md.profile.index in self._jumping_indices(mode) and mode.photos_jump
        dropped = md.photo_span and not shape.photo_rows and not jumps_photo
        lost = 2 * (md.photo_range[0] + md.caption_rows) * md.photo_span if dropped else 0
        return Score(
            overset=shape.overset_lines + lost,
            broken=len(shape.broken),
            blank=shape.blank_cells,
            head_space=md.head_pad * md.span,
            compact=int(md.compact),
            photo=max(0, most_photo - shape.photo_cells),
        )

    def _jumping_indices(self, mode: Mode) -> set[int]:
        return {self.profiles[pos].index for pos in mode.jumping}

    def _largest_photo(self, pos: int) -> int:
        """Cells of the largest photo box (with caption) the profile could show."""
        if self.profiles[pos].photo is None:
            return 0
        W = self.ctx.style.columns
        md = self.module(pos, W, photo_spans(W)[0])
        return (md.photo_range[1] + md.caption_rows) * md.photo_span

    def _brief_options(self, unit: Unit, width: int, mode: Mode) -> dict[int, Option]:
        st = self.ctx.style
        if width > min(st.briefs.columns, st.columns):
            return {}
        group = self.group(unit, width)
        split = int(unit.key is not None and unit.key != "briefs" and not unit.title)
        key = ("options", unit.optional, split, mode.pad, mode.overset)
        table = group.memo.get(key)  # kept by value with the group's measurements (measure.py)
        if table is None:
            table = group.memo[key] = _brief_rows(group, unit.optional, split, mode.pad, mode.overset)
        return {rows: Option(rows, score, (group, shape)) for rows, (score, shape) in table.items()}

    def least_cells(self, unit: Unit, mode: Mode) -> int:
        """A lower bound on the cells the unit takes at any width, cheap to know (no
        headline set): its body lines (unless text may be overset or continue
        elsewhere), and a row each of headline and byline (two for a quote) over the
        narrowest span. For a quick refusal of a page far too full."""
        if unit.briefs:
            return len(unit.positions) if mode.overset else sum(self.lines(p) for p in unit.positions)
        pos = unit.positions[0]
        p = self.profiles[pos]
        st = self.ctx.style
        span = self.pins[pos].span or max(1, st.min_span)
        fixed = 2 + (2 if p.quote else 0) - (1 if self.may_stand(pos) else 0)  # a vertical headline: no row
        if mode.overset or pos in mode.jumping:
            return span * (fixed + 1)
        return self.lines(pos) + span * fixed

    def floor(self, unit: Unit, mode: Mode) -> int:
        """A lower bound on the cells the unit takes however it is set, alone or with its
        neighbours (``Problem.floors``): briefs, their pieces at the smallest photo (no
        hairline: one may fall at a column's foot; none when text may be overset); -1 for a
        module, which the search bounds by its own options."""
        if not unit.briefs:
            return -1
        if mode.overset:
            return 0
        group = self.group(unit, 1)
        return sum(p.rows for p in group.pieces(group.photo_range[0]) if not p.rule)

    def least_area(self, unit: Unit, mode: Mode) -> int:
        """A tighter lower bound (the headlines set): every body line, and at the span
        where it is least, the headline, byline, quote and smallest photo box with its
        caption (briefs: each item's head, photo and signature, hairlines between)."""
        if mode.overset:
            return self.least_cells(unit, mode)
        if unit.briefs:
            group = self.group(unit, 1)
            return sum(p.rows for p in group.pieces(group.photo_range[0]) if not p.rule) + len(unit.positions) - 1
        pos = unit.positions[0]
        if pos in mode.jumping:
            return self.least_cells(unit, mode)
        st = self.ctx.style
        spans = [self.pins[pos].span] if self.pins[pos].span else range(max(1, st.min_span), st.columns + 1)
        best = None
        for span in spans:
            for compact in (False, True) if mode.compact else (False,):
                md = self.module(pos, span, None, compact)
                photo = 0
                if md.photo_span:
                    narrow = self.module(pos, span, photo_spans(span)[-1], compact)
                    photo = (narrow.photo_range[0] + narrow.caption_rows) * narrow.photo_span
                cells = span * md.fixed_rows + photo
                best = cells if best is None else min(best, cells)
        if self.may_stand(pos):
            for span in spans:
                cells = self._least_vertical(pos, span)
                if cells is not None:
                    best = cells if best is None else min(best, cells)
        return self.lines(pos) + (best or 0)

    def _least_vertical(self, pos: int, span: int) -> int | None:
        """The cells a module with a vertical headline takes at least, but its body lines: its
        byline and quote over the other columns, their smallest photo box, the headline's
        column as deep as the headline needs (None: no vertical headline at ``span``)."""
        md = self.module(pos, span, None, False, 0, True)
        if not md.vertical:
            return None
        photo = 0
        if md.photo_span:
            narrow = self.module(pos, span, photo_spans(md.cols)[-1], False, 0, True)
            photo = (narrow.photo_range[0] + narrow.caption_rows) * narrow.photo_span
        return md.cols * md.fixed_rows + photo + max(md.vhead_min_rows, md.fixed_rows + 1)


@dataclass(frozen=True)
class _Fit:
    """What a module's options at one width depend on, of the mode and the page."""

    pad: int  # rows a module may stand deeper than its text
    overset: bool
    jumping: bool
    photo_jumps: bool
    most: int  # cells of the largest photo the profile could show
    jumps_photo: bool  # its photo may go with its continued text (a dropped photo costs nothing)
    head_pads: int  # rows of space around the headline it may take (0: none)


def _variant_rows(md: Module, fit: _Fit) -> dict[int, tuple[int, Score, int, Shape]]:
    """One module variant's best shape at each height (cost, score, rows of space around
    the headline, the shape at that height), memoised with the variant's measurements.
    Costs are reckoned as ``Score.cost`` does, a ``Score`` is made only for the best."""
    key = ("rows", fit, md.photo_range, md.compact, md.head_pad)  # what it uses beyond the shapes' key
    found = md.shapes_memo.get(key)
    if found is not None:
        return found
    w = SOFT_WEIGHTS
    w_blank, w_photo = w["blank"], w["photo"]
    photo_span, most, jumps_photo = md.photo_span, fit.most, fit.jumps_photo
    lost = 2 * (md.photo_range[0] + md.caption_rows) * photo_span
    compact = int(md.compact)
    pad_cost = md.span * w["head_space"]
    soft_base = (md.head_pad * md.span) * w["head_space"] + compact * w["compact"]
    pads = range(fit.head_pads + 1)
    best: dict[int, tuple[int, int, Shape]] = {}
    for shape in md.shape_list(pad=fit.pad, overset=fit.overset, jumping=fit.jumping, photo_jumps=fit.photo_jumps):
        overset = shape.overset_lines
        if photo_span and not shape.photo_rows and not jumps_photo:  # the photo dropped
            overset += lost
        short = most - shape.photo_cells  # photo cells given up
        cost = (
            (overset * HARD + len(shape.broken)) * HARD
            + shape.blank_cells * w_blank
            + soft_base
            + (short * w_photo if short > 0 else 0)
        )
        base = shape.rows
        for pad in pads:
            rows, c = base + pad, cost + pad * pad_cost
            old = best.get(rows)
            if old is None or c < old[0]:
                best[rows] = (c, pad, shape)
    out: dict[int, tuple[int, Score, int, Shape]] = {}
    for rows, (c, pad, shape) in best.items():
        dropped = photo_span and not shape.photo_rows and not jumps_photo
        score = Score(
            overset=shape.overset_lines + (lost if dropped else 0),
            broken=len(shape.broken),
            blank=shape.blank_cells,
            head_space=md.head_pad * md.span + pad * md.span,
            compact=compact,
            photo=max(0, most - shape.photo_cells),
        )
        out[rows] = (c, score, pad, _deeper(shape, rows) if pad else shape)
    md.shapes_memo[key] = out
    return out


def _deeper(shape: Shape, rows: int) -> Shape:
    """The same shape ``rows`` tall (space around the headline): ``replace``, made directly."""
    return Shape(
        rows,
        shape.photo_rows,
        shape.body_rows,
        shape.legs,
        shape.overset_lines,
        shape.blank_cells,
        shape.placed,
        shape.photo_cells,
        shape.broken,
    )


def _brief_rows(group: BriefGroup, briefed: int, split: int, pad: int, overset: bool) -> dict[int, tuple[Score, Shape]]:
    """A briefs group's best shape at each height and its score, in the order the heights
    first come, the first of equal cost kept (costs reckoned as ``Score.cost`` does)."""
    w = SOFT_WEIGHTS
    most = sum(1 for md in group.items if md.photo_span) * group.photo_range[1]
    fixed = briefed * w["briefed"] + split * w["split"]
    best: dict[int, tuple[int, Shape]] = {}
    for shape in group.shapes(pad=pad, overset=overset):
        soft = shape.blank_cells * w["blank"] + fixed + max(0, most - shape.photo_cells) * w["photo"]
        cost = (shape.overset_lines * HARD + len(shape.broken)) * HARD + soft
        old = best.get(shape.rows)
        if old is None or cost < old[0]:
            best[shape.rows] = (cost, shape)
    out: dict[int, tuple[Score, Shape]] = {}
    for rows, (_, shape) in best.items():
        score = Score(
            overset=shape.overset_lines,
            broken=len(shape.broken),
            blank=shape.blank_cells,
            briefed=briefed,
            split=split,
            photo=max(0, most - shape.photo_cells),
        )
        out[rows] = (score, shape)
    return out
