"""Line breaking, punctuation compression and justification (stage 1).

Input: one paragraph of text, a ``Measurer`` (font metrics at a size, and
which marks the face can set in half an em), the line measure, a first-line
indent and the language ``Rules``. Output: a tuple of ``Line`` values: which
characters stand on each line (source offsets), their natural width and the
runs to draw, positioned so that every line but the last of a paragraph ends
exactly at the measure.

The rules (which marks may not start or end a line, which pairs never split,
which marks compress, units that stay with their number) come from
``layout.lang``; this module names no character. Per line:

1. compression the scheme always applies: of two adjacent marks one gives up
   half its em (a closing mark first, else an opening one); a mark ending the
   line takes half an em (clreq §3.1.4, GB/T 15834 §5.1.10);
2. the line is filled greedily; when the break that fits would start the next
   line with a prohibited mark (or end this one with one), marks on the line
   give up half their width to take the offending mark in (push-in); failing
   that, characters move down with it (push-out);
3. a paragraph's last line keeps at least two characters (no 孤字);
4. a quarter em separates Han from Latin letters and digits; what is left is
   spread evenly between atoms (never inside ——, …… or a Latin word).

Vertical rules (``Rules.vertical``, 竖排) change two things: a number of at most
``Rules.tcy_max`` digits standing alone is one atom one em long, set upright
(tate-chu-yoko, a run of variant "tcy") and treated as a Han character; longer
numbers and Latin words stay runs at their horizontal advances (drawn rotated).
And where the rules hang marks (``Rules.hanging``: zh-Hant vertical lines) into
room past a line's end (``Rules.hang_room``, points: a vertical page's gutter), a
justified line that is full when a lone hanging mark comes (、，。．, no mark
before it, none after it but an opening one, no wider than the room) keeps the
mark, set beyond the measure as a run of its own (``Run.x`` = the measure, its
width as a line end sets it), instead of starting the next line with it; the rest
of the line stands exactly as the full line without the mark (justified to the
measure), and ``Line.natural`` is the measure plus the mark. Along a vertical
line the geometry is the horizontal one: x runs down the line.

Speed (a paragraph is broken at every column width the makeup tries): an atom is
made once per piece of text and style (``_Setter``), with what the rules say of
it; a paragraph's atoms once per text and style (``_Para``), with where its gaps,
adjacent marks and halvable marks are. Filling a line is one pass over its atoms
that builds nothing (``_scan``); only the lines kept are composed, and a line of
plain characters is one run. Widths and positions are summed in the same order as
a plain loop over the atoms would (``accumulate``, ``sum``), so they are the same
floats to the last bit.
"""

from __future__ import annotations

import math
import re
import weakref
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, reduce
from itertools import accumulate, compress, count, pairwise, repeat
from operator import add, attrgetter
from typing import Any, Protocol

from layout.lang.zh import Rules, is_han, is_wide, wide_class

EPS = 1e-6
# A run of Latin letters and digits never breaks (clreq §3.1.8; jlreq):
# 2020, 3D, 90%, 4×100, 3.5, 1,000, e-mail.
LATIN_CHAR = r"[A-Za-z0-9\u00C0-\u024F]"
LATIN_JOINER = r"[.,:/×\-+'’_?=&#~@]"
LATIN_RUN = re.compile(rf"{LATIN_CHAR}+(?:{LATIN_JOINER}+{LATIN_CHAR}+)*[%‰℃/]?")
# Vertical lines: what may not stand beside a number set upright (tate-chu-yoko): a Latin
# letter or digit (across spaces), or an ASCII joiner right before it (-5, .5).
LATIN_ONE = re.compile(LATIN_CHAR)
JOINER_ONE = re.compile(LATIN_JOINER)
LATIN_AFTER = re.compile(rf"\s*{LATIN_CHAR}")
# Where a Latin run wider than a whole line (a URL, say) may be broken: after these.
URL_PIECE = re.compile(r"[^/.?&=_\-#@]+[/.?&=_\-#@]*|[/.?&=_\-#@]+")


class Measurer(Protocol):
    def width(self, text: str, size: float) -> float: ...


@dataclass(frozen=True, slots=True)
class Atom:
    """An unbreakable piece of text: one character, a ——/…… pair or a Latin run, as
    one style (size, face, rules) sets it wherever it stands (a paragraph keeps the
    offsets beside its atoms: ``_Para.bounds``)."""

    text: str
    width: float  # natural width in points
    space: bool  # an inter-word space (dropped at line edges)
    kind: str = "other"  # han, latin, mark, space, other
    halvable: bool = False  # a mark the face and the scheme allow in half an em
    opening: bool = False  # an opening mark (its ink in the right half)
    centred: bool = False  # drawn centred in its em box (zh-Hant marks)
    piece: bool = False  # part of a Latin run too long for any line: may break before the next piece
    face: str = ""  # a fallback face's key, for a character the role's own face lacks
    # What the breaker asks at every line, worked out once (``_atom``):
    half: float = 0.0  # width / 2
    mark: bool = False  # kind == "mark"
    plain: bool = False  # no mark, not halvable, no space: filling a line just adds its width
    closing_half: bool = False  # halvable and not opening: halved before another mark or at a line end
    opening_half: bool = False  # halvable and opening: halved after another mark
    single: bool = False  # one character (may share a run with its neighbours)
    variant: str = ""  # its font variant when drawn full width ("centred", "fb:KEY", "tcy" or "")
    rough: bool = False  # not single, or drawn from another font: a run of its own
    odd: bool = False  # anything but one Han character of the face itself (see ``_Para``)
    letters: int = 0  # characters the lone-character rule counts (marks and spaces: none)
    no_start: bool = False  # may not start a line (the prohibition tables; a pair by its own rule)
    no_end: bool = False  # may not end a line
    digit_end: bool = False  # ends with a digit (keeps a following unit)
    unit: bool = False  # a unit that stays with its number
    unit_prefix: bool = False  # 余, 多: between a number and its unit
    wide_first: bool = False  # its first and last characters are set on the CJK grid
    wide_last: bool = False
    hangs: bool = False  # a mark that may hang beyond the end of a full line (``Rules.hanging``)


@dataclass(frozen=True)
class Run:
    """Text drawn from ``x`` with ``char_space`` added after each character;
    ``half``: drawn from the face's half-width punctuation font."""

    text: str
    x: float  # from the line's left edge (after any indent)
    char_space: float
    width: float  # from x to the end of the last glyph
    # "half": the half-width marks font; "centred": the zh-Hant marks font; "fb:KEY": a
    # fallback face; "tcy": digits set upright side by side in one em (vertical lines)
    variant: str = ""

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

_FACE_KEYS: dict[int, tuple[weakref.ref, tuple]] = {}  # id(measurer) → (the measurer, weakly; its key)


def measure_key(measure: Any) -> tuple | None:
    """What a measurer's widths depend on, as a value (None: it cannot say): its faces'
    names and files and a digest of their metrics (advances, coverage, the marks they can
    halve or centre), so a font replaced under the same name is measured anew. Memoised
    per measurer object while it lives."""
    hit = _FACE_KEYS.get(id(measure))
    if hit is not None and hit[0]() is measure:
        return hit[1]
    if hasattr(measure, "fallbacks"):  # a face with fallbacks
        key: tuple | None = (measure_key(measure.primary), tuple(measure_key(f) for f in measure.fallbacks))
    elif hasattr(measure, "advances"):
        digest = hash(
            (
                tuple(measure.advances.items()),
                measure.default_advance,
                measure.range_starts,
                measure.range_ends,
                measure.halt_marks,
                measure.hant_marks,
            )
        )
        key = (measure.cache_key, getattr(measure, "key", ""), digest)  # a fallback is drawn by its key
    else:
        return None
    ident = id(measure)

    def forget(ref: weakref.ref) -> None:  # the measurer is gone: its id may be another's next
        if _FACE_KEYS.get(ident, (None,))[0] is ref:
            del _FACE_KEYS[ident]

    try:
        _FACE_KEYS[ident] = (weakref.ref(measure, forget), key)
    except TypeError:  # a measurer that cannot be referenced weakly: not memoised
        pass
    return key


_Class = tuple[float, bool, str, bool, bool, bool, str]


def _classify(piece: str, size: float, measure: Measurer, rules: Rules) -> _Class:
    """A piece's width, whether it is a space, its kind, halvable, opening, centred and fallback face."""
    width = measure.width(piece, size)
    face_for = getattr(measure, "face_for", None)
    if face_for is not None and len(piece) == 1 and not piece.isspace():
        face = face_for(piece)
        primary = getattr(measure, "key", "")
        if face is not None and face.key != primary:
            return width, False, "han" if is_han(piece) else "other", False, False, False, face.key
    if piece.isspace():
        return width, True, "space", False, False, False, ""
    ch = piece[0]
    if len(piece) > 1 and not is_wide(ch):
        return width, False, "latin", False, False, False, ""
    if ch in rules.punctuation:
        can = getattr(measure, "can_halve", None)
        halvable = len(piece) == 1 and ch in rules.compressible and bool(can and can(ch))
        centre = getattr(measure, "can_centre", None)
        centred = len(piece) == 1 and ch in rules.centred_marks and bool(centre and centre(ch))
        return width, False, "mark", halvable, ch in rules.opening, centred, ""
    if is_han(ch) or 0x3040 <= ord(ch) <= 0x30FF:
        return width, False, "han", False, False, False, ""
    if ch.isascii() and ch.isalnum():
        return width, False, "latin", False, False, False, ""
    return width, False, "other", False, False, False, ""


def _atom(piece: str, size: float, measure: Measurer, rules: Rules, *, split: bool = False) -> Atom:
    """The atom of ``piece`` (``split``: a piece of a Latin run too long for a line)."""
    width, space, kind, halvable, opening, centred, face = _classify(piece, size, measure, rules)
    if split:
        kind = "latin"
    first, last = piece[0], piece[-1]
    variant = "centred" if centred else (f"fb:{face}" if face else "")
    return Atom(
        piece,
        width,
        space,
        kind,
        halvable,
        opening,
        centred,
        split,
        face,
        half=width / 2,
        mark=kind == "mark",
        plain=kind != "mark" and not halvable and not space,
        closing_half=halvable and not opening,
        opening_half=halvable and opening,
        single=len(piece) == 1,
        variant=variant,
        rough=len(piece) != 1 or variant != "",
        odd=not (kind == "han" and len(piece) == 1 and variant == "" and not halvable and not space),
        letters=0 if space or first in rules.punctuation else len(piece),
        no_start=first in rules.pair_no_start if piece in rules.unbreakable_pairs else first in rules.no_start,
        no_end=last in rules.no_end,
        digit_end=last.isdigit(),
        unit=piece in rules.units,
        unit_prefix=piece in rules.unit_prefixes,
        wide_first=is_wide(first),
        wide_last=is_wide(last),
        hangs=piece in rules.hanging and kind == "mark" and _may_hang(width, halvable, rules),
    )


def _may_hang(width: float, halvable: bool, rules: Rules) -> bool:
    """Does a hanging mark this wide fit the room past a line's end? Hung, it is as wide as
    a line's end sets it (half an em where the scheme halves it there)."""
    return (width / 2 if halvable else width) <= rules.hang_room + EPS


def _upright_atom(digits: str, size: float, rules: Rules) -> Atom:
    """A number set upright in one em of a vertical line (tate-chu-yoko): it breaks, takes
    gaps and counts for the lone-character rule as one Han character, keeps a following
    unit as a number does, and is drawn as a run of its own (variant "tcy")."""
    return Atom(
        digits,
        float(size),
        False,
        "han",
        half=size / 2,
        plain=True,
        variant="tcy",
        rough=True,
        odd=True,
        letters=1,
        no_start=digits[0] in rules.no_start,
        no_end=digits[-1] in rules.no_end,
        digit_end=True,
        wide_first=True,
        wide_last=True,
    )


def _between(indices: tuple[int, ...], a: int, b: int) -> tuple[int, ...]:
    """The sorted ``indices`` in [a, b)."""
    return indices[bisect_left(indices, a) : bisect_left(indices, b)]


def _where(flags: Iterable[object]) -> tuple[int, ...]:
    """The indices of the true ``flags``, in order."""
    return tuple(compress(count(), flags))


@dataclass(frozen=True)
class _Para:
    """A paragraph as atoms, with what setting a line of it asks, at any measure. Most
    atoms are one Han character each (no gap, no mark, one run with their neighbours);
    what a line asks of the others is found from ``odd``, where they are."""

    text: str
    atoms: tuple[Atom, ...]
    bounds: tuple[int, ...]  # where each atom starts in the text, and where the text ends
    widths: tuple[float, ...]
    odd: tuple[int, ...]  # atoms that are not one Han character of the face itself
    gaps: tuple[float, ...]  # the fixed space before each atom (¼ em between Han and Latin; 0.0 first)
    gapped: tuple[int, ...]  # atoms with a fixed space before them
    simple: bytes  # 1: filling a line just adds the atom's width (no mark, space or gap before it)
    pairs: tuple[int, ...]  # i where atoms i and i + 1 are both marks
    halvable: tuple[int, ...]  # atoms push-in may halve
    rough: tuple[int, ...]  # atoms that cannot share a run with a neighbour

    @classmethod
    def of(cls, text: str, atoms: tuple[Atom, ...], bounds: tuple[int, ...], gap: float) -> _Para:
        odd = _where(map(_ODD, atoms))
        gaps = [0.0] * len(atoms)
        simple = bytearray(b"\x01") * len(atoms)
        marks: list[int] = []
        for i in odd:
            x = atoms[i]
            if not x.plain:
                simple[i] = 0
            if x.mark:
                marks.append(i)
            if x.kind == "latin" and gap:  # a gap on each side of a Latin atom next to Han
                if i > 0 and atoms[i - 1].kind == "han":
                    gaps[i] = gap
                if i + 1 < len(atoms) and atoms[i + 1].kind == "han":
                    gaps[i + 1] = gap
        gapped = _where(gaps)
        for i in gapped:
            simple[i] = 0
        return cls(
            text,
            atoms,
            bounds,
            tuple(map(_WIDTH, atoms)),
            odd,
            tuple(gaps),
            gapped,
            bytes(simple),
            tuple(i for i, j in pairwise(marks) if j == i + 1),
            tuple(i for i in odd if atoms[i].halvable),
            tuple(i for i in odd if atoms[i].rough),
        )

    def chars(self, a: int, b: int) -> int:
        """Characters on [a, b) for the lone-character rule (marks do not count): a Han
        character of the face counts one."""
        odd = _between(self.odd, a, b)
        return b - a - len(odd) + sum(self.atoms[i].letters for i in odd)

    def smooth(self, a: int, b: int) -> bool:
        """Are [a, b) single characters of the face itself with no gap between them?"""
        return not _between(self.rough, a, b) and not _between(self.gapped, a + 1, b)


_WIDTH, _ODD = attrgetter("width"), attrgetter("odd")


class _Setter:
    """The atoms of one style (size, face metrics, rules): each piece of text made into
    an atom once, each paragraph once (least recently used paragraphs out first)."""

    MAX_PARAS = 4096
    MAX_PIECES = 65536

    def __init__(self, size: float, rules: Rules) -> None:
        self.size = size
        self.rules = rules
        self.gap = rules.latin_gap_em * size
        self.special = _special(rules.unbreakable_pairs)
        self.pieces: dict[str, Atom] = {}
        self.split_pieces: dict[str, Atom] = {}
        self.runs: dict[str, Atom | None] = {}  # a Latin run: None when the role's own face lacks a character
        self.tcy: dict[str, Atom] = {}  # vertical rules: numbers set upright in one em
        self.paras: OrderedDict[str, _Para] = OrderedDict()

    def atom(self, piece: str, measure: Measurer) -> Atom:
        hit = self.pieces.get(piece)
        if hit is None:
            hit = self.pieces[piece] = _atom(piece, self.size, measure, self.rules)
        return hit

    def split_piece(self, piece: str, measure: Measurer) -> Atom:
        hit = self.split_pieces.get(piece)
        if hit is None:
            hit = self.split_pieces[piece] = _atom(piece, self.size, measure, self.rules, split=True)
        return hit

    def latin_run(self, run: str, measure: Measurer) -> Atom | None:
        """A Latin run as one atom (None: the role's own face lacks one of its characters,
        so it is set character by character)."""
        if run not in self.runs:
            own = getattr(measure, "primary", None)
            whole = own is None or all(own.has(c) for c in run)
            self.runs[run] = self.atom(run, measure) if whole else None
        return self.runs[run]

    def paragraph(self, text: str, measure: Measurer) -> _Para:
        hit = self.paras.get(text)
        if hit is not None:
            self.paras.move_to_end(text)
            return hit
        atoms, bounds = self._atoms(text, measure)
        para = self.paras[text] = _Para.of(text, atoms, bounds, self.gap)
        if len(self.paras) > self.MAX_PARAS:
            self.paras.popitem(last=False)
        return para

    def _atoms(self, text: str, measure: Measurer) -> tuple[tuple[Atom, ...], tuple[int, ...]]:
        """Split a paragraph into atoms (Latin runs, ——/…… pairs, single characters) and
        where each starts, and the paragraph ends."""
        if len(self.pieces) > self.MAX_PIECES:
            self.pieces.clear()
            self.split_pieces.clear()
            self.runs.clear()
            self.tcy.clear()
        for ch in set(text).difference(self.pieces):
            self.atom(ch, measure)
        atoms: list[Atom] = []
        starts: list[int] = []
        i, n = 0, len(text)
        while i < n:
            m = self.special.search(text, i)
            k = n if m is None else m.start()
            if k > i:  # characters set on the grid, one atom each
                atoms.extend(map(self.pieces.__getitem__, text[i:k]))
                starts.extend(range(i, k))
                i = k
                continue
            atom = self._special(text, i, measure)
            atoms.append(atom)
            starts.append(i)
            i += len(atom.text)
        starts.append(n)
        return tuple(atoms), tuple(starts)

    def _special(self, text: str, i: int, measure: Measurer) -> Atom:
        """The atom at ``text[i]``: a Latin run, a ——/…… pair or the character."""
        atom = self.pieces[text[i]]
        if not atom.wide_first:
            m = LATIN_RUN.match(text, i)
            if self.rules.vertical and m is not None:
                tcy = self._upright(text, i, m.end())
                if tcy is not None:
                    return tcy
            if m is not None and m.end() > i + 1:
                atom = self.latin_run(m.group(0), measure) or atom
        if len(atom.text) == 1 and text[i : i + 2] in self.rules.unbreakable_pairs:
            atom = self.atom(text[i : i + 2], measure)
        return atom

    def _upright(self, text: str, i: int, end: int) -> Atom | None:
        """Vertical rules: the number at ``text[i]`` as one upright em (tate-chu-yoko), if
        it stands alone: at most ``tcy_max`` digits, the whole Latin run (ending at ``end``)
        but for a unit after it, no Latin letter or digit beside it across spaces, no ASCII
        joiner before it, every digit in the role's own face; else None."""
        rules = self.rules
        j = i
        while j < end and text[j] in rules.tcy_digits:
            j += 1
        if not 0 < j - i <= rules.tcy_max or not (end == j or (end == j + 1 and text[j] in rules.units)):
            return None
        k = i - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k >= 0 and LATIN_ONE.match(text, k) or i > 0 and text[i - 1].isascii() and JOINER_ONE.match(text, i - 1):
            return None  # a Latin letter or digit before it, or an ASCII joiner (-5, .5; not ’)
        if LATIN_AFTER.match(text, j):
            return None
        digits = text[i:j]
        if any(self.pieces[d].face for d in digits):
            return None  # drawn from a fallback face: left as it is
        hit = self.tcy.get(digits)
        if hit is None:
            hit = self.tcy[digits] = _upright_atom(digits, self.size, rules)
        return hit


@cache
def _special(pairs: frozenset[str]) -> re.Pattern[str]:
    """Where a paragraph needs more than one atom per character: a character not set on the
    grid (a Latin run may start there) or one that may start a ——/…… pair."""
    heads = "".join(re.escape(p[0]) for p in sorted(pairs) if p)
    return re.compile(f"[^{wide_class()}]" + (f"|[{heads}]" if heads else ""))


MAX_SETTERS = 256
_SETTERS: OrderedDict[tuple, _Setter] = OrderedDict()


def _setter(size: float, measure: Measurer, rules: Rules) -> _Setter:
    """The style's setter, kept while the measurer can say what its widths depend on."""
    face = measure_key(measure)
    if face is None:
        return _Setter(size, rules)  # nothing kept
    key = (size, face, rules)
    hit = _SETTERS.get(key)
    if hit is None:
        hit = _SETTERS[key] = _Setter(size, rules)
        if len(_SETTERS) > MAX_SETTERS:
            _SETTERS.popitem(last=False)
    else:
        _SETTERS.move_to_end(key)
    return hit


def atoms_of(text: str, size: float, measure: Measurer, rules: Rules) -> list[Atom]:
    """Split a paragraph into unbreakable atoms with their widths (memoised:
    a headline is broken at many measures while it is fitted)."""
    return list(_setter(size, measure, rules).paragraph(text, measure).atoms)


# -- where a line may end -------------------------------------------------------------------


def _can_break_before(atoms: tuple[Atom, ...], i: int) -> bool:
    """May a line end between atoms[i-1] and atoms[i]?"""
    prev, cur = atoms[i - 1], atoms[i]
    if prev.piece and cur.piece:
        return True
    if cur.no_start or prev.no_end:
        return False
    if prev.space or cur.space:
        return True
    if prev.digit_end and (cur.unit or cur.unit_prefix):
        return False  # 2020|年, 870|余户
    if prev.unit_prefix and cur.unit and i >= 2 and atoms[i - 2].digit_end:
        return False  # 870余|户
    # Between two non-CJK atoms (a word and a following mark, say) only at spaces.
    return prev.wide_last or cur.wide_first


def _last_break(atoms: tuple[Atom, ...], a: int, b: int) -> int | None:
    """The last legal break in (a, b]."""
    for j in range(b, a, -1):
        if _can_break_before(atoms, j):
            return j
    return None


def _hangs(atoms: tuple[Atom, ...], i: int) -> bool:
    """May atoms[i] (i > 0), a mark that does not fit at the end of a full line, hang beyond
    it: a hanging mark alone (never two marks hanging: no mark or space before it, no mark
    after it but an opening one, which starts the next line), with the paragraph's end or
    a legal break after it?"""
    x, prev = atoms[i], atoms[i - 1]
    if not x.hangs or prev.mark or prev.space:
        return False
    if i + 1 == len(atoms):
        return True
    nxt = atoms[i + 1]
    return (not nxt.mark or nxt.opening) and _can_break_before(atoms, i + 1)


# -- filling a line -------------------------------------------------------------------------


def _scan(para: _Para, a: int, b: int, limit: float) -> tuple[int, int, float]:
    """Fill [a, b) from ``a``, one atom at a time, with the scheme's fixed compression,
    until even push-in cannot bring the line within ``limit``: the last end that fits
    at natural width, the last that fits with push-in, and the least width (with push-in)
    of the last end looked at. Leading spaces take no room; a trailing space or a
    line-end mark's half em is not counted."""
    atoms, widths, gaps, simple = para.atoms, para.widths, para.gaps, para.simple
    fit = squeezed = a
    least = width = squeeze = 0.0
    start = a
    while start < b and atoms[start].space:
        start += 1
        if 0.0 > limit:
            return fit, squeezed, 0.0
        squeezed = fit = start
    prev_halved = False  # atom j - 1 gave up half its width to a mark before it
    for j in range(start, b):
        if simple[j]:  # the common case: a character that just adds its width
            width += widths[j]
            least = width - squeeze
            if least > limit:
                break
            squeezed = j + 1
            if width <= limit:
                fit = j + 1
            prev_halved = False
            continue
        x = atoms[j]
        halved = False
        if j > start:
            gap = gaps[j]
            if gap:
                width += gap
                squeeze += gap / 2  # a Han–Latin gap may shrink to ⅛ em
            if x.mark and not prev_halved and atoms[j - 1].mark:  # two marks: one gives up half an em
                prev = atoms[j - 1]
                if prev.closing_half:
                    width -= prev.half
                    squeeze -= prev.half
                elif x.opening_half:
                    halved = True
        if halved:
            width += x.half
        else:
            width += x.width
            if x.halvable:
                squeeze += x.half
        end_half = x.half if (x.closing_half and not halved) else 0.0
        trailing = x.width if x.space else 0.0
        least = width - squeeze - trailing
        if least > limit:
            break
        squeezed = j + 1
        if width - end_half - trailing <= limit:
            fit = j + 1
        prev_halved = halved
    return fit, squeezed, least


def _greedy(
    para: _Para, measures: list[float], setter: _Setter, measure: Measurer, hanging: bool = False
) -> tuple[list[int], _Para]:
    """Line starts (atom indices): fill, then (``hanging``) hang a lone mark that does not
    fit, then push-in, then push-out.

    A word wider than the line (a long URL, say) is split into pieces where it
    stands, so nothing overflows: the paragraph so split is returned with the starts."""
    starts = [0]
    a = 0
    widest = max(measures)
    while True:
        atoms = para.atoms
        n = len(atoms)
        avail = measures[min(len(starts) - 1, len(measures) - 1)]
        fit, squeezed, _ = _scan(para, a, n, avail + EPS)
        if squeezed >= n:
            return starts, para  # the rest fits on this line (with push-in if need be)
        if fit < n and atoms[fit].width > widest + EPS and len(atoms[fit].text) > 1:
            para = _split(para, fit, setter, measure)  # wider than any line: break it where lines end
            continue
        if fit == a:  # the first atom alone is wider than the line
            if len(atoms[a].text) > 1 and squeezed == a:
                para = _split(para, a, setter, measure)
                continue
            fit = max(fit, squeezed, a + 1)
        if hanging and a < squeezed and _hangs(atoms, squeezed):  # the full line keeps the mark
            a = squeezed + 1
            if a >= n:
                return starts, para
            starts.append(a)
            continue
        # Reduce first (clreq): the longest line that fits with push-in, at a legal break;
        # only if there is none does a character move down (push-out).
        b = _last_break(atoms, a, squeezed)
        a = fit if b is None else b  # no legal break on the line: break where it is full
        starts.append(a)


def _split(para: _Para, i: int, setter: _Setter, measure: Measurer) -> _Para:
    """The paragraph with atom ``i``, a Latin run too long for a line, in pieces ending at
    / . - ? & = (a URL's joints), or in single characters when it is already a piece."""
    atom = para.atoms[i]
    pieces = [m.group(0) for m in URL_PIECE.finditer(atom.text)] if not atom.piece else []
    if len(pieces) <= 1:
        pieces = list(atom.text)
    offsets = tuple(accumulate((len(p) for p in pieces[:-1]), initial=para.bounds[i]))
    atoms = (*para.atoms[:i], *(setter.split_piece(p, measure) for p in pieces), *para.atoms[i + 1 :])
    return _Para.of(para.text, atoms, (*para.bounds[:i], *offsets, *para.bounds[i + 1 :]), setter.gap)


def _fits(para: _Para, a: int, b: int, avail: float) -> bool:
    """Does [a, b) fit ``avail`` (with every compression allowed)?"""
    return a >= b or _scan(para, a, b, math.inf)[2] <= avail + EPS


def _fix_lone_last_line(para: _Para, starts: list[int], measures: list[float], hanging: bool = False) -> list[int]:
    """Keep at least two characters on a paragraph's last line (clreq §3.2.2):
    pull characters down from the line above, which must keep two atoms so it
    can still be justified; failing that, re-break the last two lines together
    (``hanging``: never before a mark that may hang, which would then start a line)."""
    atoms = para.atoms
    n = len(atoms)
    if len(starts) < 2 or para.chars(starts[-1], n) >= 2:
        return starts

    def can(b: int) -> bool:
        return _can_break_before(atoms, b) and not (hanging and atoms[b].hangs)

    prev = starts[-2]
    for b in range(starts[-1] - 1, prev + 1, -1):
        if can(b) and para.chars(b, n) >= 2 and _fits(para, b, n, measures[-1]):
            return [*starts[:-1], b]
    if len(starts) < 3:
        return starts
    first = starts[-3]
    avail = measures[min(len(starts) - 2, len(measures) - 1)]
    for b1 in range(prev - 1, first + 1, -1):
        if not can(b1):
            continue
        for b2 in range(n - 1, b1 + 1, -1):
            if can(b2) and para.chars(b2, n) >= 2 and _fits(para, b1, b2, avail) and _fits(para, b2, n, measures[-1]):
                return [*starts[:-2], b1, b2]
    return starts


# -- composing one line ---------------------------------------------------------------------


def _trim(atoms: tuple[Atom, ...], a: int, b: int) -> tuple[int, int]:
    while a < b and atoms[a].space:
        a += 1
    while b > a and atoms[b - 1].space:
        b -= 1
    return a, b


def _halve_pairs(para: _Para, a: int, b: int) -> set[int]:
    """Of each two adjacent marks on [a, b), the one that gives up half its em."""
    atoms = para.atoms
    halves: set[int] = set()
    for i in _between(para.pairs, a, b - 1):
        if i in halves:
            continue
        if atoms[i].closing_half:
            halves.add(i)
        elif atoms[i + 1].opening_half:
            halves.add(i + 1)
    return halves


def _compose(para: _Para, a: int, b: int, avail: float, rules: Rules) -> tuple[set[int], list[float], float]:
    """The halved atoms, the gap after each atom and the natural width of the trimmed line [a, b)."""
    atoms = para.atoms
    halves = _halve_pairs(para, a, b)
    if b > a:
        if atoms[b - 1].closing_half:
            halves.add(b - 1)  # a mark ends the line: half an em
        if atoms[a].opening_half and rules.halve_opening_at_line_start:
            halves.add(a)
    gaps = [*para.gaps[a + 1 : b], 0.0] if b > a else []
    width = sum(_drawn(para, a, b, halves)) + sum(gaps)
    if width > avail + EPS:  # push-in: marks give up half their width and gaps shrink, by priority
        width = _push_in(para, a, b, avail, rules, halves, gaps, width)
    return halves, gaps, width


def _drawn(para: _Para, a: int, b: int, halves: set[int]) -> tuple[float, ...] | list[float]:
    """The widths of atoms [a, b) as drawn (halved or not)."""
    if not halves:
        return para.widths[a:b]
    widths = list(para.widths[a:b])
    for i in halves:
        widths[i - a] = para.atoms[i].half
    return widths


def _push_in(
    para: _Para, a: int, b: int, avail: float, rules: Rules, halves: set[int], gaps: list[float], width: float
) -> float:
    """Marks give up half their width, from the line's end, by priority (``halves`` and
    ``gaps`` are changed in place); before 。？！, Han–Latin gaps shrink to ⅛ em. The width left.
    Atoms that cannot be halved and gaps of nothing are passed over: they change nothing."""
    atoms = para.atoms
    for step, group in enumerate(rules.push_in_priority):
        if step == len(rules.push_in_priority) - 1:
            for j in _between(para.gapped, a + 1, b):
                if width <= avail + EPS:
                    break
                k = j - a - 1  # the gap after atom j - 1
                width -= gaps[k] / 2
                gaps[k] /= 2
        for i in reversed(_between(para.halvable, a, b)):
            if width <= avail + EPS:
                break
            if i not in halves and atoms[i].text in group:
                halves.add(i)
                width -= atoms[i].half
    return width


def _runs(para: _Para, a: int, b: int, halves: set[int], gaps: list[float], extra: float) -> tuple[Run, ...]:
    """Runs of a line: atoms at their positions, ``extra`` added in every gap.
    Single characters share a run (drawn with ``extra`` as character spacing)
    while the space between them is just ``extra``; a wider gap (Han–Latin),
    a multi-character atom or a change to the half-width font starts a new run.
    Each atom stands where the ones before it end (drawn width, gap, ``extra``),
    added up from the line's start."""
    if b <= a:
        return ()
    text, bounds = para.text, para.bounds
    widths = _drawn(para, a, b, halves)
    if not halves and para.smooth(a, b):  # one run: only where its last character stands matters
        last = reduce(add, map(add, widths[:-1], repeat(extra)), 0.0)
        return (Run(text[bounds[a] : bounds[b]], 0.0, extra if b - a > 1 else 0.0, last + widths[-1] - 0.0, ""),)
    xs = list(accumulate(map(add, map(add, widths, gaps), repeat(extra)), initial=0.0))
    runs = []
    s = 0
    for e in (*_cuts(para, a, b, halves, gaps), b - a):
        variant = "half" if a + s in halves else para.atoms[a + s].variant
        width = xs[e - 1] + widths[e - 1] - xs[s]
        runs.append(Run(text[bounds[a + s] : bounds[a + e]], xs[s], extra if e - s > 1 else 0.0, width, variant))
        s = e
    return tuple(runs)


def _cuts(para: _Para, a: int, b: int, halves: set[int], gaps: list[float]) -> list[int]:
    """Where the runs of the line [a, b) part: k, between its atoms k - 1 and k, unless
    both are single characters drawn from the same font with no gap between them. Only
    next to a halved or rough atom, or at a gap, can they part."""
    atoms = para.atoms
    places = {j - a for j in _between(para.gapped, a + 1, b)}
    for i in (*halves, *_between(para.rough, a, b)):
        places.add(i - a)
        places.add(i + 1 - a)
    cuts = []
    for k in sorted(places):
        if 0 < k < b - a:
            x, y = atoms[a + k - 1], atoms[a + k]
            variants = ("half" if a + k - 1 in halves else x.variant, "half" if a + k in halves else y.variant)
            if not (x.single and y.single and variants[0] == variants[1] and abs(gaps[k - 1]) < EPS):
                cuts.append(k)
    return cuts


def _line(
    para: _Para, a0: int, b0: int, indent: float, measure: float, rules: Rules, stretch: bool, hanging: bool = False
) -> Line:
    """The line of atoms [a0, b0) set to ``measure`` (``stretch``: justified, unless it is
    one atom or already full; ``hanging``: a lone hanging mark ending a line it overfills
    hangs beyond the measure, ``_hung``)."""
    atoms, bounds = para.atoms, para.bounds
    a, b = _trim(atoms, a0, b0)
    avail = measure - indent
    halves, gaps, natural = _compose(para, a, b, avail, rules)
    if hanging and natural > avail + EPS and b - a > 1 and atoms[b - 1].hangs and not atoms[b - 2].mark:
        return _hung(para, a, b, indent, avail, rules)
    stretch = stretch and b - a > 1 and avail - EPS > natural
    extra = (avail - natural) / (b - a - 1) if stretch else 0.0
    edge = bounds[min(a, len(atoms) - 1)]  # an empty line stands where its spaces began
    return Line(
        start=bounds[a] if a < b else edge,
        end=bounds[b] if b > a else edge,
        indent=indent,
        measure=avail,
        natural=natural,
        justified=stretch,
        runs=_runs(para, a, b, halves, gaps, extra),
    )


def _hung(para: _Para, a: int, b: int, indent: float, avail: float, rules: Rules) -> Line:
    """The full line [a, b - 1) justified to ``avail`` as it would stand without the mark
    atoms[b - 1], which hangs beyond it: a run of its own from ``avail`` (or from where the
    line ends, if that is later), as wide as a line end sets it (half an em where the scheme
    halves it there). The line's natural width is the measure plus the mark."""
    halves, gaps, natural = _compose(para, a, b - 1, avail, rules)
    stretch = b - 1 - a > 1 and avail - EPS > natural
    extra = (avail - natural) / (b - a - 2) if stretch else 0.0
    runs = _runs(para, a, b - 1, halves, gaps, extra)
    mark = para.atoms[b - 1]
    x = max(avail, runs[-1].x + runs[-1].width)
    width, variant = (mark.half, "half") if mark.closing_half else (mark.width, mark.variant)
    return Line(
        start=para.bounds[a],
        end=para.bounds[b],
        indent=indent,
        measure=avail,
        natural=x + width,
        justified=stretch,
        runs=(*runs, Run(mark.text, x, 0.0, width, variant)),
    )


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
    setter = _setter(size, metrics, rules)
    para = setter.paragraph(text, metrics)
    if not para.atoms:
        return ()
    measures = [measure - indent, measure]
    hanging = justify and bool(rules.hanging)  # a line set ragged never hangs a mark
    starts, para = _greedy(para, measures, setter, metrics, hanging)
    starts = _fix_lone_last_line(para, starts, measures, hanging)
    ends = [*starts[1:], len(para.atoms)]
    last = len(starts) - 1
    return tuple(
        _line(para, a, b, indent if k == 0 else 0.0, measure, rules, justify and (k < last or justify_last), hanging)
        for k, (a, b) in enumerate(zip(starts, ends))
    )


# -- lines memoised across renders ------------------------------------------------------------

MAX_BROKEN = 8192  # paragraphs (at a measure, size and face) kept, least recently used first out
_BROKEN: OrderedDict[tuple, tuple[Line, ...]] = OrderedDict()
_BROKEN_STATS = {"broken": 0}


def broken_lines(
    text: str,
    *,
    size: float,
    measure: float,
    metrics: Measurer,
    rules: Rules,
    indent: float = 0.0,
    justify: bool = True,
) -> tuple[Line, ...]:
    """``break_paragraph``, memoised by value: one cache per paragraph, measure and style
    (size, the face's metrics, the rules, indent and justification), shared by every
    render in the process. Lines are values, so a hit is the same as breaking again."""
    face = measure_key(metrics)
    if face is None:
        return break_paragraph(
            text, size=size, measure=measure, metrics=metrics, rules=rules, indent=indent, justify=justify
        )
    key = (text, size, measure, indent, justify, face, rules)
    hit = _BROKEN.get(key)
    if hit is not None:
        _BROKEN.move_to_end(key)
        return hit
    _BROKEN_STATS["broken"] += 1
    lines = _BROKEN[key] = break_paragraph(
        text, size=size, measure=measure, metrics=metrics, rules=rules, indent=indent, justify=justify
    )
    if len(_BROKEN) > MAX_BROKEN:
        _BROKEN.popitem(last=False)
    return lines


def cache_stats() -> dict[str, int]:
    """Paragraphs broken (cache misses) since the last ``clear_cache()``."""
    return dict(_BROKEN_STATS)


def clear_cache() -> None:
    """Forget every paragraph broken, every paragraph's atoms and every atom made."""
    _BROKEN.clear()
    _SETTERS.clear()
    _BROKEN_STATS["broken"] = 0
