"""What the command prints about a rendered page (command layer).

Input: a ``Rendered`` page. Output: lines on stderr (notes, overset, short page,
rules no arrangement keeps, the press preflight) and what they amount to
(``PageProblems``), from which ``outcome.py`` decides the exit status.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from layout.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_WARN

if TYPE_CHECKING:
    from layout.render import Rendered


@dataclass(frozen=True)
class PageProblems:
    """What a page's messages amount to, for the exit status."""

    overset: bool  # copy did not fit
    warning: str  # the first warning printed ("" for none): short page, a rule not kept, unknown fields


def page_problems(rendered: Rendered, *, quiet: bool = False) -> PageProblems:
    """Print a page's notes, overset and warnings to stderr."""
    from layout import report

    if not quiet:
        for note in report.notes(rendered):
            print(note, file=sys.stderr)
    for message in report.overset_messages(rendered):
        print(message, file=sys.stderr)
    warning = report.short_page(rendered)
    if warning:
        print(f"{rendered.page.file}: warning: {warning}", file=sys.stderr)
    for message in report.legibility_warnings(rendered):
        print(f"warning: {message}", file=sys.stderr)
        warning = warning or message
    if rendered.page.warnings or rendered.style.warnings:
        if quiet:  # warnings are problems: shown even when quiet
            for w in (*rendered.page.warnings, *rendered.style.warnings):
                print(w, file=sys.stderr)
        warning = warning or "unknown fields"
    if rendered.photo_notes:
        warning = warning or rendered.photo_notes[0]
    return PageProblems(bool(rendered.makeup.overset), warning)


def press_problems(rendered: Rendered, quiet: bool) -> int:
    """The preflight of a press render: warnings printed (exit 1); an error is our own
    fault (the input was checked before drawing), so nothing is written (exit 3),
    except photos the output profile separates beyond the ink limit (exit 2)."""
    report = rendered.preflight
    if report is None:
        return EXIT_OK
    for f in report.findings:
        print(f"{rendered.page.file}: preflight {f.line()}", file=sys.stderr)
    if report.status == 2:
        errors = [f for f in report.findings if f.severity == "error"]
        if all(f.rule == "total-ink" and "image" in f.what for f in errors):  # the profile allows more than --tac
            print(
                "nothing written: photos separated with the output profile exceed the ink limit (--tac); "
                "use the plant's own profile, or its limit",
                file=sys.stderr,
            )
            return EXIT_INPUT
        print("internal error: the press file fails the preflight; nothing written", file=sys.stderr)
        return EXIT_INTERNAL
    if not quiet:
        print(
            f"preflight: {('clean', 'warnings')[report.status]}; max total ink {report.max_tac:.0f} %, "
            f"text in pure K {report.text_k_share:.1%}",
            file=sys.stderr,
        )
    return EXIT_WARN if report.status == 1 else EXIT_OK


def summary(rendered: Rendered, out: object) -> str:
    """The line a written page ends with: profiles, style, fill, punctuation made full-width."""
    counts = rendered.normalized
    ascii_marks = {k: v for k, v in counts.items() if k.isascii() and k != "space"}
    other = {k: v for k, v in counts.items() if k not in ascii_marks}
    listed = ", ".join(f"{k}×{v}" for k, v in sorted(ascii_marks.items())) or "none"
    extra = ""
    if other:
        extra = "; also " + ", ".join(
            f"{'spaces dropped after them' if k == 'space' else k + ' → corner bracket'}×{v}"
            for k, v in sorted(other.items())
        )
    return (
        f"wrote {out}: {len(rendered.page.profiles)} profiles, style {rendered.style.name}, "
        f"module zone filled {rendered.makeup.fill:.1%}; ASCII punctuation made full-width: {listed}{extra}"
    )
