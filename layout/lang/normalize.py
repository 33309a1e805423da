"""Punctuation normalisation before layout (stage 0→1).

Input: a text string as it arrived (often with ASCII , ; : ( ) ! ? inside
Chinese, as extracted pages have). Output: the text with those marks turned
into their full-width forms where the context is Chinese (GB/T 15834 forms
are full-width), and a count of each change. Numbers (1,000 / 10:30), Latin
phrases and URLs keep their ASCII marks. A space typed after a converted
mark before Chinese text is dropped (the full-width mark carries its own
space). Applying it twice changes nothing more.
"""

from __future__ import annotations

from collections import Counter

from layout.lang.zh import HANT_QUOTES, is_wide

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
SKIP = set(FULL_WIDTH) | {" "}  # looked through when finding a mark's neighbours


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character that is not a space or another ASCII mark."""
    j = i + step
    while 0 <= j < len(text) and text[j] in SKIP:
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _chinese_context(text: str, i: int) -> bool:
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    ch = text[i]
    if ch in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
        return False  # 1,000 and 10:30
    if ch == ":" and text[i + 1 : i + 3] == "//":
        return False  # URL
    return bool(before and is_wide(before)) or bool(after and is_wide(after))


def _pairs(text: str) -> dict[int, int]:
    """Matching ASCII brackets: index of '(' → index of ')' and back."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


def _bracket_is_chinese(text: str, i: int, pairs: dict[int, int]) -> bool:
    j = pairs.get(i)
    if j is None:
        return _chinese_context(text, i)
    lo, hi = min(i, j), max(i, j)
    inside = any(is_wide(c) for c in text[lo + 1 : hi])
    return inside or _chinese_context(text, lo) or _chinese_context(text, hi)


def normalize(text: str) -> tuple[str, Counter[str]]:
    """Full-width punctuation in Chinese context; returns text and counts by mark."""
    if not any(c in FULL_WIDTH for c in text):
        return text, Counter()
    pairs = _pairs(text)
    out: list[str] = []
    counts: Counter[str] = Counter()
    skip_space = False
    for i, ch in enumerate(text):
        if skip_space and ch == " " and i + 1 < len(text) and is_wide(text[i + 1]):
            counts["space"] += 1  # reported with the marks: a space dropped after one
            continue
        skip_space = False
        if ch in FULL_WIDTH:
            chinese = _bracket_is_chinese(text, i, pairs) if ch in "()" else _chinese_context(text, i)
            if chinese:
                out.append(FULL_WIDTH[ch])
                counts[ch] += 1
                skip_space = ch != "("
                continue
        out.append(ch)
    return "".join(out), counts


def hant_quotes(text: str) -> tuple[str, Counter[str]]:
    """zh-Hant: curly quotation marks become corner brackets (“” → 「」, ‘’ → 『』)."""
    counts: Counter[str] = Counter(ch for ch in text if ch in HANT_QUOTES)
    if not counts:
        return text, counts
    return "".join(HANT_QUOTES.get(ch, ch) for ch in text), counts
