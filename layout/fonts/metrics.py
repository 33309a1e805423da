"""Font metrics for measuring text (stage 1 helper).

Input: a prepared font's metrics sidecar (JSON written by
``layout.fonts.prepare``). Output: a ``FontFace`` value that answers "is
this character covered" and "how wide is this text", fast and without
parsing the font itself (fontTools stays out of the per-page path).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from layout.errors import InputError


@dataclass(frozen=True)
class FontFace:
    """One font: where it is, its name and its advances (font units)."""

    key: str
    path: Path
    ps_name: str
    units_per_em: int
    ascent: int
    descent: int
    default_advance: int
    advances: dict[int, int] = field(repr=False)
    range_starts: tuple[int, ...] = field(repr=False)
    range_ends: tuple[int, ...] = field(repr=False)

    def has(self, ch: str) -> bool:
        cp = ord(ch)
        i = bisect_right(self.range_starts, cp) - 1
        return i >= 0 and cp <= self.range_ends[i]

    def advance(self, ch: str) -> float:
        """Advance of one character in em."""
        return self.advances.get(ord(ch), self.default_advance) / self.units_per_em

    def width(self, text: str, size: float) -> float:
        """Natural width of ``text`` at ``size`` points (no kerning)."""
        get = self.advances.get
        d = self.default_advance
        return sum(get(ord(c), d) for c in text) * size / self.units_per_em

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` this face cannot draw, in order, once each."""
        out: list[str] = []
        for ch in text:
            if not ch.isspace() and not self.has(ch) and ch not in out:
                out.append(ch)
        return out


def load_face(key: str, font_path: Path, metrics_path: Path) -> FontFace:
    try:
        data = json.loads(metrics_path.read_text(encoding="utf-8"))
        ranges = data["coverage"]
        return FontFace(
            key=key,
            path=font_path,
            ps_name=data["ps_name"],
            units_per_em=int(data["units_per_em"]),
            ascent=int(data["ascent"]),
            descent=int(data["descent"]),
            default_advance=int(data["default_advance"]),
            advances={int(k): int(v) for k, v in data["advances"].items()},
            range_starts=tuple(r[0] for r in ranges),
            range_ends=tuple(r[1] for r in ranges),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"font metrics unreadable ({exc}); rebuild with fonts/build_fonts.py", file=str(metrics_path)) from None
