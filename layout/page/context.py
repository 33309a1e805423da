"""What every makeup step needs: style, font faces, language rules (stage 3 helper)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from layout.fonts.chain import FaceChain
from layout.fonts.metrics import FontFace
from layout.inline.breaker import Line, broken_lines
from layout.lang.zh import Rules
from layout.model.style import Role, Style

ASCENT = 0.88  # ideographic em box top above the baseline, in em (Noto, Source Han)


@dataclass(frozen=True)
class Context:
    style: Style
    faces: dict[str, FontFace]
    rules: Rules
    # line-breaking results and faces of this context (the lines themselves are also kept
    # across contexts and renders, by value: breaker.broken_lines)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def role(self, name: str) -> Role:
        return self.style.roles[name]

    def face(self, role: str) -> FaceChain:
        """The role's face, falling back on the style's other faces for characters it lacks."""
        key = self.style.roles[role].font
        chain = self.memo.get(("chain", key))
        if chain is None:
            others = tuple(f for k, f in self.faces.items() if k != key)
            chain = self.memo[("chain", key)] = FaceChain(self.faces[key], others)
        return chain

    @property
    def leading(self) -> float:
        return self.style.leading

    def rows_for(self, height: float) -> int:
        """Grid rows needed for a block ``height`` points tall (the block's own
        trailing line gap included, so the next text returns to the grid)."""
        gap = self.style.leading - self.style.body_size
        return max(1, math.ceil((height + gap) / self.style.leading - 1e-6))

    def lines(
        self,
        text: str,
        role: str,
        measure: float,
        *,
        size: float | None = None,
        indent: float = 0.0,
        justify: bool = True,
    ) -> tuple[Line, ...]:
        key = (text, role, measure, size, indent, justify)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        r = self.role(role)
        self.memo[key] = lines = broken_lines(
            text,
            size=size or r.size,
            measure=measure,
            metrics=self.face(role),
            rules=self.rules,
            indent=indent,
            justify=justify,
        )
        return lines
