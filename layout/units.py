"""Units: millimetres, points and Chinese 号 sizes (pure values, no stage)."""

from __future__ import annotations

MM = 72 / 25.4  # points per millimetre

# 号 → pt, the "Word" system used by DTP tools, ctex and GB/T 40070—2021
# (../shared/reference/newspaper.md §1.3).
HAO_PT: dict[str, float] = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
    "六号": 7.5,
    "小六": 6.5,
    "七号": 5.5,
    "八号": 5,
}


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * MM


def size_pt(value: object) -> float:
    """A type size given as points (number) or as a 号 name; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"not a type size: {value!r}")
    if isinstance(value, (int, float)):
        if value <= 0:
            raise ValueError(f"type size must be positive, got {value}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text in HAO_PT:
            return HAO_PT[text]
        if text.endswith("pt"):
            text = text[:-2]
        try:
            number = float(text)
        except ValueError:
            names = "、".join(HAO_PT)
            raise ValueError(f"not a type size: {value!r} (use points or one of {names})") from None
        return size_pt(number)
    raise ValueError(f"not a type size: {value!r}")
