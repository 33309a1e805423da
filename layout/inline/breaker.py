"""Line breaking and justification (stage 1).

Input: one paragraph of text, a ``Measurer`` (font metrics at a size), the
line measure, a first-line indent and the language ``Rules``.
Output: a tuple of ``Line`` values: which characters stand on each line
(source offsets), their natural width and the runs to draw, positioned so
that every line but the last of a paragraph ends exactly at the measure.

The rules themselves (which marks may not start or end a line, which pairs
never split) come from ``layout.lang``; this module holds no character
table. Breaking is greedy with push-out (a character moves down with a mark
that may not start a line), followed by a pass that keeps two characters on
a paragraph's last line (no 孤字).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from layout.lang.zh import Rules, is_wide

EPS = 1e-6
# A run of Latin letters and digits never breaks (clreq §3.1.8; jlreq):
# 2020, 3D, 90%, 4×100, 3.5, 1,000, e-mail.
LATIN_RUN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:[.,:/×\-+'’][A-Za-z0-9\u00C0-\u024F]+)*[%‰℃]?")


class Measurer(Protocol):
    def width(self, text: str, size: float) -> float: ...


@dataclass(frozen=True)
class Atom:
    """An unbreakable piece of text: one character, a ——/…… pair or a Latin run."""

    text: str
    start: int  # offset in the paragraph
    width: float  # natural width in points
    space: bool  # an inter-word space (dropped at line edges)


@dataclass(frozen=True)
class Run:
    """Text drawn from ``x`` with ``char_space`` added after each character."""

    text: str
    x: float  # from the line's left edge (after any indent)
    char_space: float
    width: float  # from x to the end of the last glyph


@dataclass(frozen=True)
class Line:
    start: int  # paragraph offsets of the first and after-last character
    end: int
    indent: float
    measure: float  # the width the line is set to (or less, for a last line)
    natural: float
    justified: bool
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def right(self) -> float:
        """Where the last glyph ends, from the line's left edge."""
        if not self.runs:
            return self.indent
        last = self.runs[-1]
        return self.indent + last.x + last.width


_ATOM_CACHE: dict[tuple, list[Atom]] = {}
_ATOM_CACHE_MAX = 4096


def atoms_of(text: str, size: float, measure: Measurer, rules: Rules) -> list[Atom]:
    """Split a paragraph into unbreakable atoms with their widths (memoised:
    a headline is broken at many measures while it is fitted)."""
    face_key = getattr(measure, "cache_key", None)
    if face_key is None:
        return _atoms(text, size, measure, rules)
    key = (text, size, face_key, rules)
    hit = _ATOM_CACHE.get(key)
    if hit is None:
        if len(_ATOM_CACHE) >= _ATOM_CACHE_MAX:
            _ATOM_CACHE.clear()
        hit = _ATOM_CACHE[key] = _atoms(text, size, measure, rules)
    return hit


def _atoms(text: str, size: float, measure: Measurer, rules: Rules) -> list[Atom]:
    atoms: list[Atom] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        m = None if is_wide(ch) else LATIN_RUN.match(text, i)
        if m and m.end() > i + 1:
            piece = m.group(0)
        elif text[i : i + 2] in rules.unbreakable_pairs:
            piece = text[i : i + 2]
        else:
            piece = ch
        atoms.append(Atom(piece, i, measure.width(piece, size), piece.isspace()))
        i += len(piece)
    return atoms


def _can_break_before(atoms: list[Atom], i: int, rules: Rules) -> bool:
    """May a line end between atoms[i-1] and atoms[i]?"""
    prev, cur = atoms[i - 1], atoms[i]
    if cur.text[0] in rules.no_start or prev.text[-1] in rules.no_end:
        return False
    if prev.space or cur.space:
        return True
    # Between two non-CJK atoms (a word and a following mark, say) only at spaces.
    return is_wide(prev.text[-1]) or is_wide(cur.text[0])


def _line_width(atoms: list[Atom], a: int, b: int) -> float:
    lo, hi = a, b
    while lo < hi and atoms[lo].space:
        lo += 1
    while hi > lo and atoms[hi - 1].space:
        hi -= 1
    return sum(x.width for x in atoms[lo:hi])


def _greedy(atoms: list[Atom], measures: list[float], rules: Rules, split: Callable[[Atom], list[Atom]]) -> list[int]:
    """Break positions (atom indices where each line starts), greedy with push-out.

    A word wider than the line (a long URL, say) is split into characters
    where it stands (``atoms`` is changed in place), so nothing overflows."""
    starts = [0]
    a = 0
    while True:
        avail = measures[min(len(starts) - 1, len(measures) - 1)]
        width = 0.0
        j = a
        while j < len(atoms) and (atoms[j].space or width + atoms[j].width <= avail + EPS):
            if not atoms[j].space or j > a:
                width += atoms[j].width
            j += 1
        if j >= len(atoms):
            return starts
        if j == a:  # the first atom alone is wider than the line
            if len(atoms[a].text) > 1:
                atoms[a : a + 1] = split(atoms[a])
                continue
            j = a + 1  # a single character wider than the column: it stands alone
        b = j
        while b > a + 1 and not _can_break_before(atoms, b, rules):
            b -= 1
        if b == a + 1 and not _can_break_before(atoms, b, rules):
            b = j  # no legal break on the line: break where it is full
        starts.append(b)
        a = b


def _chars(atoms: list[Atom], a: int, b: int, rules: Rules) -> int:
    """Characters on a line for the lone-character rule (marks do not count)."""
    return sum(1 for x in atoms[a:b] if not x.space and x.text[0] not in rules.punctuation)


def _fix_lone_last_line(atoms: list[Atom], starts: list[int], rules: Rules) -> list[int]:
    """Pull characters down so a paragraph's last line has at least two (clreq §3.2.2)."""
    if len(starts) < 2 or _chars(atoms, starts[-1], len(atoms), rules) >= 2:
        return starts
    prev = starts[-2]
    b = starts[-1] - 1
    while b > prev + 1:
        if _can_break_before(atoms, b, rules) and _chars(atoms, b, len(atoms), rules) >= 2:
            if _chars(atoms, prev, b, rules) >= 2:
                return [*starts[:-1], b]
            break
        b -= 1
    return starts


def _runs(atoms: list[Atom], a: int, b: int, extra: float) -> tuple[Run, ...]:
    """Group atoms into runs; ``extra`` is added in every gap between atoms."""
    runs: list[Run] = []
    x = 0.0
    group: list[Atom] = []
    group_x = 0.0

    def flush() -> None:
        if group:
            width = sum(g.width for g in group) + extra * (len(group) - 1)
            space = extra if len(group) > 1 else 0.0
            runs.append(Run("".join(g.text for g in group), group_x, space, width))

    for atom in atoms[a:b]:
        single = len(atom.text) == 1
        if not (single and group and len(group[-1].text) == 1):
            flush()
            group = []
            group_x = x
        group.append(atom)
        if not single:
            flush()
            group = []
        x += atom.width + extra
    flush()
    return tuple(runs)


def break_paragraph(
    text: str,
    *,
    size: float,
    measure: float,
    metrics: Measurer,
    rules: Rules,
    indent: float = 0.0,
    justify: bool = True,
    justify_last: bool = False,
) -> tuple[Line, ...]:
    """Break ``text`` into lines of ``measure`` points (first line indented)."""
    atoms = list(atoms_of(text, size, metrics, rules))
    if not atoms:
        return ()
    measures = [measure - indent, measure]

    def split(atom: Atom) -> list[Atom]:
        return [Atom(ch, atom.start + k, metrics.width(ch, size), ch.isspace()) for k, ch in enumerate(atom.text)]

    starts = _fix_lone_last_line(atoms, _greedy(atoms, measures, rules, split), rules)
    ends = [*starts[1:], len(atoms)]
    lines = []
    for k, (a, b) in enumerate(zip(starts, ends)):
        while a < b and atoms[a].space:
            a += 1
        while b > a and atoms[b - 1].space:
            b -= 1
        line_indent = indent if k == 0 else 0.0
        avail = measure - line_indent
        natural = _line_width(atoms, a, b)
        last = k == len(starts) - 1
        stretch = justify and (not last or justify_last) and b - a > 1 and avail - EPS > natural
        extra = (avail - natural) / (b - a - 1) if stretch else 0.0
        lines.append(
            Line(
                start=atoms[a].start if a < b else atoms[a - 1].start,
                end=atoms[b - 1].start + len(atoms[b - 1].text) if b > a else atoms[a].start,
                indent=line_indent,
                measure=avail,
                natural=natural,
                justified=stretch,
                runs=_runs(atoms, a, b, extra),
            )
        )
    return tuple(lines)
