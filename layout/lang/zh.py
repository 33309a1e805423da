"""Chinese composition rules as data (no layout code here).

Tables implement W3C clreq (https://www.w3.org/TR/clreq/) and GB/T 15834—2011
as summarised in ../shared/reference/newspaper.md §2. The line breaker only
asks ``rules_for(lang, level)``; it never names a character itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from layout.lang.vertical import FULL_ONLY as FULL_IN_VERTICAL  # marks a vertical line never halves

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


# Punctuation compression (标点挤压), clreq §3.1.4 "Punctuation width adjustment"
# and GB/T 15834—2011 §5.1.10. Marks a scheme may set in half an em:
COMPRESSIBLE = frozenset("“‘「『（［｛〔〖【《〈”’」』）］｝〕〗】》〉、，。．：；！？·・‧")
OPENING = frozenset("“‘「『（［｛〔〖【《〈")  # their ink sits in the right half
STOPS_KAIMING = frozenset("。？！")  # 开明: these keep their full width everywhere
SCHEMES = {
    # mainland (default): a mark at a line end takes ½ em; two adjacent marks take 1.5 em;
    # marks inside a line may give up ½ em to keep a mark on the line (push-in).
    "mainland": COMPRESSIBLE,
    # 开明 (kaiming): as mainland, but 。？！ are always one em.
    "kaiming": COMPRESSIBLE - STOPS_KAIMING,
    # 全角 (quanjiao): every mark one em.
    "quanjiao": frozenset(),
}
# Order in which marks inside a line give up half their width for push-in
# (clreq §3.1.6 reduction priority: brackets and quotes, then 、，；：, then 。？！).
PUSH_IN_PRIORITY = ("“‘「『（［｛〔〖【《〈”’」』）］｝〕〗】》〉·・‧", "、，；：．", "。？！")

# A number keeps its unit (clreq §3.1.8; GB/T 15835): 2020年, 870余户, 4×100米.
UNIT_PREFIXES = frozenset("余多")
UNITS = frozenset(
    "年月日时分秒岁周天点号届期次个名位人户家所座栋层间套件条项篇份张页块株棵辆台架艘处段"
    "元角万亿千百吨斤克米里亩度倍成%％‰℃"
)
# Taiwan and Hong Kong centre the pause and stop marks in the em box (clreq §3.1.2).
CENTRED_HANT = frozenset("、，。．：；！？")
# zh-Hant quotation marks: corner brackets, double ones inside (clreq §3.1.1).
HANT_QUOTES = {"“": "「", "”": "」", "‘": "『", "’": "』"}
LATIN_GAP_EM = 0.25  # space between Han and Latin letters or digits (clreq §3.2.1)

# Vertical writing (竖排): a number of at most TCY_MAX of these digits standing alone (not
# part of a longer Latin run, no Latin letter or digit beside it across spaces) is set
# upright, side by side in one em (縱中橫, tate-chu-yoko: clreq §3.3, jlreq §3.4.3);
# longer numbers and Latin words are rotated as a whole.
TCY_DIGITS = frozenset("0123456789")
TCY_MAX = 4

# Hanging punctuation (句末點號懸掛; clreq, in newspaper.md §2.7): a pause or stop mark
# that does not fit at the end of a full line stays on it, set beyond the measure, instead
# of starting the next line. Most Chinese publications do not hang; Traditional Chinese
# does so only in vertical text, and only these marks, never two marks together. The
# language says which marks hang (``Rules.hanging``), the page how far past a line's end
# one may reach (``Rules.hang_room``: a vertical page's band gutter).
HANGING_MARKS = frozenset("、，。．")
# What a style may ask (composition.hanging): "auto": zh-Hant vertical lines hang (zh-Hans
# pages compress instead); "none": no line hangs; "pause-stop": every vertical line hangs.
HANGING = ("auto", "none", "pause-stop")


@dataclass(frozen=True)
class Rules:
    """The composition rules of one language: strictness level and punctuation scheme."""

    lang: str
    level: str
    no_start: frozenset[str]
    no_end: frozenset[str]
    unbreakable_pairs: frozenset[str]
    punctuation: frozenset[str]
    scheme: str = "mainland"
    compressible: frozenset[str] = COMPRESSIBLE
    opening: frozenset[str] = OPENING
    push_in_priority: tuple[str, ...] = PUSH_IN_PRIORITY
    halve_opening_at_line_start: bool = False
    unit_prefixes: frozenset[str] = UNIT_PREFIXES
    units: frozenset[str] = UNITS
    latin_gap_em: float = LATIN_GAP_EM
    centred_marks: frozenset[str] = frozenset()  # drawn centred in the em box (zh-Hant)
    # A two-em dash or ellipsis (——, ……) may start a line except at the strict level;
    # a lone — is the long connector and may not (newspaper.md §2.1 note, clreq).
    pair_no_start: frozenset[str] = frozenset()
    # 竖排: lines run top to bottom; numbers of 1 to ``tcy_max`` ``tcy_digits`` standing
    # alone are one upright em (tate-chu-yoko). Everything else is set as horizontally.
    vertical: bool = False
    tcy_digits: frozenset[str] = TCY_DIGITS
    tcy_max: int = TCY_MAX
    # Marks that may hang beyond the end of a full line (only vertical rules have any), the
    # style's choice that ``turned`` reads (``HANGING``), and the room past a line's end a
    # hung mark may take, in points (0: none, nothing hangs; a vertical page: its gutter).
    hanging: frozenset[str] = frozenset()
    hanging_mode: str = "auto"
    hang_room: float = 0.0

    def turned(self, hang_room: float | None = None) -> Rules:
        """The same rules for vertical lines: short numbers upright, no compression of the
        marks whose vertical form needs its whole em (！？ stand upright, tall along the line),
        and 、，。． hanging where ``hanging_mode`` asks for it (auto: zh-Hant), into
        ``hang_room`` points past a line's end (None: as before)."""
        hangs = self.hanging_mode == "pause-stop" or (self.hanging_mode == "auto" and self.lang == "zh-Hant")
        return replace(
            self,
            vertical=True,
            compressible=self.compressible - FULL_IN_VERTICAL,
            hanging=HANGING_MARKS if hangs else frozenset(),
            hang_room=self.hang_room if hang_room is None else hang_room,
        )


LEVELS = {
    # clreq's "none": Taiwan and Hong Kong newspapers apply no prohibition rules.
    "none": (frozenset(), frozenset()),
    "basic": (NO_START_BASIC, NO_END_BASIC),
    "gb": (NO_START_BASIC, NO_END_GB),
    "strict": (NO_START_STRICT, NO_END_GB),
}
# Traditional Chinese: corner brackets for quotations, no compression (Taiwan and Hong
# Kong set marks full width, centred) and, as their newspapers do, no prohibition
# rules (clreq §3.1.7 level "none"); a style may ask for basic, gb or strict instead.
DEFAULTS = {"zh-Hans": ("basic", "mainland"), "zh-Hant": ("none", "quanjiao")}
# The jump lines' words (（下转第N版）, （上接第N版）) in each script, where they differ.
JUMP_WORDS = {"zh-Hant": {"下转": "下轉"}}


def rules_for(
    lang: str = "zh-Hans",
    level: str | None = None,
    scheme: str | None = None,
    *,
    halve_opening_at_line_start: bool = False,
    vertical: bool = False,
    hanging: str | None = None,
    hang_room: float = 0.0,
) -> Rules:
    """Rules for ``lang`` at a clreq strictness level (none, basic, gb, strict) and a
    punctuation scheme (mainland, kaiming, quanjiao); defaults by language. ``vertical``:
    for lines set top to bottom (竖排). ``hanging`` (auto, none, pause-stop): which
    vertical lines hang 、，。． beyond their end (``Rules.turned``; horizontal lines never
    do), into ``hang_room`` points past it (a page's gutter; 0: nothing hangs)."""
    default_level, default_scheme = DEFAULTS.get(lang, DEFAULTS["zh-Hans"])
    level = level or default_level
    scheme = scheme or default_scheme
    if level not in LEVELS:
        raise ValueError(f"unknown prohibition level '{level}' (use {', '.join(LEVELS)})")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown punctuation scheme '{scheme}' (use {', '.join(SCHEMES)})")
    hanging = hanging or "auto"
    if hanging not in HANGING:
        raise ValueError(f"unknown hanging '{hanging}' (use {', '.join(HANGING)})")
    no_start, no_end = LEVELS[level]
    rules = Rules(
        lang,
        level,
        no_start,
        no_end,
        UNBREAKABLE_PAIRS,
        CJK_PUNCTUATION,
        scheme,
        SCHEMES[scheme],
        halve_opening_at_line_start=halve_opening_at_line_start,
        centred_marks=CENTRED_HANT if lang == "zh-Hant" else frozenset(),
        pair_no_start=frozenset("—…⋯") if level == "strict" else frozenset(),
        hanging_mode=hanging,
        hang_room=hang_room,
    )
    return rules.turned() if vertical else rules


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


# is_han and is_wide as code point ranges, for a regular expression's character class
# (tests check wide_class against is_wide at every code point).
HAN_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x3FFFF), (0xF900, 0xFAFF), (0x3007, 0x3007))
WIDE_RANGES = (*HAN_RANGES, (0x3000, 0x30FF), (0xFF01, 0xFF60))


def wide_class() -> str:
    """The body of a character class (``[...]``) that matches exactly what ``is_wide`` accepts."""
    ranges = "".join(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}" for lo, hi in WIDE_RANGES)
    return ranges + "".join(re.escape(c) for c in sorted(CJK_PUNCTUATION))
