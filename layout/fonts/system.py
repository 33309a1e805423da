"""Installed fonts found through fontconfig, the last fallback for a character
(stage 1 helper; used only when a style says ``fallback: system`` or a run asks).

Input: characters no font of the style has. Output: a ``Listing``: the
installed font files (TrueType or OpenType; a collection face as
``file.ttc#N``) that claim any of them, best first, from ONE ``fc-list`` call
whose charsets are read here; or the problem that kept fontconfig from
answering (not installed, timed out, failed), which the caller says.

What fontconfig claims is only a candidate: the caller checks each font once
prepared (its coverage and its outlines) before using it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

OUTLINE_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
MAX_FONTS = 3  # system fallback faces added to one page at most
FC_TIMEOUT = 30.0  # seconds for the one fc-list call (it reads its cache: usually well under a second)
FC_FORMAT = "%{file}#%{index}\\t%{charset}\\n"  # one line per face: file#index TAB hex ranges


@dataclass(frozen=True)
class Candidate:
    """An installed face and the wanted characters its charset claims."""

    spec: str  # a path, or path#N for a face of a collection
    claims: frozenset[str]


@dataclass(frozen=True)
class Listing:
    """What fontconfig answered: candidates best first, or why there are none."""

    candidates: tuple[Candidate, ...] = ()
    problem: str = ""  # "" when fontconfig answered


def _run_fc_list() -> tuple[bytes, str]:
    """The raw listing, or "" and the problem."""
    exe = shutil.which("fc-list")
    if exe is None:
        return b"", "fontconfig is not installed (no fc-list on PATH)"
    try:
        proc = subprocess.run([exe, "--format", FC_FORMAT], capture_output=True, timeout=FC_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return b"", f"fontconfig did not answer within {FC_TIMEOUT:g} s (fc-list timed out)"
    except OSError as exc:
        return b"", f"fontconfig could not be run ({exc})"
    if proc.returncode != 0:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {said[0]}" if said else ""
        return b"", f"fontconfig failed (fc-list exit status {proc.returncode}{detail})"
    return proc.stdout, ""


def _claimed(charset: str, wanted: list[int]) -> set[int]:
    """The code points of ``wanted`` (sorted) inside fontconfig's charset ("20-7e a0 4e00-9fff")."""
    out: set[int] = set()
    for token in charset.split():
        lo_s, _, hi_s = token.partition("-")
        try:
            lo = int(lo_s, 16)
            hi = int(hi_s, 16) if hi_s else lo
        except ValueError:
            continue  # not a range: fontconfig's format changed, or a damaged line
        out.update(wanted[bisect_left(wanted, lo) : bisect_right(wanted, hi)])
    return out


def _spec(line: str) -> str | None:
    """The font spec of a listed face; None for bitmap and Type 1 fonts (not embeddable here)."""
    path, _, index = line.rpartition("#")
    if not path.lower().endswith(OUTLINE_SUFFIXES):
        return None
    return path if path.lower().endswith((".ttf", ".otf")) else f"{path}#{index or 0}"


def parse_listing(raw: bytes, chars: Iterable[str]) -> tuple[Candidate, ...]:
    """fc-list's lines read against the wanted characters; ranked as ``system_fonts`` says."""
    wanted = sorted({ord(c) for c in chars})
    claims: dict[str, set[int]] = {}
    for line in raw.split(b"\n"):
        head, tab, charset = line.rpartition(b"\t")
        spec = _spec(os.fsdecode(head)) if tab else None
        if spec is None:
            continue
        got = _claimed(charset.decode("ascii", "replace"), wanted)
        if got:
            claims.setdefault(spec, set()).update(got)
    ranked = sorted(claims.items(), key=lambda kv: _rank(kv[0], len(kv[1])))
    return tuple(Candidate(spec, frozenset(chr(cp) for cp in cps)) for spec, cps in ranked)


def _rank(spec: str, claimed: int) -> tuple[int, bool, bool, str]:
    """Claims more first; then TrueType (used as it is, no conversion); then a regular face; then by path."""
    return (-claimed, not spec.lower().endswith(".ttf"), _styled(spec), spec)


def _styled(spec: str) -> bool:
    """Bold, italic and other variants come after the regular face of a family."""
    name = spec.rsplit("/", 1)[-1].lower()
    words = ("bold", "bd", "italic", "ita", "oblique", "light", "black", "condensed", "narrow", "mono", "demi")
    return any(w in name for w in words)


def system_fonts(chars: set[str]) -> Listing:
    """Installed fonts claiming any of ``chars``, best first (``_rank``). One fc-list call
    lists every face with its charset; nothing is asked per character."""
    if not chars:
        return Listing()
    raw, problem = _run_fc_list()
    if problem:
        return Listing(problem=problem)
    return Listing(parse_listing(raw, chars))
