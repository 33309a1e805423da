"""Plane geometry for reviewers' marks (review stage): what a shape or a pen stroke covers.

Input: an annotation's geometry in PDF user space (a rectangle, an ellipse, a
polygon, pen strokes with their width) and boxes (glyph boxes of mapped text
lines, photo, caption and module boxes). Output: the glyph boxes of a map line
(``glyph_boxes``, horizontal or vertical), how much of a box lies inside a
closed shape (``inside_share``, sampled on a grid), and how much of a glyph's
advance a stroke's ink crosses (``StrokeInk.spans``, ``covered_length``).
``comments.py`` turns these into the rules of what an annotation covers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 with x0 <= x1, y0 <= y1
Point = tuple[float, float]
Inside = Callable[[float, float], bool]
SAMPLES = 6  # a box is sampled on SAMPLES × SAMPLES points to measure its share inside a shape


def normal_box(values: Sequence[float]) -> Box:
    x0, y0, x1, y1 = values
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def line_edges(line: dict) -> list[float]:
    """A map line's character edges along the line: ``x`` (left to right) of a horizontal
    line, ``y`` (top to bottom, decreasing) of a vertical one."""
    return line["y"] if line.get("vertical") else line["x"]


def glyph_boxes(line: dict) -> list[Box]:
    """Each character's box (x0, y0, x1, y1) in PDF user space: its advance along the line
    × the line's em box across it (a vertical line's glyph k: [x0, x1] × [y[k+1], y[k]])."""
    x0, y0, x1, y1 = line["box"]
    if line.get("vertical"):
        ys = line["y"]
        return [(x0, ys[k + 1], x1, ys[k]) for k in range(len(ys) - 1)]
    xs = line["x"]
    return [(xs[k], y0, xs[k + 1], y1) for k in range(len(xs) - 1)]


def bbox(points: Sequence[Point]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def in_rect(box: Box) -> Inside:
    x0, y0, x1, y1 = box
    return lambda x, y: x0 <= x <= x1 and y0 <= y <= y1


def in_ellipse(box: Box) -> Inside:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    a, b = max((box[2] - box[0]) / 2, 1e-6), max((box[3] - box[1]) / 2, 1e-6)
    return lambda x, y: ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1.0


def in_polygon(points: Sequence[Point]) -> Inside:
    """Even-odd rule; the polygon is closed from its last point to its first."""
    pts = list(points)

    def inside(x: float, y: float) -> bool:
        hit = False
        for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                hit = not hit
        return hit

    return inside


def inside_share(inside: Inside, box: Box) -> float:
    """The share (0–1) of ``box`` inside a shape, sampled at the centres of a grid of cells."""
    x0, y0, x1, y1 = box
    w, h = (x1 - x0) / SAMPLES, (y1 - y0) / SAMPLES
    hits = sum(inside(x0 + (i + 0.5) * w, y0 + (j + 0.5) * h) for i in range(SAMPLES) for j in range(SAMPLES))
    return hits / (SAMPLES * SAMPLES)


def is_loop(points: Sequence[Point], width: float) -> bool:
    """A stroke that ends near where it started and encloses an area: a loop drawn round something."""
    if len(points) < 4:
        return False
    x0, y0, x1, y1 = bbox(points)
    size = max(x1 - x0, y1 - y0)
    if min(x1 - x0, y1 - y0) < 3 * max(width, 1.0):
        return False
    gap = math.dist(points[0], points[-1])
    return gap <= max(0.2 * size, 2 * width)


class StrokeInk:
    """The ink of open strokes (a pen line, a highlighter stroke): each segment sampled
    every half point as a disc of the stroke's half width."""

    def __init__(self, strokes: Sequence[Sequence[Point]], width: float) -> None:
        self.radius = max(width, 0.5) / 2
        self.discs: list[Point] = []
        for stroke in strokes:
            for a, b in zip(stroke, stroke[1:] or stroke):
                steps = max(1, math.ceil(math.dist(a, b) / 0.5))
                self.discs += [
                    (a[0] + (b[0] - a[0]) * t / steps, a[1] + (b[1] - a[1]) * t / steps) for t in range(steps + 1)
                ]
        r = self.radius
        self.box = (
            min(p[0] for p in self.discs) - r,
            min(p[1] for p in self.discs) - r,
            max(p[0] for p in self.discs) + r,
            max(p[1] for p in self.discs) + r,
        ) if self.discs else (0.0, 0.0, 0.0, 0.0)  # fmt: skip

    def spans(self, y0: float, y1: float, depth: float, vertical: bool = False) -> list[tuple[float, float]]:
        """The x intervals the ink covers in the band y0..y1, counting only discs that reach
        at least ``depth`` into it (or lie wholly inside it), merged. ``vertical``: the band
        is x0..x1 (a vertical line's) and the intervals are in y."""
        r = self.radius
        need = min(depth, 2 * r)
        discs = [(y, x) for x, y in self.discs] if vertical else self.discs
        raw = sorted((x - r, x + r) for x, y in discs if min(y + r, y1) - max(y - r, y0) >= need - 1e-9)
        merged: list[tuple[float, float]] = []
        for a, b in raw:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged


def covered_length(spans: list[tuple[float, float]], x0: float, x1: float) -> float:
    return sum(max(0.0, min(b, x1) - max(a, x0)) for a, b in spans)
