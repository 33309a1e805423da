"""The search remembered: a page searched again with the same answers gets the same arrangement
(page makeup, stage 3; what the watch mode and the makeup policy's repeated steps lean on).

Input: a ``Problem`` and the search to run on it. Output: the search's ``Arrangement``.

The search is a pure function of the problem's values (zone, pins, least areas, booked
blocks …) and of what its two callables answer: ``options(unit, width)`` and
``merged(first, end, width)``. So each search is run with those callables tracked: every
question asked and the answer got (an ``Option`` compares by rows and score, never by the
set text it carries) are remembered beside the arrangement. A later problem with the same
values whose callables give the same answers to the same questions would be searched the
same way, question by question, to the same arrangement (or to none: the same
``NoArrangement``): it is returned without the search, its placements bound to the new
options (which carry the new text). This is exact, not a heuristic — the way Typst's
comemo memoises with tracked arguments — and it is what makes an edit that changes no
module's depth (a word, a figure) cost no search.

Remembered searches live for the process (``MAX_REMEMBERED``, least recently used
first out); ``forget()`` empties them. Results are identical with and without them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from layout.page.arrange import Arrangement, NoArrangement, Option, Placement, Problem

MAX_REMEMBERED = 64  # searches kept: a watch session's recent states of a few pages

Answers = tuple[tuple[tuple[int, ...], tuple[tuple[int, Option], ...]], ...]  # (question, answer) in asking order


@dataclass(frozen=True)
class _Remembered:
    options: Answers  # what options(unit, width) answered
    merged: Answers  # what merged(first, end, width) answered
    arrangement: Arrangement | None  # its options stripped of their set text (only rows and score are kept)
    refusal: str = ""  # or the search found none: its NoArrangement's message


_memory: OrderedDict[tuple, list[_Remembered]] = OrderedDict()
_stats = {"searched": 0, "recalled": 0}

_CALLABLES = ("options", "merged")
_VALUES = tuple(f.name for f in fields(Problem) if f.name not in _CALLABLES)


def forget() -> None:
    """Empty the remembered searches (tests; a long-running process that wants its memory back)."""
    _memory.clear()
    _stats.update(searched=0, recalled=0)


def stats() -> dict[str, int]:
    """Searches run and searches recalled since the last ``forget()``."""
    return dict(_stats)


def recall(problem: Problem, search: Callable[[Problem], Arrangement]) -> Arrangement:
    """``search(problem)``, or the arrangement a remembered search with the same values and
    the same answers found, bound to this problem's options."""
    key = tuple(getattr(problem, name) for name in _VALUES)
    for memo in _memory.get(key, ()):
        if _same_answers(problem, memo):
            _memory.move_to_end(key)
            _stats["recalled"] += 1
            if memo.arrangement is None:
                raise NoArrangement(memo.refusal)
            return _bound(memo.arrangement, problem)
    options: dict[tuple[int, ...], tuple[tuple[int, Option], ...]] = {}
    merged: dict[tuple[int, ...], tuple[tuple[int, Option], ...]] = {}
    tracked = replace(
        problem,
        options=_tracking(problem.options, options),
        merged=_tracking(problem.merged, merged) if problem.merged else None,
    )
    _stats["searched"] += 1
    try:
        found = search(tracked)
    except NoArrangement as none:  # remembered too: the makeup policy asks such searches on every render
        _remember(key, _Remembered(tuple(options.items()), tuple(merged.items()), None, str(none)))
        raise
    _remember(key, _Remembered(tuple(options.items()), tuple(merged.items()), _stripped(found)))
    return found


def _tracking(ask: Callable[..., Mapping[int, Option]], book: dict) -> Callable[..., Mapping[int, Option]]:
    def tracked(*question: int) -> Mapping[int, Option]:
        answer = ask(*question)
        if question not in book:
            book[question] = tuple(answer.items())
        return answer

    return tracked


def _same_answers(problem: Problem, memo: _Remembered) -> bool:
    if memo.merged and problem.merged is None:
        return False
    return all(tuple(problem.options(*q).items()) == a for q, a in memo.options) and all(
        tuple(problem.merged(*q).items()) == a
        for q, a in memo.merged  # type: ignore[misc]
    )


def _remember(key: tuple, memo: _Remembered) -> None:
    _memory.setdefault(key, []).insert(0, memo)
    _memory.move_to_end(key)
    while sum(len(v) for v in _memory.values()) > MAX_REMEMBERED:
        oldest = next(iter(_memory))
        _memory[oldest].pop()
        if not _memory[oldest]:
            del _memory[oldest]


def _stripped(found: Arrangement) -> Arrangement:
    """The arrangement without the set text its options carry (kept small, and never reused)."""
    return replace(
        found,
        placements=tuple(replace(p, option=Option(p.option.rows, p.option.score, None)) for p in found.placements),
    )


def _bound(found: Arrangement, problem: Problem) -> Arrangement:
    """The remembered arrangement with each placement's option taken from ``problem``."""
    return replace(found, placements=tuple(_rebound(p, problem) for p in found.placements))


def _rebound(p: Placement, problem: Problem) -> Placement:
    if p.end and problem.merged is not None:
        fresh = problem.merged(p.unit, p.end, p.span)[p.option.rows]
    else:
        fresh = problem.options(p.unit, p.span)[p.option.rows]
    if fresh != p.option:  # the answers matched, so the option the search chose is there, equal
        raise AssertionError(f"recalled placement {p} has no equal option in the new problem")
    return replace(p, option=fresh)
