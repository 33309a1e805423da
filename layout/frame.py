"""Output model: a page as absolute, positioned items (between makeup and drawing).

Coordinates are points from the top-left corner of the trimmed page, y
downwards; the drawing stage flips them for PDF. Every text item remembers
the YAML field and character offsets it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.inline.breaker import Run


@dataclass(frozen=True)
class TextItem:
    """A line of text: its runs set from ``x`` on ``baseline``, and where it came from.

    A vertical line (``vertical``, 竖排) reads top to bottom: ``x`` is its centre line,
    ``baseline`` the top of its first character's em box, and each run's ``x`` its offset
    down the line from there (its ``width`` the extent down the line). Upright characters
    stand centred on the centre line; rotated Latin lies along it, its baseline to the left.
    """

    x: float  # left edge of the first run
    baseline: float
    font: str  # style font key
    size: float
    runs: tuple[Run, ...]
    role: str
    source: str  # YAML path, e.g. profiles[3].body[2]
    start: int  # character offsets in that field's (normalised) text
    end: int
    vertical: bool = False  # 竖排: see the class's docstring

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def length(self) -> float:
        """From the line's origin to the end of its last glyph, along the line."""
        last = self.runs[-1]
        return last.x + last.width

    @property
    def right(self) -> float:
        """The end of a horizontal line's last glyph (the right edge of a vertical line's em box)."""
        if self.vertical:
            return self.x + self.size / 2
        return self.x + self.length

    def ink_box(self, ascent: float) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1), y downwards: the em boxes of the line's characters, for a face
        whose ideographic em box rises ``ascent`` em above the baseline."""
        if self.vertical:
            return (self.x - self.size / 2, self.baseline, self.x + self.size / 2, self.baseline + self.length)
        top = self.baseline - ascent * self.size
        return (self.x, top, self.x + self.length, top + self.size)


@dataclass(frozen=True)
class RuleItem:
    """A straight rule from (x1, y1) to (x2, y2), ``weight`` points thick."""

    x1: float
    y1: float
    x2: float
    y2: float
    weight: float


@dataclass(frozen=True)
class ImageItem:
    """A photo box: the image cropped to fill it, or a marked placeholder."""

    x: float
    y: float
    width: float
    height: float
    file: Path | None
    label: str


@dataclass(frozen=True)
class MarkItem:
    """A proof mark (an overset warning box); never in a clean page."""

    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class AdItem:
    """A booked block (an ad): its box on the grid and its artwork, drawn inside the box
    scaled to fit without distortion; no artwork: a marked placeholder (drafts, proofs)."""

    x: float
    y: float
    width: float
    height: float
    id: str  # the booking id
    file: Path | None  # a one-page PDF (kept vector) or a JPEG/PNG/TIFF; None: not delivered yet
    label: str  # what a placeholder shows: id and size, e.g. "广告 bank-2024-03 8栏×20行"
    source: str = ""  # its YAML path, e.g. ads[0]


Item = TextItem | RuleItem | ImageItem | MarkItem | AdItem


@dataclass(frozen=True)
class Box:
    """A module's rectangle, for reports and overlap checks."""

    id: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class PageFrame:
    """A set page: its size, every item to draw, the modules' boxes, title and document info."""

    width: float
    height: float
    items: tuple[Item, ...]
    boxes: tuple[Box, ...]
    title: str
    info: dict[str, str] = field(default_factory=dict)
