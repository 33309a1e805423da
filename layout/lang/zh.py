"""Chinese composition rules as data (no layout code here).

Tables implement W3C clreq (https://www.w3.org/TR/clreq/) and GB/T 15834—2011
as summarised in ../shared/reference/newspaper.md §2. The line breaker only
asks ``rules_for(lang, level)``; it never names a character itself.
"""

from __future__ import annotations

from dataclasses import dataclass

# clreq §3.1.7 "Prohibition rules for line start and line end", basic level:
# pause/stop marks, closing quotes and brackets, connectors, interpuncts.
NO_START_BASIC = frozenset(
    "、，．。：；！？‼⁇"  # pause and stop marks
    "”’」』"  # closing quotation marks
    "）］｝〕〗】》〉"  # closing brackets
    "–—～"  # connector marks (a lone — is the long connector)
    "·・‧"  # interpuncts
    ",.;:!?)]}%"  # their ASCII forms, in case normalisation is off
)
# Opening quotation marks and brackets (clreq §3.1.7, basic level).
NO_END_BASIC = frozenset("“‘「『（［｛〔〖【《〈([{")

# clreq GB-style level adds the solidus to the no-end set.
NO_END_GB = NO_END_BASIC | frozenset("/／")
# clreq strict level adds the two-em dash and the ellipsis to the no-start set.
NO_START_STRICT = NO_START_BASIC | frozenset("⸺…⋯")

# clreq §3.1.8 "Prohibition rules for unbreakable marks": —— and …… are one
# two-em unit and never split.
UNBREAKABLE_PAIRS = frozenset({"——", "……", "⋯⋯"})

# Punctuation that sits on the character grid as a full-width mark.
CJK_PUNCTUATION = frozenset("、，．。：；！？‼⁇“”‘’「」『』（）［］｛｝〔〕〖〗【】《》〈〉—…⋯～·・‧／")


@dataclass(frozen=True)
class Rules:
    """The line-breaking rules of one language and strictness level."""

    lang: str
    level: str
    no_start: frozenset[str]
    no_end: frozenset[str]
    unbreakable_pairs: frozenset[str]
    punctuation: frozenset[str]


LEVELS = {
    "basic": (NO_START_BASIC, NO_END_BASIC),
    "gb": (NO_START_BASIC, NO_END_GB),
    "strict": (NO_START_STRICT, NO_END_GB),
}


def rules_for(lang: str = "zh-Hans", level: str = "basic") -> Rules:
    """Rules for ``lang`` at a clreq strictness level (basic, gb, strict)."""
    no_start, no_end = LEVELS[level]
    return Rules(lang, level, no_start, no_end, UNBREAKABLE_PAIRS, CJK_PUNCTUATION)


def is_han(ch: str) -> bool:
    """A CJK ideograph (any block, BMP or supplementary) or 〇."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x3FFFF
        or 0xF900 <= cp <= 0xFAFF
        or cp == 0x3007
    )


def is_wide(ch: str) -> bool:
    """A character set on the CJK grid: ideographs, kana, CJK and full-width marks."""
    cp = ord(ch)
    return is_han(ch) or 0x3000 <= cp <= 0x30FF or 0xFF01 <= cp <= 0xFF60 or ch in CJK_PUNCTUATION
