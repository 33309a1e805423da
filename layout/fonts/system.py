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
    words = ("bold", "bd", "italic", "ita", "oblique", "light", "black", "condensed", "narrow", "mono", "demi")
    return any(w in name for w in words)


def system_fonts(chars: set[str]) -> list[tuple[str, set[str]]]:
    """Installed fonts covering any of ``chars``, best first: [(spec, the characters it
    covers)]. Best: covers more; then TrueType (used as it is, no conversion); then a
    regular face; then by path. The caller takes them in order while characters are left."""
    if not chars or shutil.which("fc-list") is None:
        return []
    covers: dict[str, set[str]] = {}
    for ch in sorted(chars)[:MAX_QUERIES]:
        for spec in _fonts_for(ch):
            covers.setdefault(spec, set()).add(ch)
    return sorted(
        covers.items(), key=lambda kv: (-len(kv[1]), not kv[0].lower().endswith(".ttf"), _styled(kv[0]), kv[0])
    )
