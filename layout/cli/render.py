"""``banmian [PAGE]``: render a page or an edition (command layer).

Input: the command's arguments. Output: the PDF (and, as asked, the page report,
pictures, a draft's source map) written atomically, and an ``Outcome``. A page
and an edition end the same way: messages, then ``Outcome`` (outcome.py).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from layout.cli.files import default_output, sidecar, write_atomic, write_pngs, write_report
from layout.cli.messages import page_problems, press_problems, summary
from layout.cli.outcome import EXIT_INPUT, EXIT_INTERNAL, EXIT_WARN, Outcome
from layout.errors import BanmianError, InputError
from layout.resources import default_page

if TYPE_CHECKING:
    from layout.model.source import Located
    from layout.render import Output, Rendered

OVERSET_REFUSED = "nothing written: cut the copy, or pass --allow-overset for a marked proof"
EXECUTORS = ("local", "dask")


def tac_limit(text: str) -> float:
    """A total ink limit in %: a number from 100 to 400."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of percent, got {text!r}") from None
    if not math.isfinite(value) or not 100 <= value <= 400:
        raise argparse.ArgumentTypeError(f"a total ink limit is from 100 to 400 %, got {text}")
    return value


def _press_arguments(p: argparse.ArgumentParser) -> None:
    press = p.add_argument_group("print-shop output")
    press.add_argument(
        "--press",
        nargs="?",
        const="x1a",
        choices=["x1a", "x4"],
        help="write the press file: PDF/X-1a:2001 (default) or PDF/X-4, output intent IFRA26 (ISO 12647-3 "
        "newsprint), no marks; checked by the preflight after rendering",
    )
    press.add_argument(
        "--icc",
        help="ICC profile to embed as the output intent: a CMYK output profile such as WAN-IFRA's "
        "ISOnewspaper26v4.icc, or 'bundled' (Banmian's newsprint profile from CGATS TR 002 for the --tac limit: "
        "240 %% or 220 %%); PDF/X-4 without --icc embeds the bundled one",
    )
    press.add_argument("--output-condition", help="OutputConditionIdentifier for --icc (default: IFRA26)")
    press.add_argument("--tac", type=tac_limit, default=240.0, help="the plant's total ink limit in %% (default 240)")
    press.add_argument(
        "--photos",
        choices=["gray", "cmyk"],
        default="gray",
        help="photos in black ink only (gray, the default) or, for a colour page, separated to CMYK "
        "with the --icc profile (cmyk)",
    )
    press.add_argument(
        "--convert-ads",
        action="store_true",
        help="convert RGB raster ads for the press as photos are (by default an RGB ad is refused: "
        "converting an advertiser's artwork changes what they paid for)",
    )
    press.add_argument(
        "--allow-placeholders",
        action="store_true",
        help="press: print photos without a file and a short page's open area as a thin keyline "
        "(by default the press refuses them, naming the profiles that lack photos)",
    )
    press.add_argument(
        "--proof",
        action="store_true",
        help="write a proof: the page with crop marks outside the trim and a slug "
        "(file, content hash, time, 版次, 校次)",
    )
    press.add_argument(
        "--draft",
        action="store_true",
        help="write a review draft: a proof with bookmarks per profile, named destinations, 版次 page labels "
        "and a source map (OUT.map.json, also attached) for reading reviewers' comments back",
    )
    press.add_argument("--round", default="", help="校次 for the proof slug, e.g. 一校, 二校, 清样")
    press.add_argument(
        "--watermark", nargs="?", const="校样", default="", help="a light watermark under a proof (default text 校样)"
    )


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--report", type=Path, help="also write the page report as JSON to this file")
    p.add_argument(
        "--allow-outside", action="store_true", help="allow photos outside the page's folder (by default refused)"
    )
    p.add_argument(
        "--system-fonts",
        action="store_true",
        help="set a character none of the style's fonts has from an installed font (fontconfig), as the "
        "style's 'fallback: system' does; by default only bundled and style fonts are used",
    )
    p.add_argument("--png", action="store_true", help="also write page pictures next to the PDF (OUT-1.png …)")
    p.add_argument(
        "--keep",
        type=Path,
        metavar="PREVIOUS",
        help="a new proof round of PREVIOUS (a draft PDF with its map attached, or its .map.json): every module "
        "keeps its columns, rows and photo; only modules that can no longer hold their text (or have far too "
        "little) move, as few as possible, and the run says which and why",
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="render again whenever the page, its style or a photo changes, printing the page report; Ctrl-C stops",
    )
    edition = p.add_argument_group("editions")
    edition.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="where an edition's pages are rendered: local (a process per core, the default) or dask (a Dask "
        "cluster: --scheduler, or a LocalCluster started for the run; pip install 'banmian[cluster]'). On dask a "
        "page that fails is reported by 版次 and the rest of the edition is still written (exit status not 0)",
    )
    edition.add_argument(
        "--scheduler", metavar="ADDRESS", help="the Dask scheduler for --executor dask, e.g. tcp://HOST:8786"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print the page report: one line per module (columns, rows, photo, empty cells, overset)",
    )


def parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Render a Chinese newspaper page from YAML content to PDF. Other commands: "
        f"'{prog} preflight PDF', '{prog} comments PDF', '{prog} diff OLD NEW' (each with --help).",
        epilog="Exit status: 0 written, 1 written with warnings, 2 bad input or overset "
        "(nothing written), 3 internal error.",
    )
    p.add_argument(
        "page",
        nargs="?",
        type=Path,
        help="page YAML file (default: the seed page bundled with Banmian), or an edition YAML listing "
        "pages: then one PDF of all pages and one per page named by 版次 (OUT-03.pdf), rendered in parallel",
    )
    p.add_argument("-o", "--output", type=Path, help="PDF to write (default: out/<page name>.pdf); written atomically")
    p.add_argument(
        "--style",
        help="style: a built-in name (broadsheet, tabloid) or a style YAML path; "
        "overrides the page's own 'style' field",
    )
    p.add_argument(
        "--allow-overset",
        action="store_true",
        help="write a proof even if text does not fit: overset is marked on the page and reported, exit status 1",
    )
    _press_arguments(p)
    _run_arguments(p)
    return p


def parse_args(argv: list[str], prog: str = "banmian") -> argparse.Namespace:
    p = parser(prog)
    args = p.parse_args(argv)
    if args.press and (args.proof or args.watermark or args.allow_overset or args.draft):
        p.error("--press writes the file for the plate: it cannot carry proof marks, a watermark or overset marks")
    if (args.round or args.watermark) and not (args.proof or args.draft):
        p.error("--round and --watermark go with --proof or --draft")
    if args.allow_placeholders and not args.press:
        p.error("--allow-placeholders goes with --press (proofs and drafts always show placeholders)")
    if (args.icc or args.output_condition) and not args.press:
        p.error("--icc and --output-condition go with --press")
    if args.photos == "cmyk" and not args.icc:
        p.error("--photos cmyk separates photos with the plant's profile: give --press --icc FILE (or bundled)")
    if args.scheduler and args.executor != "dask":
        p.error("--scheduler goes with --executor dask")
    if args.page is None:
        args.page = default_page()
    return args


def output_for(args: argparse.Namespace) -> Output:
    """The kind of PDF the arguments ask for (plain, press, proof or draft)."""
    from layout.post.intent import Limits, bundled_icc, default_intent, output_intent
    from layout.render import Output

    intent = None
    if args.press:
        icc = None if args.icc is None else (bundled_icc(args.tac) if args.icc == "bundled" else Path(args.icc))
        try:
            intent = output_intent(icc, args.output_condition)
        except (OSError, ValueError) as exc:
            raise InputError(f"--icc: {exc}") from None
        if icc is None and args.output_condition is None:
            intent = default_intent(args.press, args.tac)  # IFRA26 with the bundled profile for the limit
        if args.press == "x4" and intent.profile is None:
            raise InputError("--press x4 embeds the output profile: give --icc FILE (or --icc bundled)")
    return Output(
        press=args.press or "",
        intent=intent,
        limits=Limits(tac=args.tac),
        proof=args.proof,
        proof_round=args.round,
        watermark=args.watermark,
        photos=args.photos,
        draft=args.draft,
        allow_outside=args.allow_outside,
        convert_ads=args.convert_ads,
        system_fonts=args.system_fonts,
        allow_placeholders=args.allow_placeholders,
    )


def run_once(args: argparse.Namespace) -> Outcome:
    """One render of the page or edition the arguments name."""
    from layout.model.source import is_edition, load_yaml

    doc = load_yaml(args.page)  # parsed once, for the edition check and the page
    return render_edition(args, doc) if is_edition(doc) else render_page(args, doc)


def _judged(pages: list[Rendered], args: argparse.Namespace) -> Outcome:
    """Messages for the rendered pages, and what they come to before anything is written."""
    problems = [page_problems(r, quiet=args.quiet) for r in pages]
    press = [press_problems(r, args.quiet) for r in pages]
    return Outcome(
        refused=max((s for s in press if s in (EXIT_INPUT, EXIT_INTERNAL)), default=0),
        overset=any(p.overset for p in problems),
        warned=any(p.warning for p in problems) or EXIT_WARN in press,
    )


def _report_and_table(args: argparse.Namespace, pages: list[Rendered]) -> None:
    if args.report:  # the report is written even when the page is not
        write_report(args.report, pages)
    if args.verbose:
        from layout.report import table

        print("\n\n".join(table(r) for r in pages))


def render_page(args: argparse.Namespace, doc: Located) -> Outcome:
    """A single page: the PDF, and a draft's source map beside it."""
    from layout.render import render

    rendered = render(
        args.page, style=args.style, mark_overset=args.allow_overset, doc=doc, output=output_for(args), keep=args.keep
    )
    judged = _judged([rendered], args)
    if judged.refused:
        return judged
    _report_and_table(args, [rendered])
    if judged.overset and not args.allow_overset:
        print(OVERSET_REFUSED, file=sys.stderr)
        return replace(judged, refused=EXIT_INPUT)
    out = args.output or default_output(args.page)
    write_atomic(out, rendered.pdf)
    written = [out]
    if rendered.review_map is not None:
        from layout.review.draft import map_bytes

        write_atomic(sidecar(out), map_bytes([rendered.review_map], Path(rendered.page.file).name))
        written.append(sidecar(out))
    if args.png:
        write_pngs(out, args.quiet)
    if not args.quiet:
        print(summary(rendered, out))
    return replace(judged, written=tuple(written))


def _kept_pages(keep: Path | None, edition, quiet: bool) -> frozenset[int]:
    """``--keep`` on an edition: the 版次 the previous round's map holds (each keeps its
    arrangement); a page new since then is made up anew, said once."""
    if keep is None:
        return frozenset()
    from layout.edition import page_numbers
    from layout.review.draft import load_map

    doc_map = load_map(keep)
    held = {p.get("number") for p in doc_map.get("pages", []) if isinstance(p, dict)}
    numbers = page_numbers(edition)
    if not held & set(numbers):
        raise InputError("--keep: the previous round holds none of this edition's pages", file=str(keep))
    for n in numbers:
        if n not in held and not quiet:
            print(f"note: --keep: 第{n}版 is not in {keep.name}: made up anew", file=sys.stderr)
    return frozenset(n for n in numbers if n in held)


def _executor(args: argparse.Namespace):
    """The executor ``--executor`` names (None: the edition's default process pool)."""
    if args.executor != "dask":
        return None
    from layout.executors import DaskExecutor

    return DaskExecutor(address=args.scheduler)


def _set_pages(args: argparse.Namespace, edition, kept: frozenset[int]):
    """Every page of the edition set, on the executor asked for."""
    from layout.edition import run_edition

    def progress(done: int, total: int, page: Path) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {page.name}", file=sys.stderr)

    executor = _executor(args)
    try:
        return run_edition(
            edition,
            style=args.style,
            mark_overset=args.allow_overset,
            progress=progress,
            output=output_for(args),
            keep=args.keep,
            kept=kept,
            executor=executor,
            keep_going=executor is not None,
        )
    finally:
        if executor is not None:
            executor.close()


def _failed_pages(failures) -> int:
    """Pages that could not be set, each by 版次 with its error; the exit status they give."""
    status = 0
    for f in failures:
        where = f"第{f.number}版" if f.number is not None else f.file.name
        if isinstance(f.error, BanmianError):
            print(f"error: {where}: {f.error}", file=sys.stderr)
            status = max(status, f.error.exit_code)
        else:
            print(f"internal error: {where}: {type(f.error).__name__}: {f.error}", file=sys.stderr)
            status = EXIT_INTERNAL
    if failures:
        print(
            f"{len(failures)} page(s) not set; the rest of the edition is written without them (a page their "
            "overflow would continue on is set without it)",
            file=sys.stderr,
        )
    return status


def render_edition(args: argparse.Namespace, doc: Located) -> Outcome:
    """Every page of an edition: one PDF of all pages and one per page, named by 版次."""
    from layout.edition import load_edition, merge_pdfs

    edition = load_edition(args.page, doc)
    for w in edition.warnings:
        print(w, file=sys.stderr)
    run = _set_pages(args, edition, _kept_pages(args.keep, edition, args.quiet))
    if run.failures and args.executor == "local":  # the first failed page stops the run, as if alone
        raise run.failures[0].error
    failed = _failed_pages(run.failures)
    pages = [r for r in run.pages if r is not None]
    if not pages:
        return Outcome(refused=failed or EXIT_INTERNAL)
    judged = replace(_judged(pages, args), failed=failed)
    if judged.refused:
        return judged
    _report_and_table(args, pages)
    if judged.overset and not args.allow_overset:
        print(OVERSET_REFUSED.replace("a marked proof", "marked proofs"), file=sys.stderr)
        return replace(judged, refused=EXIT_INPUT)
    out = args.output or default_output(args.page)
    singles = [(out.with_name(f"{out.stem}-{r.page.page:02d}.pdf"), r.pdf) for r in pages]
    files = [*singles, (out, merge_pdfs([r.pdf for r in pages], edition.title))]
    if args.draft:
        files = _draft_files(args, pages, singles, out, files[-1][1])
    for path, data in files:
        write_atomic(path, data)
    if args.png:
        write_pngs(out, args.quiet)
    if not args.quiet:
        print(f"wrote {out}: {len(pages)} pages; and one file per page: " + ", ".join(p.name for p, _ in singles))
    written = (out, *(p for p, _ in files if p != out))
    return replace(judged, written=written, warned=judged.warned or bool(edition.warnings))


def _draft_files(
    args: argparse.Namespace, pages: list[Rendered], singles: list[tuple[Path, bytes]], out: Path, combined: bytes
) -> list[tuple[Path, bytes]]:
    """An edition's draft: the whole edition navigable, and every file with its source map."""
    from layout.post.draft import make_draft
    from layout.review.draft import map_bytes

    whole = map_bytes([r.review_map for r in pages], args.page.name)
    files = [*singles, (out, make_draft(combined, [r.draft_page for r in pages], whole))]
    files += [(sidecar(p), map_bytes([r.review_map], Path(r.page.file).name)) for (p, _), r in zip(singles, pages)]
    files.append((sidecar(out), whole))
    return files
