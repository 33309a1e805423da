"""The line breaker as it was before its speed work (issue 16): straightforward, one
atom object per character, a list of candidate widths per line. Kept as the reference
that ``test_breaker_reference.py`` holds ``layout.inline.breaker`` to, line for line,
run for run, position for position (no caches here: every call works from scratch).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from layout.lang.zh import Rules, is_han, is_wide

EPS = 1e-6
# A run of Latin letters and digits never breaks (clreq §3.1.8; jlreq):
# 2020, 3D, 90%, 4×100, 3.5, 1,000, e-mail.
LATIN_RUN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:[.,:/×\-+'’_?=&#~@]+[A-Za-z0-9\u00C0-\u024F]+)*[%‰℃/]?")
# Where a Latin run wider than a whole line (a URL, say) may be broken: after these.
URL_PIECE = re.compile(r"[^/.?&=_\-#@]+[/.?&=_\-#@]*|[/.?&=_\-#@]+")


class Measurer(Protocol):
    def width(self, text: str, size: float) -> float: ...


@dataclass(frozen=True)
class Atom:
    """An unbreakable piece of text: one character, a ——/…… pair or a Latin run."""

    text: str
    start: int  # offset in the paragraph
    width: float  # natural width in points
    space: bool  # an inter-word space (dropped at line edges)
    kind: str = "other"  # han, latin, mark, space, other
    halvable: bool = False  # a mark the face and the scheme allow in half an em
    opening: bool = False  # an opening mark (its ink in the right half)
    centred: bool = False  # drawn centred in its em box (zh-Hant marks)
    piece: bool = False  # part of a Latin run too long for any line: may break before the next piece
    face: str = ""  # a fallback face's key, for a character the role's own face lacks


@dataclass(frozen=True)
class Run:
    """Text drawn from ``x`` with ``char_space`` added after each character;
    ``half``: drawn from the face's half-width punctuation font."""

    text: str
    x: float  # from the line's left edge (after any indent)
    char_space: float
    width: float  # from x to the end of the last glyph
    variant: str = ""  # "half": the half-width marks font; "centred": the zh-Hant marks font

    @property
    def half(self) -> bool:
        return self.variant == "half"


@dataclass(frozen=True)
class Line:
    start: int  # paragraph offsets of the first and after-last character
    end: int
    indent: float
    measure: float  # the width the line is set to (or less, for a last line)
    natural: float  # width after compression, before justification
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


# -- atoms ----------------------------------------------------------------------------------


def atoms_of(text: str, size: float, measure: Measurer, rules: Rules) -> list[Atom]:
    """Split a paragraph into unbreakable atoms with their widths."""
    return _atoms(text, size, measure, rules)


def _atom(piece: str, start: int, size: float, measure: Measurer, rules: Rules) -> Atom:
    width = measure.width(piece, size)
    face_for = getattr(measure, "face_for", None)
    if face_for is not None and len(piece) == 1 and not piece.isspace():
        face = face_for(piece)
        primary = getattr(measure, "key", "")
        if face is not None and face.key != primary:
            return Atom(piece, start, width, False, "han" if is_han(piece) else "other", face=face.key)
    if piece.isspace():
        return Atom(piece, start, width, True, "space")
    ch = piece[0]
    if len(piece) > 1 and not is_wide(ch):
        return Atom(piece, start, width, False, "latin")
    if ch in rules.punctuation:
        can = getattr(measure, "can_halve", None)
        halvable = len(piece) == 1 and ch in rules.compressible and bool(can and can(ch))
        centre = getattr(measure, "can_centre", None)
        centred = len(piece) == 1 and ch in rules.centred_marks and bool(centre and centre(ch))
        return Atom(piece, start, width, False, "mark", halvable, ch in rules.opening, centred)
    if is_han(ch) or 0x3040 <= ord(ch) <= 0x30FF:
        return Atom(piece, start, width, False, "han")
    if ch.isascii() and ch.isalnum():
        return Atom(piece, start, width, False, "latin")
    return Atom(piece, start, width, False, "other")


def _atoms(text: str, size: float, measure: Measurer, rules: Rules) -> list[Atom]:
    atoms: list[Atom] = []
    i = 0
    n = len(text)
    own = getattr(measure, "primary", None)
    while i < n:
        ch = text[i]
        m = None if is_wide(ch) else LATIN_RUN.match(text, i)
        if m and own is not None and not all(own.has(c) for c in m.group(0)):
            m = None  # a run with a character from another face is set character by character
        if m and m.end() > i + 1:
            piece = m.group(0)
        elif text[i : i + 2] in rules.unbreakable_pairs:
            piece = text[i : i + 2]
        else:
            piece = ch
        atoms.append(_atom(piece, i, size, measure, rules))
        i += len(piece)
    return atoms


# -- where a line may end -------------------------------------------------------------------


def _can_break_before(atoms: list[Atom], i: int, rules: Rules) -> bool:
    """May a line end between atoms[i-1] and atoms[i]?"""
    prev, cur = atoms[i - 1], atoms[i]
    if prev.piece and cur.piece:
        return True
    if cur.text in rules.unbreakable_pairs:
        if cur.text[0] in rules.pair_no_start:
            return False
    elif cur.text[0] in rules.no_start:
        return False
    if prev.text[-1] in rules.no_end:
        return False
    if prev.space or cur.space:
        return True
    if prev.text[-1].isdigit() and (cur.text in rules.units or cur.text in rules.unit_prefixes):
        return False  # 2020|年, 870|余户
    if prev.text in rules.unit_prefixes and cur.text in rules.units and i >= 2 and atoms[i - 2].text[-1].isdigit():
        return False  # 870余|户
    # Between two non-CJK atoms (a word and a following mark, say) only at spaces.
    return is_wide(prev.text[-1]) or is_wide(cur.text[0])


def _gap(prev: Atom, cur: Atom, size: float, rules: Rules) -> float:
    """Fixed space between two atoms: a quarter em between Han and Latin or digits."""
    kinds = {prev.kind, cur.kind}
    return rules.latin_gap_em * size if kinds == {"han", "latin"} else 0.0


# -- composing one line ---------------------------------------------------------------------


@dataclass
class _Scan:
    """Widths of the line [a, j) as j grows: natural (with the scheme's fixed
    compression) and the most that push-in could still take away."""

    width: float = 0.0
    squeezable: float = 0.0
    last_halved: bool = False


def _halve_pairs(atoms: list[Atom], a: int, b: int) -> set[int]:
    """Of each two adjacent marks on [a, b), the one that gives up half its em."""
    halves: set[int] = set()
    for i in range(a, b - 1):
        x, y = atoms[i], atoms[i + 1]
        if x.kind != "mark" or y.kind != "mark" or i in halves:
            continue
        if x.halvable and not x.opening:
            halves.add(i)
        elif y.halvable and y.opening:
            halves.add(i + 1)
    return halves


def _trim(atoms: list[Atom], a: int, b: int) -> tuple[int, int]:
    while a < b and atoms[a].space:
        a += 1
    while b > a and atoms[b - 1].space:
        b -= 1
    return a, b


def _compose(
    atoms: list[Atom], a: int, b: int, avail: float, size: float, rules: Rules, first: bool
) -> tuple[set[int], list[float], float]:
    """The halved atoms, the gap after each atom and the natural width of the line [a, b)."""
    a, b = _trim(atoms, a, b)
    halves = _halve_pairs(atoms, a, b)
    if b > a:
        last = atoms[b - 1]
        if last.halvable and not last.opening:
            halves.add(b - 1)  # a mark ends the line: half an em
        head = atoms[a]
        if head.halvable and head.opening and rules.halve_opening_at_line_start:
            halves.add(a)
    gaps = [_gap(atoms[i], atoms[i + 1], size, rules) for i in range(a, b - 1)] + ([0.0] if b > a else [])

    def natural() -> float:
        return sum(atoms[i].width / 2 if i in halves else atoms[i].width for i in range(a, b)) + sum(gaps)

    width = natural()
    if width > avail + EPS:  # push-in: marks give up half their width and gaps shrink, by priority
        for step, group in enumerate(rules.push_in_priority):
            if step == len(rules.push_in_priority) - 1:  # before 。？！: Han–Latin gaps down to ⅛ em
                for k in range(len(gaps)):
                    if width <= avail + EPS:
                        break
                    width -= gaps[k] / 2
                    gaps[k] /= 2
            for i in range(b - 1, a - 1, -1):
                x = atoms[i]
                if width <= avail + EPS:
                    break
                if x.halvable and i not in halves and x.text in group:
                    halves.add(i)
                    width -= x.width / 2
    return halves, gaps, width


def _widths(
    atoms: list[Atom], a: int, n: int, size: float, rules: Rules, limit: float | None = None
) -> list[tuple[float, float]]:
    """For each end j in (a, n]: (natural width, least width with push-in) of [a, j);
    with ``limit``, stops after the first end whose least width exceeds it."""
    out: list[tuple[float, float]] = []
    width = squeeze = 0.0
    halves: set[int] = set()
    start = a
    while start < n and atoms[start].space:
        start += 1
        out.append((0.0, 0.0))
    for j in range(start, n):
        x = atoms[j]
        if j > start:
            prev = atoms[j - 1]
            gap = _gap(prev, x, size, rules)
            width += gap
            squeeze += gap / 2  # a Han–Latin gap may shrink to ⅛ em
            if prev.kind == "mark" and x.kind == "mark" and (j - 1) not in halves:
                if prev.halvable and not prev.opening:
                    halves.add(j - 1)
                    width -= prev.width / 2
                    squeeze -= prev.width / 2
                elif x.halvable and x.opening:
                    halves.add(j)
        width += x.width / 2 if j in halves else x.width
        if x.halvable and j not in halves:
            squeeze += x.width / 2
        end_half = x.width / 2 if (x.halvable and not x.opening and j not in halves) else 0.0
        trailing = x.width if x.space else 0.0
        out.append((width - end_half - trailing, width - squeeze - trailing))
        if limit is not None and out[-1][1] > limit + EPS:
            break
    return out


def _greedy(
    atoms: list[Atom], measures: list[float], size: float, rules: Rules, split: Callable[[Atom], list[Atom]]
) -> list[int]:
    """Line starts (atom indices): fill, then push-in, then push-out.

    A word wider than the line (a long URL, say) is split into characters
    where it stands (``atoms`` is changed in place), so nothing overflows."""
    starts = [0]
    a = 0
    while True:
        n = len(atoms)
        avail = measures[min(len(starts) - 1, len(measures) - 1)]
        widths = _widths(atoms, a, n, size, rules, avail)
        fit = a  # largest end that fits at natural width
        squeezed = a  # largest end that fits with push-in
        for k, (nat, least) in enumerate(widths):
            j = a + k + 1
            if least > avail + EPS:
                break
            squeezed = j
            if nat <= avail + EPS:
                fit = j
        if squeezed >= n:
            return starts  # the rest fits on this line (with push-in if need be)
        if fit < n and atoms[fit].width > max(measures) + EPS and len(atoms[fit].text) > 1:
            atoms[fit : fit + 1] = split(atoms[fit])  # wider than any line: break it where lines end
            continue
        if fit == a:  # the first atom alone is wider than the line
            if len(atoms[a].text) > 1 and squeezed == a:
                atoms[a : a + 1] = split(atoms[a])
                continue
            fit = max(fit, squeezed, a + 1)
        # Reduce first (clreq): the longest line that fits with push-in, at a legal break;
        # only if there is none does a character move down (push-out).
        b = next((j for j in range(squeezed, a, -1) if _can_break_before(atoms, j, rules)), None)
        if b is None:
            b = fit  # no legal break on the line: break where it is full
        starts.append(b)
        a = b


def _chars(atoms: list[Atom], a: int, b: int, rules: Rules) -> int:
    """Characters on a line for the lone-character rule (marks do not count)."""
    return sum(len(x.text) for x in atoms[a:b] if not x.space and x.text[0] not in rules.punctuation)


def _fits(atoms: list[Atom], a: int, b: int, avail: float, size: float, rules: Rules) -> bool:
    """Does [a, b) fit ``avail`` (with every compression allowed)?"""
    widths = _widths(atoms, a, b, size, rules)
    return not widths or widths[-1][1] <= avail + EPS


def _fix_lone_last_line(
    atoms: list[Atom], starts: list[int], rules: Rules, size: float, measures: list[float]
) -> list[int]:
    """Keep at least two characters on a paragraph's last line (clreq §3.2.2):
    pull characters down from the line above, which must keep two atoms so it
    can still be justified; failing that, re-break the last two lines together."""
    n = len(atoms)
    if len(starts) < 2 or _chars(atoms, starts[-1], n, rules) >= 2:
        return starts
    prev = starts[-2]
    for b in range(starts[-1] - 1, prev + 1, -1):
        if (
            _can_break_before(atoms, b, rules)
            and _chars(atoms, b, n, rules) >= 2
            and _fits(atoms, b, n, measures[-1], size, rules)
        ):
            return [*starts[:-1], b]
    if len(starts) < 3:
        return starts
    first = starts[-3]
    avail = measures[min(len(starts) - 2, len(measures) - 1)]
    for b1 in range(prev - 1, first + 1, -1):
        if not _can_break_before(atoms, b1, rules):
            continue
        for b2 in range(n - 1, b1 + 1, -1):
            if (
                _can_break_before(atoms, b2, rules)
                and _chars(atoms, b2, n, rules) >= 2
                and _fits(atoms, b1, b2, avail, size, rules)
                and _fits(atoms, b2, n, measures[-1], size, rules)
            ):
                return [*starts[:-2], b1, b2]
    return starts


# -- positioned runs ------------------------------------------------------------------------


def _runs(atoms: list[Atom], a: int, b: int, halves: set[int], gaps: list[float], extra: float) -> tuple[Run, ...]:
    """Runs of a line: atoms at their positions, ``extra`` added in every gap.
    Single characters share a run (drawn with ``extra`` as character spacing)
    while the space between them is just ``extra``; a wider gap (Han–Latin),
    a multi-character atom or a change to the half-width font starts a new run."""
    runs: list[Run] = []
    group: list[tuple[Atom, float, float, str]] = []  # atom, x, drawn width, font variant

    def flush() -> None:
        if group:
            x0 = group[0][1]
            _, xl, wl, variant = group[-1]
            space = extra if len(group) > 1 else 0.0
            runs.append(Run("".join(g[0].text for g in group), x0, space, xl + wl - x0, variant))

    x = 0.0
    prev_gap = 0.0
    for k, i in enumerate(range(a, b)):
        atom = atoms[i]
        half = i in halves
        variant = "half" if half else ("centred" if atom.centred else (f"fb:{atom.face}" if atom.face else ""))
        w = atom.width / 2 if half else atom.width
        if group:
            g_atom, _, _, g_variant = group[-1]
            joins = len(atom.text) == 1 and len(g_atom.text) == 1 and g_variant == variant and abs(prev_gap) < EPS
            if not joins:
                flush()
                group = []
        group.append((atom, x, w, variant))
        prev_gap = gaps[k]
        x += w + gaps[k] + extra
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
        """A Latin run too long for a line: pieces ending at / . - ? & = (a URL's joints),
        or single characters when the run is already a piece."""
        pieces = [m.group(0) for m in URL_PIECE.finditer(atom.text)] if not atom.piece else []
        if len(pieces) <= 1:
            pieces = list(atom.text)
        out, k = [], atom.start
        for p in pieces:
            out.append(replace(_atom(p, k, size, metrics, rules), kind="latin", piece=True))
            k += len(p)
        return out

    starts = _fix_lone_last_line(atoms, _greedy(atoms, measures, size, rules, split), rules, size, measures)
    ends = [*starts[1:], len(atoms)]
    lines = []
    for k, (a0, b0) in enumerate(zip(starts, ends)):
        a, b = _trim(atoms, a0, b0)
        line_indent = indent if k == 0 else 0.0
        avail = measure - line_indent
        halves, gaps, natural = _compose(atoms, a, b, avail, size, rules, k == 0)
        last = k == len(starts) - 1
        stretch = justify and (not last or justify_last) and b - a > 1 and avail - EPS > natural
        extra = (avail - natural) / (b - a - 1) if stretch else 0.0
        lines.append(
            Line(
                start=atoms[a].start if a < b else atoms[min(a, len(atoms) - 1)].start,
                end=atoms[b - 1].start + len(atoms[b - 1].text) if b > a else atoms[min(a, len(atoms) - 1)].start,
                indent=line_indent,
                measure=avail,
                natural=natural,
                justified=stretch,
                runs=_runs(atoms, a, b, halves, gaps, extra),
            )
        )
    return tuple(lines)
