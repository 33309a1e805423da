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


def balanced_rows(n_lines: int, columns: int, lost: Sequence[int]) -> int:
    """Smallest column height (rows), at least ``max(lost)``, holding ``n_lines``
    when column c loses ``lost[c]`` rows to a photo block."""
    if not lost:
        return 0
    # at h >= max(lost) every column holds h - lost[c] lines
    return max(max(lost), -(-(n_lines + sum(lost)) // len(lost)))
