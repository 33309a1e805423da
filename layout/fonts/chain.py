"""A face with fallbacks (stage 1 helper).

Input: the face a role names and the style's other faces, in a fixed order.
Output: a ``FaceChain`` that measures each character with the first face that
has it and says which face that is, so a rare character missing from a
headline or Kai face is set from another bundled face instead of failing.
Punctuation compression and zh-Hant centring follow the primary face.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.fonts.metrics import FontFace


@dataclass(frozen=True)
class FaceChain:
    """A role's face and the faces that set what it lacks, in order."""

    primary: FontFace
    fallbacks: tuple[FontFace, ...] = ()

    @property
    def key(self) -> str:
        return self.primary.key

    @property
    def cache_key(self) -> tuple:
        return (self.primary.cache_key, tuple(f.cache_key for f in self.fallbacks))

    def face_for(self, ch: str) -> FontFace | None:
        """The first face of the chain that has ``ch`` (None: no face has it)."""
        if self.primary.has(ch):
            return self.primary
        return next((f for f in self.fallbacks if f.has(ch)), None)

    def has(self, ch: str) -> bool:
        return self.face_for(ch) is not None

    def width(self, text: str, size: float) -> float:
        if all(self.primary.has(c) or c.isspace() for c in text):
            return self.primary.width(text, size)
        total = 0.0
        for c in text:
            face = self.face_for(c) or self.primary
            total += face.width(c, size)
        return total

    def can_halve(self, ch: str) -> bool:
        return self.primary.can_halve(ch)

    def can_centre(self, ch: str) -> bool:
        return self.primary.can_centre(ch)
