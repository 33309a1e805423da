"""Column flow on the baseline grid (stage 2).

Input: a sequence of lines and the column slots of a module (each slot: a
column and a run of grid rows). Output: where each line goes, and the lines
that did not fit (overset). Balancing is integer arithmetic on line counts:
on a grid there is nothing to re-lay out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Slot:
    column: int  # module column (0-based)
    first_row: int  # grid row of the slot's first line
    rows: int  # how many lines fit


@dataclass(frozen=True)
class Placed:
    column: int
    row: int
    index: int  # index of the line in the input sequence


def capacity(slots: Sequence[Slot]) -> int:
    return sum(s.rows for s in slots)


def fill(n_lines: int, slots: Sequence[Slot]) -> tuple[list[Placed], int]:
    """Fill slots in order, column by column; returns placements and the count left over."""
    placed: list[Placed] = []
    i = 0
    for slot in slots:
        for r in range(slot.rows):
            if i >= n_lines:
                return placed, 0
            placed.append(Placed(slot.column, slot.first_row + r, i))
            i += 1
    return placed, n_lines - i


def balanced_slots(n_lines: int, lost: Sequence[int], height: int) -> list[Slot]:
    """Slots for ``n_lines`` in columns ``height`` rows tall, column c starting
    below ``lost[c]`` rows (a photo block), with the column ends balanced: every
    column holding text ends on the same row or one row higher (the rightmost
    ones), the way a newspaper module ends. When the lines fill the columns
    (or more), every column runs to ``height``."""
    full = [Slot(c, lo, max(0, height - lo)) for c, lo in enumerate(lost)]
    if n_lines >= capacity(full):
        return full
    end = balanced_end(n_lines, lost)
    surplus = sum(max(0, end - lo) for lo in lost) - n_lines
    slots = [Slot(c, lo, max(0, end - lo)) for c, lo in enumerate(lost)]
    # take the surplus from the rightmost columns holding text: they end one row higher
    for c in reversed(range(len(slots))):
        if surplus == 0:
            break
        if slots[c].rows > 0:
            slots[c] = Slot(c, slots[c].first_row, slots[c].rows - 1)
            surplus -= 1
    return slots


def balanced_end(n_lines: int, lost: Sequence[int]) -> int:
    """The lowest row at which columns starting below ``lost[c]`` rows hold ``n_lines``
    when every column holding text ends there."""
    levels = sorted(set(lost))
    if n_lines <= 0:
        return levels[0]
    below = 0  # columns open at this level, and the rows they lost
    lost_rows = 0
    for i, level in enumerate(levels):
        opened = [lo for lo in lost if lo == level]
        below += len(opened)
        lost_rows += level * len(opened)
        end = -(-(n_lines + lost_rows) // below)  # every open column ends at ``end``
        if i + 1 == len(levels) or end <= levels[i + 1]:
            return end
    raise AssertionError("unreachable: the last level always returns")


def balanced_rows(n_lines: int, columns: int, lost: Sequence[int]) -> int:
    """Smallest column height (rows), at least ``max(lost)``, holding ``n_lines``
    when column c loses ``lost[c]`` rows to a photo block."""
    if not lost:
        return 0
    # at h >= max(lost) every column holds h - lost[c] lines
    return max(max(lost), -(-(n_lines + sum(lost)) // len(lost)))
