"""Punctuation normalisation before layout (stage 0→1).

Input: a text string as it arrived (often with ASCII , ; : ( ) ! ? inside
Chinese, as extracted pages have). Output: the text with those marks turned
into their full-width forms where the context is Chinese (GB/T 15834 forms
are full-width), and a count of each change. Numbers (1,000 / 10:30), Latin
phrases and URLs keep their ASCII marks.
"""

from __future__ import annotations

from collections import Counter

from layout.lang.zh import is_wide

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _chinese_context(text: str, i: int) -> bool:
    before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
    ch = text[i]
    if ch in ",:" and before.isdigit() and after.isdigit():
        return False  # 1,000 and 10:30
    if ch == ":" and text[i + 1 : i + 3] == "//":
        return False  # URL
    return bool(before and is_wide(before)) or bool(after and is_wide(after))


def normalize(text: str) -> tuple[str, Counter[str]]:
    """Full-width punctuation in Chinese context; returns text and counts by mark."""
    if not any(c in FULL_WIDTH for c in text):
        return text, Counter()
    out = list(text)
    counts: Counter[str] = Counter()
    open_converted: list[bool] = []
    for i, ch in enumerate(text):
        if ch not in FULL_WIDTH:
            continue
        if ch == "(":
            convert = _chinese_context(text, i)
            open_converted.append(convert)
        elif ch == ")":
            matched = open_converted.pop() if open_converted else False
            convert = matched or _chinese_context(text, i)
        else:
            convert = _chinese_context(text, i)
        if convert:
            out[i] = FULL_WIDTH[ch]
            counts[ch] += 1
    return "".join(out), counts
