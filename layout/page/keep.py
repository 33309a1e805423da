"""A new proof round keeps the page (stage 3): ``--keep PREVIOUS``.

Input: the previous round's arrangement of the page (``Previous``: the draft's
source map records it in grid units, ``review/map.py``) and the page's copy as
the search sees it (a sheet of ``makeup.py``: its ``Copy`` and zone). Output:
``Kept``: an ``Arrangement`` of the page's units in which every module keeps its
columns, span, rows and photo size from the previous round wherever it still
holds its text, and ``Moved`` records naming each module that had to change,
with the reason.

How: each previous module is given back its rectangle and photo, as if pinned
(``kept_option``), and checked (``failure``). If none fails and no profile came
or went, that is the page. Otherwise the previous arrangement's guillotine tree
is rebuilt from its rectangles (``tree``: full-length cuts across or down
between modules, booked blocks and open space), and from the smallest subtree
holding each failing, new or removed module, only that subtree is searched
again (``zone.search`` on a sub-problem of its columns × rows, its units and any
booked block inside),
widening to the parent until the result sets every line and breaks no rule its
modules did not break before; modules outside keep their exact rectangles. When
even the whole zone fails, ``keep_round`` says so and the normal policy runs.

A profile added since joins the smallest subtree holding its neighbours in
search order; a removed profile's space goes to its parent subtree, searched
again (left open when its modules cannot fill it). A deeper or shallower module
zone (the banner or intro changed) gives or takes the rows of the modules on its
foot. A map of another page or style, or one with no arrangement (version 1),
is an input error; a zone too short for the previous modules, or booked blocks
that changed, make the page up anew with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from layout.errors import InputError
from layout.page.arrange import (
    GAP_ROWS,
    Area,
    Arrangement,
    NoArrangement,
    Option,
    Pins,
    Placement,
    Problem,
    Rule,
    Score,
)
from layout.page.units import HEAD_PAD_ROWS, Copy, Mode, Unit
from layout.page.zone import search

KEEP_MODES = (
    Mode(briefs=True, compact=True, head_space=True),  # the copyfit search's mode: every way to fit
    Mode(compact=True, head_space=True),  # ... with no optional briefs (items the previous round set as modules)
)

Rect = tuple[int, int, int, int]  # column, span, row, rows (grid units of the zone, 0-based)


@dataclass(frozen=True)
class PrevUnit:
    """One module of the previous round, as its map records it."""

    ids: tuple[str, ...]
    briefs: bool
    column: int
    span: int
    row: int
    rows: int
    photo_span: int = 0
    photo_rows: int = 0
    broken: tuple[str, ...] = ()
    blank: int = 0
    legs: tuple[int, ...] = ()
    vertical: bool = False  # its headline stood vertically (竖题), chosen by the search or asked for

    @property
    def rect(self) -> Rect:
        return (self.column, self.span, self.row, self.rows)

    @property
    def photo(self) -> str:
        return f"{self.photo_span}×{self.photo_rows}" if self.photo_rows else ""


@dataclass(frozen=True)
class Previous:
    """The previous round's arrangement of one page (``previous_page`` reads it from a map)."""

    number: int
    file: str
    style: str
    columns: int
    zone_rows: int
    zone_top: int
    leading: float
    units: tuple[PrevUnit, ...]
    booked: tuple[Area, ...] = ()


@dataclass(frozen=True)
class Moved:
    """A module that changed since the previous round: where it was and is (column, span,
    row, rows; None: not on that round's page), its photo, and why."""

    id: str
    before: Rect | None
    after: Rect | None
    reason: str
    photo_before: str = ""
    photo_after: str = ""

    def describe(self) -> str:
        def where(r: Rect | None, photo: str) -> str:
            if r is None:
                return "not on the page"
            pic = f", photo {photo}" if photo else ""
            return f"columns {r[0] + 1}–{r[0] + r[1]}, rows {r[2] + 1}+{r[3]}{pic}"

        return f"{where(self.before, self.photo_before)} → {where(self.after, self.photo_after)}"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "from": list(self.before) if self.before else None,
            "to": list(self.after) if self.after else None,
            "photo_from": self.photo_before,
            "photo_to": self.photo_after,
            "reason": self.reason,
        }


# -- reading the previous round ---------------------------------------------------------
def previous_page(doc_map: dict, number: int, where: str) -> Previous:
    """The previous arrangement of page ``number`` (版次) from a draft's source map.
    A map without arrangements (version 1) or without this page is an input error."""
    pages = doc_map.get("pages") if isinstance(doc_map, dict) else None
    if not isinstance(pages, list):
        raise InputError("--keep: not a Banmian source map (no pages)", file=where)
    page = next((p for p in pages if isinstance(p, dict) and p.get("number") == number), None)
    if page is None:
        numbers = ", ".join(f"第{p.get('number')}版" for p in pages if isinstance(p, dict)) or "none"
        raise InputError(f"--keep: the map is of another page (it has {numbers}, not 第{number}版)", file=where)
    grid = page.get("arrangement")
    if not isinstance(grid, dict):
        raise InputError(
            f"--keep: the map (version {doc_map.get('version', 1)}) records no arrangement: it was made before "
            "maps recorded the makeup; render this round as a new draft without --keep",
            file=where,
        )
    try:
        return _previous(grid, number, str(page.get("file", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"--keep: the map's arrangement of 第{number}版 is damaged ({exc!r})", file=where) from None


def _previous(grid: dict, number: int, file: str) -> Previous:
    units = []
    for u in grid["units"]:
        ps, pr = (int(v) for v in u["photo"].split("×")) if u.get("photo") else (0, 0)
        rect = (int(u["column"]), int(u["span"]), int(u["row"]), int(u["rows"]))
        units.append(
            PrevUnit(
                tuple(u["ids"]),
                bool(u["briefs"]),
                *rect,
                ps,
                pr,
                tuple(u.get("broken", ())),
                int(u.get("blank", 0)),
                tuple(u.get("legs", ())),
                bool(u.get("vertical_headline", False)),
            )  # fmt: skip
        )
    booked = tuple(
        Area(int(b["column"]), int(b["row"]), int(b["columns"]), int(b["rows"])) for b in grid.get("booked", ())
    )
    return Previous(
        number, file, str(grid["style"]), int(grid["columns"]), int(grid["zone_rows"]), int(grid["zone_top"]),
        float(grid["leading"]), tuple(units), booked,
    )  # fmt: skip


# -- the previous modules, as if pinned ---------------------------------------------------
def kept_option(copy: Copy, unit: Unit, prev: PrevUnit, mode: Mode) -> Option | None:
    """The unit in its previous rectangle with its previous photo: the best of its variants
    (copyfitted or not, rows of space around the headline) at exactly that width and height,
    its headline vertical if it stood so and still may; None if no variant has room for that
    photo."""
    if unit.briefs:
        return _kept_briefs(copy, unit, prev, mode)
    pos = unit.positions[0]
    p = copy.profiles[pos]
    vertical = True if prev.vertical and copy.may_stand(pos) else None  # None: as the profile says
    photo_span = (prev.photo_span or None) if p.photo is not None else None
    photo_rows = prev.photo_rows if p.photo is not None else 0
    most = copy._largest_photo(pos)
    best: Option | None = None
    pads = range(HEAD_PAD_ROWS + 1) if mode.head_space or p.photo is None else (0,)
    for compact in (False, True) if mode.compact else (False,):
        base = copy.module(pos, prev.span, photo_span, compact, 0, vertical)
        for pad in pads:
            try:
                shape = base.shape(prev.rows - pad, photo_rows)
            except ValueError:
                continue
            score = copy._score(base, shape, mode, most) + Score(head_space=pad * prev.span)
            md = copy.module(pos, prev.span, photo_span, compact, pad, vertical) if pad else base
            option = Option(prev.rows, score, (md, replace(shape, rows=prev.rows)))
            if best is None or option.cost < best.cost:
                best = option
    return best


def _kept_briefs(copy: Copy, unit: Unit, prev: PrevUnit, mode: Mode) -> Option | None:
    group = copy.group(unit, prev.span)
    try:
        shape = group.shape(prev.rows, prev.photo_rows)
    except ValueError:
        return None
    score = Score(
        overset=shape.overset_lines,
        broken=len(shape.broken),
        blank=shape.blank_cells,
        briefed=unit.optional,
        split=int(unit.key is not None and unit.key != "briefs" and not unit.title),
    )
    return Option(prev.rows, score, (group, shape))


def failure(option: Option | None, prev: PrevUnit, min_leg: int) -> str:
    """Why a module can no longer stay as it was ("" : it can). It fails if text is
    overset, if it breaks a legibility rule it did not break in the previous round, or
    if it has far too little text: more empty cells than it had before plus a leg's
    worth (its longest previous column of body text, at least ``min_leg`` lines)."""
    if option is None:
        return "no room for its photo"
    shape = option.shape[1]
    if shape.overset_lines:
        return f"overset {shape.overset_lines} line{'s' if shape.overset_lines > 1 else ''}"
    new = [r for r in shape.broken if r not in prev.broken]
    if new:
        return f"would break {', '.join(new)}"
    leg = max((*prev.legs, min_leg))
    if shape.blank_cells > prev.blank + leg:
        return f"too little text ({shape.blank_cells} empty cells, {prev.blank} before)"
    return ""


# -- matching units to the previous round -----------------------------------------------
@dataclass(frozen=True)
class _Match:
    """The page's units against the previous round's: which run of units (a, b) each
    previous module is, and the units that are new."""

    mode: Mode
    units: tuple[Unit, ...]
    runs: dict[int, tuple[int, int]]  # previous module → units a…b-1
    new: tuple[int, ...]  # units no previous module holds
    removed: tuple[int, ...]  # previous modules with no run of units


def _ids(copy: Copy, units: tuple[Unit, ...], a: int, b: int) -> tuple[str, ...]:
    return tuple(copy.profiles[p].id for u in units[a:b] for p in u.positions)


def match(copy: Copy, previous: Previous, mode: Mode) -> _Match:
    units = copy.units(mode)
    start = {copy.profiles[u.positions[0]].id: k for k, u in enumerate(units)}
    runs: dict[int, tuple[int, int]] = {}
    for j, prev in enumerate(previous.units):
        a = start.get(prev.ids[0])
        if a is None:
            continue
        b = a + 1
        while b < len(units) and len(_ids(copy, units, a, b)) < len(prev.ids):
            b += 1
        same_key = all(units[k].key is not None and units[k].key == units[a].key for k in range(a, b))
        if _ids(copy, units, a, b) == prev.ids and units[a].briefs == prev.briefs and (b - a == 1 or same_key):
            runs[j] = (a, b)
    held = {k for a, b in runs.values() for k in range(a, b)}
    new = tuple(k for k in range(len(units)) if k not in held)
    removed = tuple(j for j in range(len(previous.units)) if j not in runs)
    return _Match(mode, units, runs, new, removed)


def best_match(copy: Copy, previous: Previous) -> _Match:
    """The mode whose units are most like the previous round's modules."""
    found = [match(copy, previous, mode) for mode in KEEP_MODES]
    return max(found, key=lambda m: (len(m.runs), -len(m.new)))


# -- the previous arrangement's tree ----------------------------------------------------
@dataclass(frozen=True)
class Node:
    """A part of the zone: cut across (``cut``: the rule's row) or down (the column right of
    the gutter) into two parts, or a leaf holding one previous module (``item``), a booked
    block, or nothing (open space)."""

    area: Area
    parts: tuple[Node, ...] = ()
    across: bool = False
    cut: int = 0
    item: int | None = None
    booked: bool = False
    modules: frozenset[int] = field(default_factory=frozenset)  # previous modules inside

    def walk(self) -> Iterator[Node]:
        yield self
        for p in self.parts:
            yield from p.walk()


Item = tuple[Area, int]  # a rectangle and its previous module (-1: a booked block)


def tree(area: Area, items: list[Item]) -> Node | None:
    """The guillotine tree of ``items`` in ``area``: the topmost full-width cut across (in a
    rule row), else the leftmost full-height cut down; None if the rectangles are not a
    guillotine layout."""
    mods = frozenset(k for _, k in items if k >= 0)
    if len(items) == 1 and items[0][0] == area:
        a, k = items[0]
        return Node(area, item=k if k >= 0 else None, booked=k < 0, modules=mods)
    if not items:
        return Node(area)
    for across, cut in _cuts(area, items):
        first, second = _split(area, across, cut)
        if across:
            upper = [it for it in items if it[0].row + it[0].rows <= cut]
            lower = [it for it in items if it[0].row > cut]
        else:
            upper = [it for it in items if it[0].column + it[0].columns <= cut]
            lower = [it for it in items if it[0].column >= cut]
        if len(upper) + len(lower) != len(items):
            continue
        a, b = tree(first, upper), tree(second, lower)
        if a is None or b is None:
            return None
        return Node(area, (a, b), across, cut, modules=mods)
    if len(items) == 1:  # one module with white around it too thin to cut off
        return Node(area, item=items[0][1] if items[0][1] >= 0 else None, booked=items[0][1] < 0, modules=mods)
    return None


def _cuts(area: Area, items: list[Item]) -> Iterator[tuple[bool, int]]:
    bottom, right = area.row + area.rows, area.column + area.columns
    for g in range(area.row + 1, bottom - 1):
        if all(it.row + it.rows <= g or it.row > g for it, _ in items):
            yield True, g
    for c in range(area.column + 1, right):
        if all(it.column + it.columns <= c or it.column >= c for it, _ in items):
            yield False, c


def _split(area: Area, across: bool, cut: int) -> tuple[Area, Area]:
    if across:
        top = Area(area.column, area.row, area.columns, cut - area.row)
        return top, Area(area.column, cut + GAP_ROWS, area.columns, area.row + area.rows - cut - GAP_ROWS)
    left = Area(area.column, area.row, cut - area.column, area.rows)
    return left, Area(cut, area.row, area.column + area.columns - cut, area.rows)


def parent_of(root: Node, node: Node) -> Node | None:
    for n in root.walk():
        if any(p is node for p in n.parts):
            return n
    return None


def smallest(root: Node, modules: set[int]) -> Node:
    """The smallest subtree holding all of ``modules`` (previous modules)."""
    node = root
    while True:
        inner = next((p for p in node.parts if modules <= p.modules), None)
        if inner is None:
            return node
        node = inner


# -- the round kept ---------------------------------------------------------------------
@dataclass
class _Task:
    """A subtree to search again: the new units it takes in, and why."""

    node: Node
    new: set[int]  # units (of the page) no previous module held
    causes: list[str]
    result: Arrangement | None = None


@dataclass(frozen=True)
class Kept:
    """What keeping the previous round came to: the page's arrangement (None: the normal
    policy sets the page), its mode and leading, why modules moved (by profile id), notes."""

    previous: Previous
    plan: Arrangement | None
    mode: Mode
    leading: float
    reasons: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def moves(self, units: tuple[Any, ...]) -> tuple[Moved, ...]:
        """The set page's modules (``UnitReport``s) against the previous round's."""
        return moves(self.previous, units, self.reasons, "" if self.plan is not None else "page made up anew")


def moves(previous: Previous, units: tuple[Any, ...], reasons: dict[str, str], default: str) -> tuple[Moved, ...]:
    """Every profile whose module's rectangle or photo changed, came or went."""
    before = {i: u for u in previous.units for i in u.ids}
    out = []
    for u in units:
        rect = (u.column, u.span, u.row, u.rows)
        for i in u.ids:
            old = before.get(i)
            if old is None:
                out.append(Moved(i, None, rect, reasons.get(i, "new profile"), "", u.photo))
            elif old.rect != rect or old.photo != u.photo:
                out.append(Moved(i, old.rect, rect, reasons.get(i) or default or "moved", old.photo, u.photo))
    now = {i for u in units for i in u.ids}
    out += [
        Moved(i, u.rect, None, "removed from the page", u.photo) for u in previous.units for i in u.ids if i not in now
    ]
    return tuple(out)


def keep_round(sheet_at: Callable[[float], Any], previous: Previous) -> Kept:
    """The page with the previous round's arrangement kept, moving as few modules as
    possible (module docstring); ``sheet_at(leading)``: the page's sheet at a leading."""
    base = sheet_at(previous.leading if previous.leading else 0.0) if _leading_ok(sheet_at, previous) else None
    st = sheet_at(0.0).ctx.style if base is None else base.ctx.style
    if previous.style != st.name or previous.columns != st.columns:
        raise InputError(
            f"--keep: the previous round was set in style {previous.style} on {previous.columns} columns, this one in "
            f"{st.name} on {st.columns}: render without --keep to make the page up anew",
            file=previous.file,
        )
    refit = _refit(previous, base.zone_rows) if base is not None else None
    if base is None or refit is None:
        why = "its leading is not one this style allows" if base is None else "the module zone is too short for it"
        return Kept(previous, None, KEEP_MODES[0], st.leading, notes=(f"--keep: {why}: the page is made up anew",))
    m = best_match(base.copy, refit)
    if not m.runs:
        raise InputError(
            "--keep: none of the map's modules is on this page: is it the map of another page?", file=previous.file
        )
    kept = _kept(base, refit, m)
    delta = base.zone_rows - previous.zone_rows
    why = f"the module zone is {abs(delta)} rows {'deeper' if delta > 0 else 'shallower'} (banner or intro changed)"
    zone = {i: why for old, new in zip(previous.units, refit.units) if old.rows != new.rows for i in old.ids}
    return replace(kept, previous=previous, reasons={**zone, **kept.reasons})


def _refit(previous: Previous, zone_rows: int) -> Previous | None:
    """The previous arrangement in a module zone of ``zone_rows`` (the banner or intro changed
    its depth): the modules standing on the zone's foot as many rows deeper or shallower;
    None if one would vanish or another module would then stand below the zone."""
    delta = zone_rows - previous.zone_rows
    if not delta:
        return previous
    units = tuple(
        replace(u, rows=u.rows + delta) if u.row + u.rows == previous.zone_rows else u for u in previous.units
    )
    if any(u.rows < 1 or u.row + u.rows > zone_rows for u in units):
        return None
    if any(b.row + b.rows > zone_rows for b in previous.booked):
        return None
    return replace(previous, zone_rows=zone_rows, units=units)


def _leading_ok(sheet_at: Callable[[float], Any], previous: Previous) -> bool:
    st = sheet_at(0.0).ctx.style
    low = st.leading_min or st.leading
    return low - 1e-9 <= previous.leading <= st.leading + 1e-9


def _kept(sheet: Any, previous: Previous, m: _Match) -> Kept:
    copy, st = sheet.copy, sheet.ctx.style
    options = {j: kept_option(copy, _unit(copy, m, j), previous.units[j], m.mode) for j in m.runs}
    failing = {
        j: why
        for j in m.runs
        if (
            why := _pinned(_unit(copy, m, j), previous.units[j])
            or failure(options[j], previous.units[j], st.legibility.min_leg)
        )
    }
    booked = tuple(getattr(sheet.problem(m.mode, copy), "booked", ()))
    items = [(Area(u.column, u.row, u.span, u.rows), j) for j, u in enumerate(previous.units)]
    root = tree(Area(0, 0, st.columns, sheet.zone_rows), items + [(b, -1) for b in booked])
    why = "the booked blocks (ads) changed" if set(booked) != set(previous.booked) else ""
    why = why or ("the previous arrangement is not a guillotine layout" if root is None else "")
    if root is None or why:
        return Kept(previous, None, m.mode, st.leading, notes=(f"--keep: {why}: the page is made up anew",))
    tasks = _tasks(root, previous, m, failing, copy)
    reasons: dict[str, str] = {}
    if not _resolve(root, tasks, sheet, m, previous):
        causes = "; ".join(c for t in tasks for c in t.causes)
        note = f"--keep: no re-arrangement of the previous round sets every line ({causes}): the page is made up anew"
        return Kept(previous, None, m.mode, st.leading, notes=(note,))
    for t in tasks:
        cause = "; ".join(t.causes)
        for j in t.node.modules & set(m.runs):
            for i in previous.units[j].ids:
                reasons[i] = failing.get(j) or f"re-arranged with {cause}"
        for k in t.new:
            for i in _ids(copy, m.units, k, k + 1):
                reasons[i] = "new profile"
    plan = _assemble(root, tasks, previous, m, options, st.legibility.min_leg)
    plan = replace(plan, booked=booked)
    moved = sum(1 for t in tasks for _ in t.node.modules)
    note = f"--keep: the previous round's arrangement kept; {len(tasks)} part(s) re-arranged" if moved else ""
    return Kept(previous, plan, m.mode, sheet.ctx.style.leading, reasons, (note,) if note else ())


def _pinned(unit: Unit, prev: PrevUnit) -> str:
    """The editor's pins that the previous rectangle no longer keeps ("" none)."""
    pins = unit.pins
    if pins.span and pins.span != prev.span:
        return f"pinned to {pins.span} columns"
    if pins.column and pins.column - 1 != prev.column:
        return f"pinned to column {pins.column}"
    if pins.photo_span and prev.photo_rows and pins.photo_span != prev.photo_span:
        return f"photo pinned to {pins.photo_span} columns"
    return ""


def _unit(copy: Copy, m: _Match, j: int) -> Unit:
    a, b = m.runs[j]
    return copy.merged(m.units, a, b) if b - a > 1 else m.units[a]


def _tasks(root: Node, previous: Previous, m: _Match, failing: dict[int, str], copy: Copy) -> list[_Task]:
    """A subtree to search again per failing module (its own leaf), new unit (the smallest
    subtree holding its neighbours in search order) and removed module (its parent)."""
    leaf = {n.item: n for n in root.walk() if n.item is not None}
    tasks = [_Task(leaf[j], set(), [f"'{previous.units[j].ids[0]}' ({why})"]) for j, why in failing.items()]
    for j in m.removed:
        node = parent_of(root, leaf[j]) or root
        tasks.append(_Task(node, set(), [f"the removed profile's space ('{previous.units[j].ids[0]}')"]))
    holder = {k: j for j, (a, b) in m.runs.items() for k in range(a, b)}
    for k in m.new:
        near = {holder[i] for i in (_neighbour(holder, k, -1), _neighbour(holder, k, 1)) if i is not None}
        node = smallest(root, near) if len(near) > 1 else parent_of(root, leaf[next(iter(near))]) if near else root
        name = _ids(copy, m.units, k, k + 1)[0]
        tasks.append(_Task(node or root, {k}, [f"new profile '{name}'"]))
    return _merged(tasks)


def _neighbour(holder: dict[int, int], k: int, step: int) -> int | None:
    i = k + step
    while 0 <= i <= max(holder, default=-1):
        if i in holder:
            return i
        i += step
    return None


def _inside(inner: Node, outer: Node) -> bool:
    return any(n is inner for n in outer.walk())


def _merged(tasks: list[_Task]) -> list[_Task]:
    """Tasks with one inside another's subtree made one."""
    out: list[_Task] = []
    for t in tasks:
        for o in list(out):
            if _inside(t.node, o.node) or _inside(o.node, t.node):
                out.remove(o)
                t = _Task(o.node if _inside(t.node, o.node) else t.node, t.new | o.new, o.causes + t.causes)
        out.append(t)
    return out


def _resolve(root: Node, tasks: list[_Task], sheet: Any, m: _Match, previous: Previous) -> bool:
    """Search each task's subtree again, widening to the parent until it sets every line
    with no new broken rule; False if even the whole zone does not."""
    while True:
        pending = next((t for t in tasks if t.result is None), None)
        if pending is None:
            return True
        found = _research(pending, sheet, m, previous, pending.node is root)
        if found is not None:
            pending.result = found
            continue
        parent = parent_of(root, pending.node)
        if parent is None:
            return False
        tasks.remove(pending)
        pending.node, pending.result = parent, None
        for o in [o for o in tasks if _inside(o.node, parent)]:
            tasks.remove(o)
            pending.new |= o.new
            pending.causes += o.causes
        tasks.append(pending)


def _research(t: _Task, sheet: Any, m: _Match, previous: Previous, whole: bool) -> Arrangement | None:
    """The task's subtree searched again with its units (kept and new), placed in the zone;
    None if it oversets, breaks a rule one of its modules did not break before, or leaves
    open space where there was none (the whole zone may leave it where the style says).
    A booked block inside stays where it is: the units go around it (``zone.search``)."""
    held = sorted({k for j in t.node.modules if j in m.runs for k in range(*m.runs[j])} | t.new)
    if not held:
        return None
    area = t.node.area
    booked = tuple(
        Area(n.area.column - area.column, n.area.row - area.row, n.area.columns, n.area.rows)
        for n in t.node.walk()
        if n.booked
    )
    problem = replace(_subproblem(sheet, m, held, area), booked=booked)
    sheet.searches += 1
    try:
        found = search(problem)
    except NoArrangement:
        return None
    roomy = any(n.item is None and not n.booked and not n.parts for n in t.node.walk())
    roomy = roomy or whole or any(j in m.removed for j in t.node.modules)
    white = found.white > area.columns * GAP_ROWS  # more than a thin row of white under it
    if found.score.overset or ((found.opens or white) and not roomy):
        return None
    broken = {i: set(u.broken) for u in previous.units for i in u.ids}
    for pl in found.placements:
        ids = _ids(sheet.copy, problem_units(m, held), pl.unit, pl.end or pl.unit + 1)
        was = set().union(*(broken.get(i, set()) for i in ids))
        if set(pl.option.shape[1].broken) - was:
            return None
    return _offset(found, held, area)


def problem_units(m: _Match, held: list[int]) -> tuple[Unit, ...]:
    return tuple(m.units[k] for k in held)


def _subproblem(sheet: Any, m: _Match, held: list[int], area: Area) -> Problem:
    """A search of units ``held`` (of the page, in reading order) in ``area``: their options
    as on the whole page; the editor's spans kept, positions (lead, row, column) dropped;
    only runs of briefs that neighbour on the page may be set together."""
    copy, mode, st = sheet.copy, m.mode, sheet.ctx.style
    units = problem_units(m, held)
    keys, run = [], 0
    for n, k in enumerate(held):
        run += int(n > 0 and held[n - 1] != k - 1)
        keys.append(f"{m.units[k].key}#{run}" if m.units[k].key is not None else None)
    return Problem(
        columns=area.columns,
        rows=area.rows,
        names=tuple(copy.profiles[u.positions[0]].id for u in units),
        pins=tuple(Pins(span=u.pins.span, photo_span=u.pins.photo_span) for u in units),
        options=lambda u, w: copy.options(units[u], w, mode),
        merged=lambda a, b, w: copy.options(copy.merged(units, a, b), w, mode),
        mergeable=tuple(keys),
        least_cells=tuple(copy.least_area(u, mode) for u in units),
        open_area=st.open_area,
        profiles=sum(len(u.positions) for u in units),
        stacks=True,
        open_min_rows=st.legibility.min_leg,
    )


def _offset(found: Arrangement, held: list[int], area: Area) -> Arrangement:
    """A subtree's arrangement placed in the zone, its units numbered as on the page."""
    x, y = area.column, area.row
    placements = tuple(
        replace(pl, unit=held[pl.unit], column=pl.column + x, row=pl.row + y, end=held[pl.end - 1] + 1 if pl.end else 0)
        for pl in found.placements
    )
    rules = tuple(replace(r, column=r.column + x, row=r.row + y) for r in found.rules)
    opens = tuple(Area(a.column + x, a.row + y, a.columns, a.rows) for a in found.opens)
    return replace(found, placements=placements, rules=rules, opens=opens, booked=())


def _assemble(
    root: Node, tasks: list[_Task], previous: Previous, m: _Match, options: dict[int, Option | None], min_rows: int
) -> Arrangement:
    """The page: kept modules in their rectangles, re-searched subtrees as found, the rules
    of the previous cuts outside them, open space where nothing stands."""
    done = {id(t.node): t.result for t in tasks}
    placements: list[Placement] = []
    rules: list[Rule] = []
    opens: list[Area] = []
    white = work = 0

    def visit(node: Node) -> None:
        nonlocal white, work
        found = done.get(id(node))
        if found is not None:
            placements.extend(found.placements)
            rules.extend(found.rules)
            opens.extend(found.opens)
            white += found.white
            work += found.work
        elif node.parts:
            a = node.area
            rules.append(
                Rule(True, a.column, node.cut, a.columns) if node.across else Rule(False, node.cut, a.row, a.rows)
            )
            for p in node.parts:
                visit(p)
        elif node.item is not None and node.item in m.runs:
            u, (a, b), option = previous.units[node.item], m.runs[node.item], options[node.item]
            assert option is not None  # a module with no option fails and is searched again
            placements.append(Placement(a, u.column, u.span, u.row, u.rows, option, b if b - a > 1 else 0))
            white += node.area.cells - u.span * u.rows
        elif not node.booked and node.area.rows >= min_rows:  # open space (or a removed module's, unused)
            opens.append(node.area)
        elif not node.booked:
            white += node.area.cells

    visit(root)
    placements.sort(key=lambda pl: pl.unit)
    score = sum((pl.option.score for pl in placements), Score())
    score += Score(blank=white, open=sum(a.cells for a in opens), butting=sum(1 for r in rules if not r.across))
    ordered = tuple(sorted(opens, key=lambda a: (-a.cells, a.row, a.column)))
    return Arrangement(tuple(placements), tuple(rules), ordered, score, white, work)
