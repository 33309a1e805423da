"""What a run of the command came to, and its exit status (the command's policy).

Input: what a page or an edition render produced (written files, overset,
warnings, the press preflight) or the error that stopped it. Output: one
``Outcome`` and its exit status. The exit codes themselves are the constants of
``layout.errors`` (the stages' errors carry theirs); which situation gets which
code is decided here and nowhere else:

- 0 written, nothing to report;
- 1 written with warnings (an overset proof, a short page, a rule no arrangement
  keeps, unknown fields, low-resolution photos, preflight warnings);
- 2 bad input, or copy that does not fit: nothing written;
- 3 our own bug: nothing written, a short report and a log;
- an edition on Dask written without the pages that failed: 2 (bad input) or 3 (a bug).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from layout.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_WARN, BanmianError

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_WARN", "Outcome", "exit_for_error"]


@dataclass(frozen=True)
class Outcome:
    """The result of rendering one page or one edition (the same type for both)."""

    written: tuple[Path, ...] = ()  # files written, the main PDF first
    overset: bool = False  # copy did not fit (then written only as a marked proof)
    warned: bool = False  # written, with warnings printed
    refused: int = EXIT_OK  # nothing written: EXIT_INPUT (bad input, overset) or EXIT_INTERNAL (our bug)
    failed: int = EXIT_OK  # an edition written without some pages (Dask): their worst status, 2 or 3

    @property
    def exit_code(self) -> int:
        if self.refused:
            return self.refused
        if self.failed:
            return self.failed
        return EXIT_WARN if self.overset or self.warned else EXIT_OK


def exit_for_error(exc: BanmianError) -> int:
    """A stage's error: bad input or output is 2, the engine failing its own checks 3."""
    return exc.exit_code
