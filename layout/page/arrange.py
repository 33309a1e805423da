"""The makeup search (stage 3): where each unit of copy goes in the module zone.

Input: a ``Problem``: the zone (columns × grid rows), the units in reading
order (one profile's module, or a group of briefs) with the editor's pins, and
for each unit and width the heights it can take, each an ``Option`` with its
``Score``. Output: an ``Arrangement``: a rectangle per unit, the rules between
them, the open area of a short page and the page's score; deterministic.

Arrangements are guillotine layouts (Gange, Marriott & Stuckey, "Optimal
guillotine layout", DocEng 2012): the zone is cut across into bands; a band is
cut down into blocks; a block may be cut across into a stack, and so on.
Units keep reading order: the first part of every cut (the top, or the left)
holds the earlier units, so the first unit sits top left and a page reads
上左, 上右, 下右. Rows of modules are one case; a tall module beside a stack of
two or three shorter ones is another. What a short page leaves is one open
rectangle where ``Problem.open_area`` says: a band across the foot of the zone
("foot"), or the bottom right corner at any width ("corner"). Only when no such
page keeps every module legible may it lie elsewhere (beside the last band),
or be two (beside the last band, and the foot under it).

The search is exact dynamic programming: for units i…j at a width, the best
score at each height, memoised. Scores add up over the parts of a cut, so the
best page is made of best parts. Bounds (units per band, total work) keep it
finite; when the work bound stops it, the arrangement says so.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

GAP_ROWS = 1  # a grid row between parts cut across holds the rule
MAX_BAND_UNITS = 16  # units in one band (across the zone); more start a new band
MAX_BLOCK_UNITS = 5  # units in one block of a band (cut across and down freely); a run of briefs may be longer
MAX_WORK = 4_000_000  # combination steps before the search stops with the best found so far


class NoArrangement(Exception):
    """No arrangement exists (too many units, or pins that cannot hold, for the zone)."""


@dataclass(frozen=True)
class Score:
    """What makes one page better than another, most important first.

    ``overset`` outweighs everything; then ``broken``; the soft terms after them
    are weighed against each other by ``SOFT_WEIGHTS``. Scores add up over a
    page's parts."""

    overset: int = 0  # lines of text (and captions) with no room on the page
    broken: int = 0  # legibility rules broken, one per rule and module (module.RULES)
    blank: int = 0  # empty cells inside modules
    head_space: int = 0  # cells of space added around headlines (to fit a module to its neighbours)
    open: int = 0  # cells of the open area a short page leaves (and any blank band at the foot)
    open_parts: int = 0  # open rectangles not where the style puts the open area (or beyond the first)
    briefed: int = 0  # items set as briefs that could stand as modules
    split: int = 0  # modules a heading's items continue in, beyond the one under the heading
    compact: int = 0  # modules copyfitted (headline on one line, quote at its minimum size)
    butting: int = 0  # cuts down the page: parts side by side, their top headlines on one row
    photo: int = 0  # photo cells short of the largest photo each module could show

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(astuple_fast(self), astuple_fast(other))))

    @property
    def cost(self) -> int:
        """The score as one number: smaller is better."""
        w = SOFT_WEIGHTS
        soft = (
            self.blank * w["blank"]
            + self.head_space * w["head_space"]
            + self.open * w["open"]
            + self.open_parts * w["open_parts"]
            + self.briefed * w["briefed"]
            + self.split * w["split"]
            + self.compact * w["compact"]
            + self.butting * w["butting"]
            + self.photo * w["photo"]
        )
        return (self.overset * HARD + self.broken) * HARD + soft


def astuple_fast(score: Score) -> tuple[int, ...]:
    """A score's terms in field order (dataclasses.astuple deep-copies: too slow here)."""
    return tuple(score.__dict__[name] for name in _SCORE_FIELDS)


HARD = 10**6  # a broken rule outweighs any soft total; an overset line any number of broken rules
SOFT_WEIGHTS = {
    "blank": 8,  # a cell of white inside a module
    "head_space": 2,  # a cell of space around a headline: reads better than white under the text
    "open": 2,  # a cell of the open area: space for an ad or a filler, better than white in a module
    "open_parts": 4000,  # an open rectangle out of place: taken only to keep every module legible
    "briefed": 40,  # an item that could stand alone set as a brief
    "split": 80,  # a heading's items in two modules rather than one
    "compact": 30,  # a copyfitted module
    "butting": 12,  # headlines side by side (tombstoning): prefer stacks and staggered heads
    "photo": 1,  # a photo cell given up
}


_SCORE_FIELDS = tuple(f.name for f in fields(Score))


@dataclass(frozen=True)
class Option:
    """One height a unit can take at one width: its score and, opaque to the search,
    what the makeup needs to set it (the module variant and photo size)."""

    rows: int
    score: Score
    shape: Any = field(compare=False)
    cost: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", self.score.cost)


@dataclass(frozen=True)
class Pins:
    """An editor's wishes for one unit (None: free)."""

    span: int | None = None
    photo_span: int | None = None
    lead: bool = False  # top left, and the widest module along the top of the page
    row: int | None = None  # band of modules, 1 at the top; -1 the last; the unit starts at the band's top
    column: int | None = None  # first column, 1 at the left

    @property
    def any(self) -> bool:
        return bool(self.span or self.photo_span or self.lead or self.row or self.column)

    def describe(self) -> str:
        parts = [
            f"span {self.span}" if self.span else "",
            f"photo span {self.photo_span}" if self.photo_span else "",
            "lead" if self.lead else "",
            ("row last" if self.row == -1 else f"row {self.row}") if self.row else "",
            f"column {self.column}" if self.column else "",
        ]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Problem:
    """One search: the zone, the units in reading order, and their options."""

    columns: int
    rows: int  # grid rows of the module zone
    names: tuple[str, ...]  # a name per unit, for messages
    pins: tuple[Pins, ...]  # the editor's wishes per unit
    options: Callable[[int, int], Mapping[int, Option]] = field(compare=False)  # (unit, width) → by height
    # units that may be set together as one group (briefs): (first, end, width) → options by height
    merged: Callable[[int, int, int], Mapping[int, Option]] | None = field(default=None, compare=False)
    # per unit, what it may be set together with (None: nothing): neighbours of one key may merge
    mergeable: tuple[str | None, ...] = ()
    least_cells: tuple[int, ...] = ()  # per unit, a lower bound on the cells it takes (a quick refusal)
    open_area: str = "foot"  # "foot": a band across the foot; "corner": the bottom right, any width
    profiles: int = 0  # profiles the units hold, for messages (0: one per unit)
    stacks: bool = True  # cut bands down and across at any depth; False: bands are rows of units (cheaper)
    open_min_rows: int = 1  # an open area shallower than this is no space for anything: it weighs as blank
    booked: tuple[Area, ...] = ()  # fixed blocks in the zone (ads): the units go around them (zone.py)
    # per unit, a lower bound on the cells it takes however it is set, alone or together with
    # its neighbours (-1: the least of its own options, for a unit never set together); none
    # given: those of units that may be set together are 0. Bounds the search (``RectSearch``)
    floors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Placement:
    unit: int
    column: int  # first grid column
    span: int
    row: int  # first grid row of the zone
    rows: int
    option: Option
    end: int = 0  # a merged group: the unit after its last (0: the unit alone)

    @property
    def units(self) -> range:
        return range(self.unit, self.end or self.unit + 1)


@dataclass(frozen=True)
class Rule:
    """A rule between parts of the zone, in grid units."""

    across: bool  # across in a gap row, or down in a gutter
    column: int  # across: first column; down: the column right of the gutter
    row: int  # across: the gap row; down: first row
    length: int  # across: columns; down: rows


@dataclass(frozen=True)
class Area:
    column: int
    row: int
    columns: int
    rows: int

    @property
    def cells(self) -> int:
        return self.columns * self.rows


@dataclass(frozen=True)
class Arrangement:
    placements: tuple[Placement, ...]  # by unit
    rules: tuple[Rule, ...]
    opens: tuple[Area, ...]  # the open area of a short page (largest first; two only to keep modules legible)
    score: Score
    white: int = 0  # cells of open rectangles too shallow to be an open area (under open_min_rows), left white
    work: int = 0  # combination steps the search took
    cut_short: bool = False  # the work bound stopped the search: the best found, maybe not the best
    booked: tuple[Area, ...] = ()  # the problem's booked blocks, where they are


_OPEN = ("O",)  # how the open area was made: a leaf of its own


class RectSearch:
    """Best arrangement of one ``Problem`` (``lead_width``: the lead unit's width, fixed).

    On the hot path a part is a dict: height → (cost, how), ``how`` a short tuple (kept
    plain for speed): ("L", option) a unit, ("O",) the open area, ("A", upper key, upper
    height, lower key, lower height) a cut across, ("D", left key, right key) a cut down.
    ``arrangement`` turns the best of them into named values."""

    def __init__(
        self,
        problem: Problem,
        lead_width: int | None = None,
        at_top: bool = True,
        on_foot: bool = True,
        room_after: int | None = None,
        widest: int = 0,
    ) -> None:
        self.p = problem
        # the cells of the zone's free rectangles after this one (0: the units from a start
        # all go into this one, as on a page without booked blocks): a stack of bands that
        # leaves too little room for the units after it is dropped (None: none is)
        self.room_after = room_after
        self.widest = max(widest, problem.columns)  # the widest a unit may be set, in any rectangle
        self.rest: list[int] | None = None  # per unit u, a lower bound on the cells of units u…
        self.at_top = at_top  # its first band is at the zone's top (a rectangle beside a booked block may not be)
        self.on_foot = on_foot  # it stands on the zone's foot or on a booked block: open rows under it are in place
        self.stacks_from: dict[int, list[dict[tuple[int, int], tuple[int, tuple | None]]]] = {}
        self.bounded = problem.stacks  # rows of units (polynomial, no stacks) run to their end
        self.n = len(problem.pins)
        self.W, self.H = problem.columns, problem.rows
        self.lead_width = lead_width
        self.memo: dict[tuple, dict[int, tuple[int, tuple]]] = {}
        self.leaves: dict[tuple[int, int], dict[int, tuple[int, tuple]]] = {}
        self.costs: dict[tuple, int] = {}  # fixed costs (open rectangles, feet), by what they depend on
        # a band's (height, cost) in the part's order, its heights sorted, those that fit by how many
        self.fitting: dict[tuple, tuple[tuple[tuple[int, int], ...], list[int], dict[int, Any]]] = {}
        # a part's (height, cost), shallowest first, and its heights
        self.ordered: dict[tuple, tuple[list[tuple[int, int]], list[int]]] = {}
        self.depths: dict[tuple, tuple[int, int]] = {}  # a part's shallowest and deepest height
        self.butting = Score(butting=1).cost
        self.flags: dict[tuple[int, int], tuple[bool, bool, bool]] = {}
        self.work = 0
        self.cut_short = False
        pins = list(problem.pins) + [Pins()]  # the open area: a unit after the last
        self.band_pins = any(p.row is not None and p.row > 0 for p in pins)

        def prefix(flags: list[bool]) -> list[int]:
            out = [0]
            for f in flags:
                out.append(out[-1] + int(f))
            return out

        self.x_pins = prefix([p.column is not None for p in pins])
        self.top_pins = prefix([lead_width is not None or (p.row is not None and p.row > 0) for p in pins])
        self.foot_pins = prefix([p.row == -1 for p in pins])
        least = list(problem.least_cells) or [0] * self.n
        self.least = prefix_sums = [0]
        for c in least + [0]:
            prefix_sums.append(prefix_sums[-1] + c)
        keys = [*(problem.mergeable if problem.merged else ()), *[None] * (self.n + 1)][: self.n + 1]
        self.merge_keys = keys
        # breaks[u]: units u-1 and u may not be set together (a unit that merges with nothing breaks too)
        self.breaks = prefix([u == 0 or keys[u] is None or keys[u] != keys[u - 1] for u in range(self.n + 1)])

    def _has(self, counts: list[int], a: int, b: int) -> bool:
        return counts[b] > counts[a]

    # -- parts ----------------------------------------------------------------
    def leaf(self, u: int, w: int, x: int, top: int, foot: bool) -> dict[int, tuple[int, tuple]]:
        """Unit u alone at width w: its best option per height (``top``: 0 inside the
        zone, 1 at the zone's top, 2 at a later band's top; ``foot``: on the last band's foot)."""
        if u == self.n:
            found = self.leaves.get((u, w))
            if found is None:
                found = self.leaves[(u, w)] = {h: (self._open_cost(w, h), _OPEN) for h in range(1, self.H + 1)}
            return found
        pin = self.p.pins[u]
        if (pin.span and w != pin.span) or (pin.column and x != pin.column - 1):
            return {}
        if (pin.row is not None and pin.row > 0 and not top) or (pin.row == -1 and not foot):
            return {}
        if self.lead_width is not None and (
            (u == 0 and w != self.lead_width) or (u != 0 and top == 1 and w > self.lead_width)
        ):
            return {}
        key = (u, w)
        if key not in self.leaves:
            opts = self.p.options(u, w)
            self.leaves[key] = {h: (o.cost, ("L", o)) for h, o in opts.items() if h <= self.H}
        return self.leaves[key]

    def _misplaced(self, beside: bool, foot: bool) -> int:
        """Open rectangles out of place: one beside the last band where the style asks for a
        band across the foot, or two where one will do."""
        if self.p.open_area == "foot":
            return int(beside)
        return int(beside and foot)

    def _open_cost(self, w: int, h: int) -> int:
        """The cost of an open rectangle (one too shallow to use weighs as white)."""
        key = ("open", w, h)
        found = self.costs.get(key)
        if found is None:
            found = (Score(open=w * h) if h >= self.p.open_min_rows else Score(blank=w * h)).cost
            self.costs[key] = found
        return found

    def key(self, kind: str, a: int, b: int, w: int, x: int, top: int, foot: bool) -> tuple:
        """The memo key of a part: its kind ("B" a block, "R" the rest of a band) and its
        position flags, kept only where a pin needs them."""
        flags = self.flags.get((a, b))
        if flags is None:  # which pins units a…b-1 hold (memoised: asked for every part)
            flags = self.flags[(a, b)] = (
                self._has(self.x_pins, a, b),
                self._has(self.top_pins, a, b),
                self._has(self.foot_pins, a, b),
            )
        return (kind, a, b, w, x if flags[0] else -1, top if flags[1] else 0, foot and flags[2])

    def part(self, key: tuple) -> dict[int, tuple[int, tuple]]:
        """Units a…b-1 (``key``) filling a rectangle ``w`` columns wide exactly: the best
        cost at each height, with how it was made (a leaf, or a cut across or down).

        A band is the rest of a band ("R") from its left edge: a block, or a block and
        the rest beside it. A block ("B") holds at most MAX_BLOCK_UNITS units (or a run
        of briefs flowing together) cut across and down at any depth."""
        found = self.memo.get(key)
        if found is not None:
            return found
        kind, a, b, w, x, top, foot = key
        out: dict[int, tuple[int, tuple]] = {}
        if kind == "R":
            if b - a <= MAX_BLOCK_UNITS or self._joinable(a, b, w, top):
                out.update(self.part(self.key("B", a, b, w, x, top, foot)))
            if not self.cut_short:
                self._down(key, out, "R")
        elif b - a == 1:
            out.update(self.leaf(a, w, max(x, 0), top, foot))
        else:
            flowing = False
            if self._joinable(a, b, w, top):
                merged = self.p.merged(a, b, w)  # a run of briefs set together, flowing through w columns
                flowing = bool(merged)  # ... which stands for stacking or cutting them apart at this width
                for h, o in merged.items():
                    if h <= self.H:
                        out[h] = (o.cost, ("L", o))
            if b - a <= MAX_BLOCK_UNITS and not flowing and not self.cut_short:
                if w < self.W and self.p.stacks:  # full width: the bands, cut across by the top level
                    self._across(key, out)
                self._down(key, out, "B")
        self.memo[key] = out
        return out

    def _least(self, a: int, b: int) -> int:
        """A lower bound on the cells units a…b-1 take."""
        return self.least[b] - self.least[a]

    def _joinable(self, a: int, b: int, w: int, top: int) -> bool:
        """May units a…b-1 be set together as one merged group at this width?"""
        if self.p.merged is None or b > self.n or b - a < 2 or self.merge_keys[a] is None:
            return False
        if self._has(self.breaks, a + 1, b):  # a break at a+1 … b-1: not one run
            return False
        return not (self.lead_width is not None and top == 1 and w > self.lead_width)

    def _spend(self, steps: int) -> bool:
        self.work += steps
        if self.bounded and self.work > MAX_WORK:
            self.cut_short = True
        return not self.cut_short

    def _across(self, key: tuple, out: dict) -> None:
        """Cut a block across: units a…k-1 above, k…b-1 below, a rule row between."""
        _, a, b, w, x, top, foot = key
        H = self.H
        least = self.least
        for k in range(a + 1, b):
            upper_least, lower_least = least[k] - least[a], least[b] - least[k]  # self._least
            if upper_least > w * H or lower_least > w * H:
                continue
            up_key = self.key("B", a, k, w, x, top, False)
            upper = self.part(up_key)
            if not upper or (H - self._depths(up_key, upper)[0] - GAP_ROWS) * w < lower_least:
                continue
            low_key = self.key("B", k, b, w, x, 0, foot)
            lower = self.part(low_key)
            if not lower or not self._spend(len(upper) * len(lower)):
                continue
            self._cut_across(out, up_key, upper, low_key, lower)

    def _cut_across(self, out: dict, up_key: tuple, upper: dict, low_key: tuple, lower: dict) -> None:
        """Every height of ``upper`` over every height of ``lower`` that fits under it, a rule
        row between: candidates in order (upper's heights as the part has them, lower's
        shallowest first), the first of equal cost kept."""
        found = self.ordered.get(low_key)
        if found is None:
            heights = sorted(lower)
            found = self.ordered[low_key] = ([(hl, lower[hl][0]) for hl in heights], heights)
        lows, heights = found
        H = self.H
        get = out.get
        for hu, (cu, _) in upper.items():
            base = hu + GAP_ROWS
            for hl, cl in lows[: bisect_right(heights, H - base)]:  # those that fit under it
                h, c = base + hl, cu + cl
                old = get(h)
                if old is None or c < old[0]:
                    out[h] = (c, ("A", up_key, hu, low_key, hl))

    def _depths(self, key: tuple, part: dict) -> tuple[int, int]:
        """A part's shallowest and deepest height (memoised)."""
        found = self.depths.get(key)
        if found is None:
            found = self.depths[key] = (min(part), max(part))
        return found

    def _down(self, key: tuple, out: dict, rest: str) -> None:
        """Cut down: a block of units a…k-1 on the left, units k…b-1 on the right (a
        block, or the rest of the band: ``rest``), the same height."""
        _, a, b, w, x, top, foot = key
        butting = self.butting
        H = self.H
        least = self.least
        for k in range(a + 1, b):
            # (the rest of a band may hold many units; its first block, five or one run of briefs)
            if k - a > MAX_BLOCK_UNITS and not self._joinable(a, k, 1, top):
                break
            left_least, right_least = least[k] - least[a], least[b] - least[k]  # self._least
            for w1 in range(1, w):
                if left_least > w1 * H or right_least > (w - w1) * H:
                    continue
                left_key = self.key("B", a, k, w1, x, top, foot)
                left = self.part(left_key)
                if not left or self._depths(left_key, left)[1] * (w - w1) < right_least:
                    continue
                right_key = self.key(rest, k, b, w - w1, x + w1 if x >= 0 else -1, top, foot)
                right = self.part(right_key)
                if not right or not self._spend(min(len(left), len(right))):
                    continue
                small, large = (left, right) if len(left) <= len(right) else (right, left)
                if small.keys().isdisjoint(large.keys()):
                    continue  # no height both sides can take
                _join(out, small, large, butting, ("D", left_key, right_key))

    # -- the page -------------------------------------------------------------
    def bands(self, start: int = 0) -> list[dict[tuple[int, int], tuple[int, tuple | None]]]:
        """The rectangle cut across into bands, top to bottom, from unit ``start``: for each
        end unit b, the best cost per (height, bands so far) of units start…b-1 (b = n+1: the
        last band holds the open area). Parts are shared between starts."""
        if start in self.stacks_from:
            return self.stacks_from[start]
        if self.band_pins:
            stacks = self._bands(start, (0, 0), self._stack)
        else:  # no rows pinned: a stack's key is its height alone while it is built
            flat = self._bands(start, 0, self._stack_flat)
            stacks = [{(h, 0): entry for h, entry in stack.items()} for stack in flat]
        self.stacks_from[start] = stacks
        return stacks

    def _bands(self, start: int, first: Any, stack: Callable[..., None]) -> list[dict]:
        """``bands``: each stack from ``first`` (its key) made by ``stack``."""
        n, W = self.n, self.W
        stacks: list[dict] = [{} for _ in range(n + 2)]
        stacks[start][first] = (0, None)
        row_of = {u: p.row for u, p in enumerate(self.p.pins) if p.row is not None and p.row > 0}
        first_top = 1 if self.at_top else 2
        for b in range(start + 1, n + 2):
            for a in range(max(start, b - MAX_BAND_UNITS), b):
                if not stacks[a] or (b == n + 1 and a == n):
                    continue  # an open band alone is the foot, set by best()
                band_key = self.key("R", a, b, W, 0, first_top if a == start else 2, b >= n)
                band = self.part(band_key)
                if not band or not self._spend(len(stacks[a]) * len(band)):
                    continue
                wanted = {row_of[u] for u in range(a, min(b, n)) if u in row_of}
                if len(wanted) > 1:
                    continue
                stack(stacks[a], stacks[b], a, band_key, band, wanted)
            if self.room_after is not None and b < n:
                self._drop_dead(stacks[b], b)
        return stacks

    def _drop_dead(self, stack: dict, b: int) -> None:
        """Branch and bound on room: drop the stacks of units …b-1 that leave fewer cells
        under them (and in the rectangles after this one) than units b… take at least.
        What such a stack leads to is dead too (a band holds at least its units' cells), so
        the stacks that remain, their order and their costs are those of the search without
        the bound; a run that could still be completed in the later rectangles keeps them all.
        (A key is a height, or a height and the bands so far.)"""
        rest = self._rest()[b]
        if not rest:
            return
        W, H, after = self.W, self.H, self.room_after or 0
        for key in [key for key in stack if rest > W * max(0, H - _height(key) - GAP_ROWS) + after]:
            del stack[key]

    def _rest(self) -> list[int]:
        """Per unit u, a lower bound on the cells units u…n-1 take (``Problem.floors``; a unit
        never set together: the least area of its options, at any width)."""
        if self.rest is None:
            floors = list(self.p.floors) or [-1 if key is None else 0 for key in self.merge_keys[: self.n]]
            for u, floor in enumerate(floors):
                if floor < 0 or (self.merge_keys[u] is None and not self.p.floors):
                    found = [w * min(opts) for w in range(1, self.widest + 1) if (opts := self.p.options(u, w))]
                    floors[u] = min(found) if found else self.widest * self.H + (self.room_after or 0) + 1
            self.rest = [0] * (self.n + 1)
            for u in range(self.n - 1, -1, -1):
                self.rest[u] = self.rest[u + 1] + floors[u]
        return self.rest

    def _stack(self, below: dict, out: dict, a: int, band_key: tuple, band: dict, wanted: set[int]) -> None:
        """Every stack of ``below`` (units start…a-1) with the band under it: the best cost
        at each (height, bands). Candidates in order (stack, then the band's heights as the
        part has them), the first of equal cost kept."""
        H, pins = self.H, self.band_pins
        items, heights, fitting = self._fitting(band_key, band)
        get = out.get
        for hk, (ca, _) in below.items():
            ha, k = hk
            if wanted and wanted != {k + 1}:
                continue
            base = ha + GAP_ROWS if ha else 0
            room = H - base
            cut = bisect_right(heights, room)  # the band's heights that fit: the first ``cut``
            fits = fitting.get(cut)
            if fits is None:  # those items, in the part's order
                fits = fitting[cut] = [item for item in items if item[0] <= room]
            kk = k + 1 if pins else 0
            for hb, cb in fits:
                key = (base + hb, kk)
                c = ca + cb
                old = get(key)
                if old is None or c < old[0]:
                    out[key] = (c, (a, hk, band_key, hb))

    def _fitting(self, band_key: tuple, band: dict) -> tuple[tuple[tuple[int, int], ...], list[int], dict]:
        """The band's (height, cost) in the part's order, its heights sorted, and (filled as
        asked) the items that fit by how many heights fit: every start meets the band."""
        found = self.fitting.get(band_key)
        if found is None:
            items = tuple((hb, cb) for hb, (cb, _) in band.items())
            found = self.fitting[band_key] = (items, sorted(band), {len(band): items})
        return found

    def _stack_flat(self, below: dict, out: dict, a: int, band_key: tuple, band: dict, wanted: set[int]) -> None:
        """``_stack`` with no rows pinned (``wanted`` empty): stacks keyed by their height."""
        H = self.H
        items, heights, fitting = self._fitting(band_key, band)
        get = out.get
        for ha, (ca, _) in below.items():
            base = ha + GAP_ROWS if ha else 0
            room = H - base
            cut = bisect_right(heights, room)  # the band's heights that fit: the first ``cut``
            fits = fitting.get(cut)
            if fits is None:  # those items, in the part's order
                fits = fitting[cut] = [item for item in items if item[0] <= room]
            hk = (ha, 0)  # the stack's key once built
            for hb, cb in fits:
                h, c = base + hb, ca + cb
                old = get(h)
                if old is None or c < old[0]:
                    out[h] = (c, (a, hk, band_key, hb))

    def _foot_cost(self, foot: int, last: bool, parts: int = 0) -> int:
        """What the rows under the last band cost: an open band under a rule or, too thin
        for that, a row counted open (the last rectangle of the zone) or white (another);
        with ``parts`` open rectangles out of place (memoised: a page asks for each often)."""
        key = ("foot", foot, last, parts)
        found = self.costs.get(key)
        if found is None:
            if foot > GAP_ROWS:
                found = self._open_cost(self.W, foot - GAP_ROWS) + Score(open=self.W * GAP_ROWS).cost
            else:
                found = Score(open=self.W * foot).cost if last else Score(blank=self.W * foot).cost
            found += Score(open_parts=parts).cost
            self.costs[key] = found
        return found

    def best(self, start: int = 0) -> tuple[list[tuple[tuple, int]], int] | None:
        """The best page (or rectangle, units ``start``… on): its bands (part key, height)
        top to bottom and the rows left open at the foot; None if nothing fits."""
        stacks = self.bands(start)
        n = self.n
        best: tuple[int, int, tuple[int, int], int] | None = None  # cost, end unit, stack key, foot rows
        for end in (n + 1, n):  # the last band holds an open area, or not
            for key, (c, _) in stacks[end].items():
                foot = self.H - key[0]
                if end == n + 1 and 0 < foot <= GAP_ROWS:
                    continue
                parts = self._misplaced(end == n + 1, foot > GAP_ROWS)
                total = c + self._foot_cost(foot, True, parts)
                if best is None or total < best[0]:
                    best = (total, end, key, foot)
        if best is None:
            return None
        _, end, key, foot = best
        return self.trace(stacks, end, key), foot

    def filled(self, start: int) -> dict[int, tuple[int, tuple[int, int], int]]:
        """Units start…e-1 filling the rectangle (no open area beside a band; rows left
        at the foot open, out of place, or white): per end e, (cost, stack key, foot rows)."""
        stacks = self.bands(start)
        out: dict[int, tuple[int, tuple[int, int], int]] = {}
        for end in range(start + 1, self.n + 1):
            for key, (c, _) in stacks[end].items():
                foot = self.H - key[0]
                misplaced = int(foot > GAP_ROWS and not self.on_foot)
                total = c + self._foot_cost(foot, False, misplaced)
                if end not in out or total < out[end][0]:
                    out[end] = (total, key, foot)
        return out

    def trace(self, stacks: list[dict], end: int, key: tuple[int, int]) -> list[tuple[tuple, int]]:
        """The bands (part key, height), top to bottom, of the best stack ending at ``end``."""
        bands = []
        while stacks[end][key][1] is not None:
            _, (a, prev, band_key, hb) = stacks[end][key]
            bands.append((band_key, hb))
            end, key = a, prev
        return bands[::-1]

    def build(self, key: tuple, h: int, column: int, row: int, out: list, rules: list, opened: list) -> None:
        """Placements, rules and the open area of part ``key`` at height ``h``."""
        _, back = self.memo[key][h]
        kind = back[0]
        w = key[3]
        if kind == "L":
            a, b = key[1], key[2]
            out.append(Placement(a, column, w, row, h, back[1], b if b - a > 1 else 0))
        elif kind == "O":
            opened.append(Area(column, row, w, h))
        elif kind == "A":
            _, upper, hu, lower, hl = back
            self.build(upper, hu, column, row, out, rules, opened)
            rules.append(Rule(True, column, row + hu, w))
            self.build(lower, hl, column, row + hu + GAP_ROWS, out, rules, opened)
        else:
            _, left, right = back
            self.build(left, h, column, row, out, rules, opened)
            rules.append(Rule(False, column + left[3], row, h))
            self.build(right, h, column + left[3], row, out, rules, opened)

    def arrangement(self) -> Arrangement | None:
        found = self.best()
        return self.assemble(*found) if found is not None else None

    def assemble(self, bands: list[tuple[tuple, int]], foot: int, last: bool = True) -> Arrangement:
        """The rectangle set from its bands and the rows left at its foot, in its own grid
        units (``last``: the last rectangle of the zone, where an open area belongs)."""
        out: list[Placement] = []
        rules: list[Rule] = []
        opened: list[Area] = []
        row = 0
        for band_key, h in bands:
            if row:
                rules.append(Rule(True, 0, row - GAP_ROWS, self.W))
            self.build(band_key, h, 0, row, out, rules, opened)
            row += h + GAP_ROWS
        white = 0
        gap = 0  # the rule row over a foot band, counted with the open area
        if foot > GAP_ROWS:  # the rows under the last band: the open area, under a rule
            rules.append(Rule(True, 0, self.H - foot, self.W))
            opened.append(Area(0, self.H - foot + GAP_ROWS, self.W, foot - GAP_ROWS))
            gap = self.W * GAP_ROWS
        elif foot:  # too thin to hold anything: white
            white = gap = self.W * foot
        usable = sum(a.cells for a in opened if a.rows >= self.p.open_min_rows)
        thin = sum(a.cells for a in opened if a.rows < self.p.open_min_rows)
        score = sum((pl.option.score for pl in out), Score())
        butting = sum(1 for r in rules if not r.across)
        # an open rectangle beside the last band (one too shallow to use is white, not out of place)
        beside = any(a.rows >= self.p.open_min_rows for a in opened[: len(opened) - (1 if foot > GAP_ROWS else 0)])
        if last:
            score += Score(open=usable + gap, open_parts=self._misplaced(beside, foot > GAP_ROWS))
        else:  # an open foot is out of place unless the rectangle stands on the foot; a thin foot is white
            parts = sum(1 for a in opened if a.rows >= self.p.open_min_rows) - int(foot > GAP_ROWS and self.on_foot)
            score += Score(open=usable + (gap if foot > GAP_ROWS else 0), open_parts=parts)
            score += Score(blank=0 if foot > GAP_ROWS else gap)
        score += Score(blank=thin, butting=butting)
        out.sort(key=lambda pl: pl.unit)
        # an open rectangle too shallow to hold anything is no open area: it is white
        opens = tuple(sorted((a for a in opened if a.rows >= self.p.open_min_rows), key=lambda a: (-a.cells, a.row)))
        return Arrangement(tuple(out), tuple(rules), opens, score, white + thin, self.work, self.cut_short)


Solver = Callable[[Problem, "int | None"], "tuple[Arrangement | None, int, bool]"]


def solve_rectangle(problem: Problem, lead_width: int | None) -> tuple[Arrangement | None, int, bool]:
    """The best arrangement of a rectangular zone with the lead unit at ``lead_width``:
    (arrangement or None, work, cut short)."""
    s = RectSearch(problem, lead_width, room_after=0)
    found = s.arrangement()
    work, short = s.work, s.cut_short
    if s.cut_short and problem.stacks:  # the bound stopped it: rows of units, which it can finish
        rows = RectSearch(replace(problem, stacks=False), lead_width, room_after=0)
        plain = rows.arrangement()
        work += rows.work
        if plain is not None and (found is None or plain.score.cost < found.score.cost):
            found = plain
    return found, work, short


def search(problem: Problem, solve: Solver = solve_rectangle) -> Arrangement:
    """The best arrangement of ``problem``; NoArrangement if none exists. ``solve``
    searches one lead width (zone.py passes one for a zone around booked blocks)."""
    n = len(problem.pins)
    count = problem.profiles or n
    zone = problem.columns * problem.rows - sum(a.cells for a in problem.booked)
    if problem.least_cells and sum(problem.least_cells) > zone:
        raise NoArrangement(
            f"{count} profiles cannot be arranged in {_zone_words(problem)}: even with every "
            "module at its smallest (headline, byline, quote and one line of text) they do not fit; cut profiles "
            "or use a larger format"
        )
    leads = [u for u, p in enumerate(problem.pins) if p.lead]
    if leads and leads != [0]:
        raise NoArrangement(f"only the first unit may lead the page ({', '.join(problem.names[u] for u in leads)})")
    widths: list[int | None] = [None]
    if leads:
        widths = [w for w in range(problem.columns, 0, -1) if problem.options(0, w)]
    best: Arrangement | None = None
    work, short = 0, False
    for lead_width in widths:
        found, spent, cut = solve(problem, lead_width)
        work, short = work + spent, short or cut
        if found is not None and (best is None or found.score.cost < best.score.cost):
            best = found
    if best is None:
        raise NoArrangement(f"{count} profiles cannot be arranged in {_zone_words(problem)}: {_why_none(problem)}")
    return replace(best, work=work, cut_short=short)


def _zone_words(problem: Problem) -> str:
    booked = f" beside {len(problem.booked)} booked block{'s' if len(problem.booked) > 1 else ''}"
    return f"{problem.rows} rows × {problem.columns} columns" + (booked if problem.booked else "")


def _why_none(problem: Problem) -> str:
    pinned = [(problem.names[u], p.describe()) for u, p in enumerate(problem.pins) if p.any]
    if pinned:
        return (
            "the editor's pins leave no arrangement ("
            + "; ".join(f"{name}: {pin}" for name, pin in pinned)
            + "); remove or change one"
        )
    return (
        "even with every module at its smallest (headline, byline, quote and one line of text) they do not "
        "fit; cut profiles or use a larger format"
    )


def _join(out: dict, small: dict, large: dict, butting: int, how: tuple) -> None:
    """Parts side by side at every height both take (``small``'s order), the first of equal
    cost kept in ``out``."""
    get, other_of = out.get, large.get
    for h, (cs, _) in small.items():
        other = other_of(h)
        if other is not None:
            c = cs + other[0] + butting
            old = get(h)
            if old is None or c < old[0]:
                out[h] = (c, how)


def _height(key: int | tuple[int, int]) -> int:
    """A stack's height from its key: the height, or (height, bands so far)."""
    return key if isinstance(key, int) else key[0]
