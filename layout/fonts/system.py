"""Installed fonts found through fontconfig, the last fallback for a character
(stage 1 helper).

Input: characters no font of the style has. Output: a few installed font
files (TrueType or OpenType; a collection face as ``file.ttc#N``) that cover
them, chosen greedily (the font covering most of the missing characters first,
then by path, so the choice is deterministic on one machine). Without
fontconfig (``fc-list``) the answer is empty and the characters stay errors.
"""

from __future__ import annotations

import shutil
import subprocess

OUTLINE_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
MAX_FONTS = 3  # system fallback faces added to one page at most
MAX_QUERIES = 40  # characters asked about (each is one fc-list call)


def _fonts_for(ch: str) -> set[str]:
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}#%{index}\\n", f":charset={ord(ch):x}"],
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    specs = set()
    for line in out.splitlines():
        path, _, index = line.rpartition("#")
        if path.lower().endswith(OUTLINE_SUFFIXES):
            specs.add(path if path.lower().endswith((".ttf", ".otf")) else f"{path}#{index or 0}")
    return specs


def _styled(spec: str) -> bool:
    """Bold, italic and other variants come after the regular face of a family."""
    name = spec.rsplit("/", 1)[-1].lower()
    return any(w in name for w in ("bold", "italic", "oblique", "light", "black", "condensed", "mono"))


def system_fonts(chars: set[str]) -> list[tuple[str, set[str]]]:
    """Installed fonts covering ``chars``: [(spec, the characters it covers)], best first."""
    if not chars or shutil.which("fc-list") is None:
        return []
    covers: dict[str, set[str]] = {}
    for ch in sorted(chars)[:MAX_QUERIES]:
        for spec in _fonts_for(ch):
            covers.setdefault(spec, set()).add(ch)
    chosen = []
    left = set(chars)
    while left and covers and len(chosen) < MAX_FONTS:
        spec = min(covers, key=lambda s: (-len(covers[s] & left), _styled(s), s))
        got = covers.pop(spec) & left
        if not got:
            break
        chosen.append((spec, got))
        left -= got
    return chosen
