"""Invisible format characters in copy (stage 0, language rules as data).

Input: the text of one field as it came from the YAML file. Output: a
``Cleaned`` value: the text without its invisible format characters (Unicode
category Cf, and the soft hyphen), what was removed (offset and character, so
the loader can report each one) and, when removing would change what the
text means, the character refused and why. No file, line or field here: the
content loader (layout/model/content.py) adds them.

The rule, in order:

1. **Kept**: a ZERO WIDTH JOINER between two emoji (an emoji ZWJ sequence such
   as 👨‍👩‍👧), and tag characters after an emoji (an emoji tag sequence: the flag
   of a subdivision). Removing them would change which picture is meant.
   Variation selectors (U+FE00–FE0F, U+E0100–E01EF) are not format characters
   (category Mn): they stay as they are, and a font must have them, as before.
2. **Refused** (an input error) where removing would change the meaning:
   - a bidi control (embedding, override, isolate or mark) in a field that has
     right-to-left letters (bidi class R or AL: Hebrew, Arabic, ...): there the
     controls decide the order the words are read in; this engine sets every
     line left to right and could not honour them, and removing them silently
     would reorder what the author wrote;
   - a format character next to a letter of a script that is shaped with them
     (Arabic, Syriac, N'Ko, the Indic scripts, Tibetan, Myanmar, Khmer,
     Mongolian: ZWJ and ZWNJ choose joined, half or conjunct forms, U+180E
     separates Mongolian vowels): removing it changes the spelling;
   - a format character that draws a visible sign (the prepended concatenation
     marks, e.g. U+0600 ARABIC NUMBER SIGN);
   - a control character (category Cc, other than tab and line breaks), which
     only a quoted YAML escape can bring this far: the YAML reader refuses a
     raw one (layout/model/source.py).
3. **Removed** (with a note naming each one): every other format character:
   bidi controls in text without right-to-left letters (Chinese copy pasted
   from a web page), zero-width space, joiners and word joiner, a byte-order
   mark inside the text, the soft hyphen (this engine never hyphenates),
   invisible operators, interlinear annotation marks, stray tags.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

Ranges = tuple[tuple[int, int], ...]

BIDI_CONTROLS: Ranges = ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))
ZERO_WIDTH: Ranges = ((0x200B, 0x200D), (0x2060, 0x2060))
BYTE_ORDER_MARK = "\ufeff"
SOFT_HYPHEN = "\u00ad"  # category Cf as well, named for its note
ZWJ = "\u200d"
TAGS: Ranges = ((0xE0020, 0xE007F),)  # TAG SPACE … CANCEL TAG (emoji tag sequences)
# format characters that draw a sign (prepended concatenation marks): never invisible
VISIBLE_FORMAT: Ranges = (
    (0x0600, 0x0605),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
)
# scripts written with joiners and other format characters (shaping this engine cannot do)
SHAPED_SCRIPTS: Ranges = (
    (0x0600, 0x08FF),  # Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic extensions
    (0x0900, 0x0DFF),  # Devanagari … Sinhala
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFE),  # Arabic Presentation Forms-B (not U+FEFF)
    (0x10D00, 0x10D3F),  # Hanifi Rohingya
    (0x11000, 0x1107F),  # Brahmi
)
# Extended_Pictographic, near enough: what an emoji ZWJ or tag sequence is made of
EMOJI: Ranges = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x21AA),
    (0x231A, 0x23FF),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25FE),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x1F000, 0x1FAFF),
)
# looked through when finding the emoji before a joiner: presentation selectors, skin tones are emoji
EMOJI_MODIFIERS = frozenset("\ufe0e\ufe0f")
RIGHT_TO_LEFT = frozenset(("R", "AL"))  # bidi classes of right-to-left letters
KEPT_CONTROLS = frozenset("\t\n\r")

# what a note calls a removed character, by kind (the first match wins)
KINDS: tuple[tuple[Ranges, str], ...] = (
    (ZERO_WIDTH, "a zero-width character"),
    (((0xFEFF, 0xFEFF),), "a byte-order mark inside the text"),
    (((0x00AD, 0x00AD),), "a soft hyphen: lines here break without hyphens"),
)
DEFAULT_KIND = "an invisible format character"


@dataclass(frozen=True)
class Removed:
    offset: int  # in the text as given
    char: str


@dataclass(frozen=True)
class Refused:
    offset: int  # in the text as given
    char: str
    reason: str  # the whole message, naming the character


@dataclass(frozen=True)
class Cleaned:
    text: str
    removed: tuple[Removed, ...] = ()
    refused: Refused | None = None


def _within(ch: str, ranges: Ranges) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in ranges)


def describe(ch: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: the code point and its Unicode name."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'a control character')}"


def kind(ch: str) -> str:
    """What a note calls a removed character: 'a zero-width character', ..."""
    return next((name for ranges, name in KINDS if _within(ch, ranges)), DEFAULT_KIND)


def is_format(ch: str) -> bool:
    """An invisible format character (or a control) this stage looks at."""
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and ch not in KEPT_CONTROLS)


def _emoji_before(text: str, i: int) -> bool:
    """The nearest character before ``i``, past presentation selectors and tags, is an emoji."""
    j = i - 1
    while j >= 0 and (text[j] in EMOJI_MODIFIERS or _within(text[j], TAGS)):
        j -= 1
    return j >= 0 and _within(text[j], EMOJI)


def _kept(text: str, i: int) -> bool:
    """A joiner inside an emoji ZWJ sequence, or a tag inside an emoji tag sequence."""
    ch = text[i]
    if ch == ZWJ:
        return _emoji_before(text, i) and i + 1 < len(text) and _within(text[i + 1], EMOJI)
    return _within(ch, TAGS) and _emoji_before(text, i)


def _shaped_neighbour(text: str, i: int) -> str:
    """The nearest character on either side (past other format characters) if its script is shaped."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(text) and is_format(text[j]):
            j += step
        if 0 <= j < len(text) and _within(text[j], SHAPED_SCRIPTS):
            return text[j]
    return ""


def _refusal(text: str, i: int, rtl: str) -> str:
    """Why removing ``text[i]`` would change the text's meaning, or ''."""
    ch = text[i]
    if unicodedata.category(ch) == "Cc":
        return f"control character U+{ord(ch):04X} in text (a quoted escape such as \\a?): remove it"
    if _within(ch, VISIBLE_FORMAT):
        return f"{describe(ch)} is a visible sign this engine cannot set"
    if rtl and _within(ch, BIDI_CONTROLS):
        return (
            f"{describe(ch)} among right-to-left letters ({describe(rtl)}): this engine cannot set "
            "right-to-left text, and removing the control would change the order it is read in"
        )
    shaped = _shaped_neighbour(text, i)
    if shaped:
        return (
            f"{describe(ch)} next to {describe(shaped)}: it shapes that script, which this engine cannot "
            "set, and removing it would change the spelling"
        )
    return ""


def clean(text: str) -> Cleaned:
    """``text`` without its invisible format characters; the first refusal stops the cleaning."""
    if not any(is_format(ch) for ch in text):
        return Cleaned(text)
    # (the marks U+200F and U+061C are of class R and AL themselves: letters only)
    rtl = next((ch for ch in text if unicodedata.bidirectional(ch) in RIGHT_TO_LEFT and not is_format(ch)), "")
    out: list[str] = []
    removed: list[Removed] = []
    for i, ch in enumerate(text):
        if not is_format(ch) or _kept(text, i):
            out.append(ch)
            continue
        why = _refusal(text, i, rtl)
        if why:
            return Cleaned(text, tuple(removed), Refused(i, ch, why))
        removed.append(Removed(i, ch))
    return Cleaned("".join(out), tuple(removed))
