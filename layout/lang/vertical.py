"""Vertical orientation of characters (竖排) as data: how each character is drawn in a vertical line.

Input: a character and the page's language ("zh-Hans" or "zh-Hant"). Output: its orientation class
and the character whose glyph draws it. Used by ``layout.fonts.vertical`` (the vertical cuts);
no logic here beyond lookups.

The classes follow UAX #50 (Vertical_Orientation: U, Tu and Tr stand upright, R lies rotated),
with the vertical forms of clreq §3 and GB/T 15834—2011 for the marks:

- ``UPRIGHT``: stands upright, its em box centred on the line (Han, kana, full-width forms, ①, ※);
- ``ROTATED``: turned 90° clockwise with the line, its em box centred across it, baseline to the
  left (Latin, digits, Greek, Cyrillic, most symbols);
- ``ROTATED_INK``: turned with the line, its ink centred across it, along the line where the
  horizontal glyph has it (brackets, quotes, dashes, ellipses, wave dashes; the vertical forms
  ︵︶﹁﹂︱︙ are these glyphs turned);
- ``ROTATED_CENTRED``: turned with the line, its ink centred both ways (：；, the forms ︓︔);
- ``CORNER``: upright, its ink moved from the lower left to the upper right quadrant
  (zh-Hans 、。，．: mainland vertical text, clreq §3.1.2);
- ``CENTRED``: upright, its ink centred in the em box (！？; zh-Hant 、。，．, as Taiwan and
  Hong Kong set them).

zh-Hans vertical text quotes with corner brackets (GB/T 15834—2011: ﹃﹄ for “”, ﹁﹂ for ‘’):
``drawn_as`` names the bracket whose glyph draws a quote; the character itself stays in the text.
"""

from __future__ import annotations

from bisect import bisect_right

UPRIGHT = "upright"
ROTATED = "rotated"
ROTATED_INK = "rotated-ink"
ROTATED_CENTRED = "rotated-centred"
CORNER = "corner"
CENTRED = "centred"

LANGS = ("zh-Hans", "zh-Hant")

# Marks whose vertical form depends on the language.
MARKS: dict[str, dict[str, str]] = {
    "zh-Hans": {
        "、": CORNER,
        "。": CORNER,
        "，": CORNER,
        "．": CORNER,
        "！": CENTRED,
        "？": CENTRED,
        "：": CENTRED,
        "；": CENTRED,
    },
    "zh-Hant": {
        "、": CENTRED,
        "。": CENTRED,
        "，": CENTRED,
        "．": CENTRED,
        "！": CENTRED,
        "？": CENTRED,
        "：": CENTRED,
        "；": CENTRED,
    },
}

# Marks that stand upright and tall along the line: their vertical forms cannot be set in half an
# em (horizontally narrow, they can: a vertical line must not compress them). Chinese colons and
# semicolons stand upright in vertical text, unlike Japanese ones (clreq: "vertical-mode colons
# etc.: always 1 em"; w3c/clreq#259, #295).
FULL_ONLY = frozenset("！？‼⁇⁈⁉：；")

# Glyph substitutions: the character whose glyph draws a character in vertical text.
DRAWN_AS: dict[str, dict[str, str]] = {
    "zh-Hans": {"“": "『", "”": "』", "‘": "「", "’": "」"},
    "zh-Hant": {},
}

# Turned with the line, their ink centred across it (UAX #50 R and Tr of brackets, quotes,
# dashes, ellipses and wave dashes; the interpuncts, whose vertical form is the same dot).
ROTATED_INK_CHARS = frozenset("「」『』（）《》〈〉【】〔〕〖〗〘〙〚〛［］｛｝｟｠“”‘’〝〞〟—―‒–‐⸺⸻…‥⋯～〜〰－ー·")

# UAX #50 upright (U, Tu, Tr) code point ranges, inclusive, sorted; everything else is rotated.
UPRIGHT_RANGES: tuple[tuple[int, int], ...] = (
    (0x00A7, 0x00A7),  # §
    (0x00A9, 0x00A9),  # ©
    (0x00AE, 0x00AE),  # ®
    (0x00B1, 0x00B1),  # ±
    (0x00BC, 0x00BE),  # ¼ ½ ¾
    (0x00D7, 0x00D7),  # ×
    (0x00F7, 0x00F7),  # ÷
    (0x02EA, 0x02EB),  # bopomofo tone marks
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2016, 0x2016),  # ‖
    (0x2020, 0x2021),  # † ‡
    (0x2030, 0x2031),  # ‰ ‱
    (0x203B, 0x203D),  # ※ ‼ ‽
    (0x2042, 0x2042),  # ⁂
    (0x2047, 0x2049),  # ⁇ ⁈ ⁉
    (0x2051, 0x2051),  # ⁑
    (0x2100, 0x2101),  # letterlike symbols (℃, №, ℡ …), number forms (Ⅻ)
    (0x2103, 0x2109),
    (0x210F, 0x210F),
    (0x2113, 0x2114),
    (0x2116, 0x2117),
    (0x211E, 0x2123),
    (0x2125, 0x2125),
    (0x2127, 0x2127),
    (0x2129, 0x2129),
    (0x212E, 0x212E),
    (0x2135, 0x213F),
    (0x2145, 0x214A),
    (0x214C, 0x214D),
    (0x214F, 0x2189),
    (0x218C, 0x218F),
    (0x221E, 0x221E),  # ∞
    (0x2234, 0x2235),  # ∴ ∵
    (0x2300, 0x2307),  # technical symbols
    (0x230C, 0x231F),
    (0x2322, 0x237B),
    (0x237D, 0x239A),
    (0x23BE, 0x23CD),
    (0x23CF, 0x23CF),
    (0x23D1, 0x23DB),
    (0x23E2, 0x2422),
    (0x2424, 0x24FF),  # control pictures, OCR, enclosed alphanumerics (①)
    (0x25A0, 0x2619),  # geometric shapes, miscellaneous symbols (■ ▲ ★ ☆)
    (0x2620, 0x2767),
    (0x2776, 0x2793),  # dingbat circled digits
    (0x2B12, 0x2B2F),
    (0x2B50, 0x2B59),
    (0x2BB8, 0x2BFF),
    (0x2E80, 0x3007),  # CJK radicals, ideographic description, CJK symbols (、。 are MARKS)
    (0x3012, 0x3013),  # 〒 〓
    (0x3020, 0x302F),
    (0x3031, 0x309F),  # kana
    (0x30A1, 0x30FB),
    (0x30FD, 0xA4CF),  # bopomofo, enclosed CJK (㈠), CJK compatibility (㎡), Han, Yi
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),  # Hangul
    (0xE000, 0xFAFF),  # private use, CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFE50, 0xFE6F),  # small form variants
    (0xFF01, 0xFF07),  # full-width forms (the brackets and － are ROTATED_INK)
    (0xFF0A, 0xFF0B),
    (0xFF0F, 0xFF19),
    (0xFF1F, 0xFF3A),
    (0xFF3C, 0xFF3C),
    (0xFF3E, 0xFF3E),
    (0xFF40, 0xFF5A),
    (0xFFE0, 0xFFE2),  # ￠ ￡ ￢
    (0xFFE4, 0xFFE7),  # ￤ ￥ ￦
    (0x1F000, 0x1FAFF),  # mahjong, domino, cards, enclosed supplements, emoji
    (0x20000, 0x3FFFD),  # supplementary ideographs
)
_STARTS = tuple(lo for lo, _ in UPRIGHT_RANGES)


def _upright(cp: int) -> bool:
    i = bisect_right(_STARTS, cp) - 1
    return i >= 0 and cp <= UPRIGHT_RANGES[i][1]


def orientation(ch: str, lang: str = "zh-Hans") -> str:
    """How ``ch`` is drawn in a vertical line of a ``lang`` page (one of the classes above)."""
    mark = MARKS[lang].get(ch)
    if mark is not None:
        return mark
    if ch in DRAWN_AS[lang] or ch in ROTATED_INK_CHARS:
        return ROTATED_INK
    return UPRIGHT if _upright(ord(ch)) else ROTATED


def can_halve(ch: str) -> bool:
    """False for a mark whose vertical form needs its whole em along the line (``FULL_ONLY``)."""
    return ch not in FULL_ONLY


def drawn_as(ch: str, lang: str = "zh-Hans") -> str:
    """The character whose glyph draws ``ch`` in vertical text (``ch`` itself, or a zh-Hans
    quote's corner bracket)."""
    return DRAWN_AS[lang].get(ch, ch)


def tables_digest() -> str:
    """A digest of every table above: a vertical cut made under other tables is another cut
    (fonts/vertical.py names its cache files and fonts by it, so an upgrade never reuses a
    stale one)."""
    import hashlib

    parts = [
        sorted((lang, sorted(marks.items())) for lang, marks in MARKS.items()),
        sorted((lang, sorted(subs.items())) for lang, subs in DRAWN_AS.items()),
        sorted(FULL_ONLY),
        sorted(ROTATED_INK_CHARS),
        list(UPRIGHT_RANGES),
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]
