#!/usr/bin/env python3
"""Banmian command: render a page YAML to a print-ready PDF.

    python make_pdf.py                          # the default page → out/seed.pdf
    python make_pdf.py content/other.yaml -o other.pdf

Exit status: 0 written; 1 written with warnings (overset allowed with
--allow-overset, or a short page); 2 bad input or content that does not fit (nothing
written); 3 internal error (nothing written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from layout.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_WARN, BanmianError, InputError, OutputError

ROOT = Path(__file__).resolve().parent
DEFAULT_PAGE = ROOT / "content" / "seed.yaml"


def tac_limit(text: str) -> float:
    """A total ink limit in %: a number from 100 to 400."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of percent, got {text!r}") from None
    if not math.isfinite(value) or not 100 <= value <= 400:
        raise argparse.ArgumentTypeError(f"a total ink limit is from 100 to 400 %, got {text}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="make_pdf.py",
        description="Render a Chinese newspaper page from YAML content to PDF.",
        epilog="Exit status: 0 written, 1 written with warnings, 2 bad input or overset "
        "(nothing written), 3 internal error.",
    )
    p.add_argument(
        "page",
        nargs="?",
        type=Path,
        default=DEFAULT_PAGE,
        help="page YAML file (default: content/seed.yaml, the seed page), or an edition YAML listing "
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
        "ISOnewspaper26v4.icc, or 'bundled' (Banmian's newsprint profile from CGATS TR 002); PDF/X-4 needs one",
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
    p.add_argument("--report", type=Path, help="also write the page report as JSON to this file")
    p.add_argument(
        "--allow-outside", action="store_true", help="allow photos outside the page's folder (by default refused)"
    )
    p.add_argument("--png", action="store_true", help="also write page pictures next to the PDF (OUT-1.png …)")
    p.add_argument(
        "--watch",
        action="store_true",
        help="render again whenever the page, its style or a photo changes, printing the page report; Ctrl-C stops",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print the page report: one line per module (columns, rows, photo, empty cells, overset)",
    )
    args = p.parse_args(argv)
    if args.press and (args.proof or args.watermark or args.allow_overset or args.draft):
        p.error("--press writes the file for the plate: it cannot carry proof marks, a watermark or overset marks")
    if (args.round or args.watermark) and not (args.proof or args.draft):
        p.error("--round and --watermark go with --proof or --draft")
    if (args.icc or args.output_condition) and not args.press:
        p.error("--icc and --output-condition go with --press")
    if args.photos == "cmyk" and not args.icc:
        p.error("--photos cmyk separates photos with the plant's profile: give --press --icc FILE (or bundled)")
    return args


def output_for(args: argparse.Namespace):
    """The kind of PDF the arguments ask for (plain, press or proof)."""
    from layout.errors import InputError
    from layout.post.intent import BUNDLED_ICC, Limits, output_intent
    from layout.render import Output

    intent = None
    if args.press:
        icc = None if args.icc is None else (BUNDLED_ICC if args.icc == "bundled" else Path(args.icc))
        try:
            intent = output_intent(icc, args.output_condition)
        except (OSError, ValueError) as exc:
            raise InputError(f"--icc: {exc}") from None
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
    )


def preflight_command(argv: list[str]) -> int:
    """make_pdf.py preflight FILE.pdf: check any PDF against the newspaper rules."""
    p = argparse.ArgumentParser(
        prog="make_pdf.py preflight",
        description="Check a PDF against the newspaper print rules (PDF/X-1a, K-only text, ink, resolution).",
        epilog="Exit status: 0 clean, 1 warnings, 2 errors (or an unreadable file).",
    )
    p.add_argument("pdf", type=Path)
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--tac", type=tac_limit, default=240.0, help="total ink limit in %% (default 240)")
    p.add_argument(
        "--standard",
        choices=["x1a", "x4", "none"],
        default="x1a",
        help="the PDF/X the file must meet (default x1a; none: ink, fonts and images only)",
    )
    args = p.parse_args(argv)
    from layout.post.intent import Limits
    from layout.post.preflight import preflight

    if not args.pdf.is_file():
        print(f"error: {args.pdf}: no such file", file=sys.stderr)
        return EXIT_INPUT
    report = preflight(args.pdf, Limits(tac=args.tac, standard="" if args.standard == "none" else args.standard))
    if args.json:
        print(json.dumps({"file": str(args.pdf), **report.as_dict()}, ensure_ascii=False, indent=2))
    else:
        for f in report.findings:
            print(f"{args.pdf}: {f.line()}")
        print(
            f"{args.pdf}: {('clean', 'warnings', 'errors')[report.status]}: {report.pages} page(s), "
            f"max total ink {report.max_tac:.0f} %, text in pure K {report.text_k_share:.1%}"
        )
    return report.status


def press_problems(rendered, quiet: bool) -> int:
    """The preflight of a press render: warnings printed (exit 1); an error is our own
    fault (the input was checked before drawing), so nothing is written (exit 3)."""
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


def sidecar(pdf: Path) -> Path:
    """Where a draft's source map is written: next to it, OUT.map.json."""
    return pdf.with_name(pdf.stem + ".map.json")


def comments_command(argv: list[str]) -> int:
    """make_pdf.py comments ANNOTATED.pdf: reviewers' annotations against the source."""
    p = argparse.ArgumentParser(
        prog="make_pdf.py comments",
        description="List the annotations of a reviewed draft, each with the text it covers and where that "
        "text lives in the YAML (profile, field, paragraph, file and line).",
        epilog="Exit status: 0 listed (also when there are none), 2 unreadable file or no source map.",
    )
    p.add_argument("pdf", type=Path, help="the annotated draft (any reader's save of a --draft PDF)")
    p.add_argument("--map", type=Path, help="the draft's source map (default: attached to the PDF, or NAME.map.json)")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = p.parse_args(argv)
    import pikepdf

    from layout.post.draft import attached_map
    from layout.review.comments import as_markdown, read_comments

    if not args.pdf.is_file():
        print(f"error: {args.pdf}: no such file", file=sys.stderr)
        return EXIT_INPUT
    try:
        with pikepdf.open(args.pdf) as pdf:
            attached = attached_map(pdf)
    except pikepdf.PdfError as exc:
        print(f"error: {args.pdf}: not a readable PDF ({exc})", file=sys.stderr)
        return EXIT_INPUT
    source = args.map or (sidecar(args.pdf) if sidecar(args.pdf).is_file() else None)
    try:
        raw = source.read_bytes() if source else attached
        if raw is None:
            print(f"error: {args.pdf}: no source map (attached, or {sidecar(args.pdf).name}); "
                  "give --map, or review a --draft PDF", file=sys.stderr)  # fmt: skip
            return EXIT_INPUT
        doc_map = json.loads(raw)
        if not isinstance(doc_map, dict) or not isinstance(doc_map.get("pages"), list):
            raise ValueError("not a Banmian source map (expected a mapping with 'pages')")
        comments = read_comments(args.pdf, doc_map)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.pdf}: the source map does not fit ({exc})", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        print(json.dumps([c.as_dict() for c in comments], ensure_ascii=False, indent=2))
    else:
        print(as_markdown(comments, args.pdf.name), end="")
    return EXIT_OK


def _draft_and_map(path: Path, workdir: Path, name: str) -> tuple[Path, dict]:
    """A draft PDF and its source map, from a draft PDF (map attached or beside it)
    or from content (a page or edition YAML, rendered as a draft here)."""
    if path.suffix.lower() == ".pdf":
        import pikepdf

        from layout.post.draft import attached_map

        with pikepdf.open(path) as pdf:
            raw = attached_map(pdf)
        if raw is None and sidecar(path).is_file():
            raw = sidecar(path).read_bytes()
        if raw is None:
            raise InputError("no source map: compare drafts made with --draft, or give the YAML files", file=str(path))
        return path, json.loads(raw)
    from layout.edition import is_edition, load_edition, merge_pdfs, render_edition
    from layout.model.source import load_yaml
    from layout.post.draft import make_draft
    from layout.render import Output, render
    from layout.review.draft import map_bytes

    doc = load_yaml(path)
    if is_edition(doc):
        pages = render_edition(load_edition(path, doc), output=Output(draft=True), jobs=1)
        raw = map_bytes([r.review_map for r in pages], path.name)
        pdf = make_draft(merge_pdfs([r.pdf for r in pages], path.stem), [r.draft_page for r in pages], raw)
    else:
        rendered = render(path, doc=doc, output=Output(draft=True), mark_overset=True)
        pdf, raw = rendered.pdf, map_bytes([rendered.review_map], path.name)
    out = workdir / f"{name}.pdf"
    out.write_bytes(pdf)
    return out, json.loads(raw)


def diff_command(argv: list[str]) -> int:
    """make_pdf.py diff OLD NEW: what changed between two proof rounds."""
    p = argparse.ArgumentParser(
        prog="make_pdf.py diff",
        description="Show what changed between two proof rounds, per profile (text changed, moved, reflowed), "
        "and write a picture of each page of the new round with the changed lines marked.",
        epilog="OLD and NEW: draft PDFs (made with --draft) or page / edition YAML files. "
        "Exit status: 0 no changes, 1 changes, 2 bad input.",
    )
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", type=Path, help="folder for the pictures (default: next to NEW)")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument("--no-pictures", action="store_true", help="skip the page pictures")
    args = p.parse_args(argv)
    import pikepdf

    from layout.review.diff import as_markdown, diff_maps
    from layout.review.pictures import NoRenderer, mark, render_pngs

    for f in (args.old, args.new):
        if not f.is_file():
            print(f"error: {f}: no such file", file=sys.stderr)
            return EXIT_INPUT
    with tempfile.TemporaryDirectory() as tmp:
        try:
            _, old_map = _draft_and_map(args.old, Path(tmp), "old")
            new_pdf, new_map = _draft_and_map(args.new, Path(tmp), "new")
        except BanmianError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
        except (pikepdf.PdfError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        d = diff_maps(old_map, new_map)
        pictures: list[Path] = []
        if not args.no_pictures:
            folder = args.out or args.new.resolve().parent
            try:
                pictures = render_pngs(new_pdf, folder / f"{args.new.stem}-diff")
            except NoRenderer as exc:
                print(f"note: {exc}; no pictures", file=sys.stderr)
            with pikepdf.open(new_pdf) as pdf:
                media = [[float(v) for v in page.MediaBox] for page in pdf.pages]
            for png, boxes, box in zip(pictures, d.marked, media):
                mark(png, boxes, box)
    if args.json:
        data = {"changes": [c.as_dict() for c in d.changes], "pictures": [str(x) for x in pictures]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(as_markdown(d, args.old.name, args.new.name), end="")
        for png in pictures:
            print(f"picture: {png}")
    return EXIT_WARN if d.changes else EXIT_OK


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename: a failed
    run leaves any earlier file untouched."""
    if path.is_dir():
        raise OutputError("is a folder; give a file name", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", file=str(path)) from None


def page_problems(rendered, *, quiet: bool = False) -> tuple[bool, str]:
    """Print a page's notes, overset and short-page warning to stderr; returns (overset?, warning)."""
    from layout import report

    if not quiet:
        for note in report.notes(rendered):
            print(note, file=sys.stderr)
    for message in report.overset_messages(rendered):
        print(message, file=sys.stderr)
    short = report.short_page(rendered)
    if short:
        print(f"{rendered.page.file}: warning: {short}", file=sys.stderr)
    for message in report.legibility_warnings(rendered):
        print(f"warning: {message}", file=sys.stderr)
        short = short or message
    if rendered.page.warnings or rendered.style.warnings:
        if quiet:  # warnings are problems: shown even when quiet
            for w in (*rendered.page.warnings, *rendered.style.warnings):
                print(w, file=sys.stderr)
        short = short or "unknown fields"
    return bool(rendered.makeup.overset), short


def write_report(path: Path, rendered: list) -> None:
    """The page report as JSON: one page's dict, or a list for an edition."""
    from layout import report

    data = report.as_dict(rendered[0]) if len(rendered) == 1 else [report.as_dict(r) for r in rendered]
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode())


def edition_command(args: argparse.Namespace, doc) -> int:
    """Render every page of an edition: one PDF of all pages and one per page, named by 版次."""
    from layout.edition import load_edition, merge_pdfs, render_edition

    edition = load_edition(args.page, doc)
    for w in edition.warnings:
        print(w, file=sys.stderr)

    def progress(done: int, total: int, page: Path) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {page.name}", file=sys.stderr)

    pages = render_edition(
        edition, style=args.style, mark_overset=args.allow_overset, progress=progress, output=output_for(args)
    )
    problems = [page_problems(r, quiet=args.quiet) for r in pages]
    press = [press_problems(r, args.quiet) for r in pages]
    if EXIT_INTERNAL in press or EXIT_INPUT in press:
        return max(press)
    overset = any(o for o, _ in problems)
    if args.report:
        write_report(args.report, pages)
    if args.verbose:
        from layout.report import table

        print("\n\n".join(table(r) for r in pages))
    if overset and not args.allow_overset:
        print("nothing written: cut the copy, or pass --allow-overset for marked proofs", file=sys.stderr)
        return EXIT_INPUT
    out = args.output or ROOT / "out" / (args.page.stem + ".pdf")
    combined = merge_pdfs([r.pdf for r in pages], edition.title)
    singles = [(out.with_name(f"{out.stem}-{r.page.page:02d}.pdf"), r.pdf) for r in pages]
    files = [*singles, (out, combined)]
    if args.draft:  # the whole edition navigable, and every file with its source map
        from layout.post.draft import make_draft
        from layout.review.draft import map_bytes

        whole = map_bytes([r.review_map for r in pages], args.page.name)
        combined = make_draft(combined, [r.draft_page for r in pages], whole)
        files = [*singles, (out, combined)]
        files += [(sidecar(p), map_bytes([r.review_map], Path(r.page.file).name)) for (p, _), r in zip(singles, pages)]
        files.append((sidecar(out), whole))
    for path, data in files:
        write_atomic(path, data)
    if args.png:
        write_pngs(out, args.quiet)
    if not args.quiet:
        print(f"wrote {out}: {len(pages)} pages; and one file per page: " + ", ".join(p.name for p, _ in singles))
    warned = any(s for _, s in problems) or EXIT_WARN in press or any(r.photo_notes for r in pages)
    warned = warned or bool(edition.warnings)
    return EXIT_WARN if overset or warned else EXIT_OK


def run_once(args: argparse.Namespace) -> int:
    """One render of the page or edition the arguments name; returns the exit status."""
    from layout.edition import is_edition
    from layout.model.source import load_yaml
    from layout.render import render

    doc = load_yaml(args.page)  # parsed once, for the edition check and the page
    if is_edition(doc):
        return edition_command(args, doc)
    rendered = render(
        args.page,
        style=args.style,
        mark_overset=args.allow_overset,
        doc=doc,
        output=output_for(args),
    )
    m = rendered.makeup
    has_overset, short = page_problems(rendered, quiet=args.quiet)
    press = press_problems(rendered, args.quiet)
    if press in (EXIT_INTERNAL, EXIT_INPUT):
        return press
    if args.report:  # the report is written even when the page is not
        write_report(args.report, [rendered])
    if args.verbose:
        from layout.report import table

        print(table(rendered))
    if has_overset and not args.allow_overset:
        print("nothing written: cut the copy, or pass --allow-overset for a marked proof", file=sys.stderr)
        return EXIT_INPUT
    out = args.output or ROOT / "out" / (args.page.stem + ".pdf")
    write_atomic(out, rendered.pdf)
    if args.png:
        write_pngs(out, args.quiet)
    if rendered.review_map is not None:
        from layout.review.draft import map_bytes

        write_atomic(sidecar(out), map_bytes([rendered.review_map], Path(rendered.page.file).name))
    if not args.quiet:
        ascii_marks = {k: v for k, v in rendered.normalized.items() if k.isascii() and k != "space"}
        other = {k: v for k, v in rendered.normalized.items() if k not in ascii_marks}
        counts = ", ".join(f"{k}×{v}" for k, v in sorted(ascii_marks.items())) or "none"
        extra = ""
        if other:
            extra = "; also " + ", ".join(
                f"{'spaces dropped after them' if k == 'space' else k + ' → corner bracket'}×{v}"
                for k, v in sorted(other.items())
            )
        print(
            f"wrote {out}: {len(rendered.page.profiles)} profiles, style {rendered.style.name}, "
            f"module zone filled {m.fill:.1%}; ASCII punctuation made full-width: {counts}{extra}"
        )
    return EXIT_WARN if m.overset or short or press == EXIT_WARN or rendered.photo_notes else EXIT_OK


def write_pngs(pdf: Path, quiet: bool) -> None:
    """Page pictures next to the PDF: OUT-1.png, OUT-2.png …"""
    from layout.review.pictures import NoRenderer, render_pngs

    try:
        made = render_pngs(pdf, pdf.with_suffix(""))
    except NoRenderer as exc:
        print(f"note: {exc}; no pictures", file=sys.stderr)
        return
    if not quiet:
        print("pictures: " + ", ".join(p.name for p in made))


def watched_files(args: argparse.Namespace) -> list[Path]:
    """What a render depends on: the page (or edition and its pages), the style, the photos."""
    from layout.edition import is_edition, load_edition
    from layout.model.content import load_page
    from layout.model.source import load_yaml
    from layout.model.style import style_path

    files = [args.page]
    try:
        doc = load_yaml(args.page)
        pages = list(load_edition(args.page, doc).pages) if is_edition(doc) else [args.page]
        files += pages
        for f in pages:
            page = load_page(f)
            files.append(style_path(args.style or page.style, Path(page.file).resolve().parent))
            files += [pr.photo.file for pr in page.profiles if pr.photo and pr.photo.file]
    except BanmianError:
        pass  # a broken file is still watched; the render says what is wrong
    return sorted({f for f in files if f is not None})


def _stamp(files: list[Path]) -> dict[Path, float]:
    return {f: f.stat().st_mtime if f.exists() else 0.0 for f in files}


def watch(args: argparse.Namespace, poll: float = 0.1) -> int:
    """Render, then again whenever a file it depends on changes, until interrupted;
    each time the page report (and any overset), and how long after the save the
    new PDF was there."""
    import time

    args.verbose = True
    files = watched_files(args)
    seen = _stamp(files)
    print(f"watching {len(files)} file(s); Ctrl-C to stop", file=sys.stderr)
    _render_for_watch(args)
    try:
        while True:
            time.sleep(poll)
            now = _stamp(files)
            if now == seen:
                continue
            changed = [t for f, t in now.items() if t != seen.get(f) and t > 0]
            saved = max(changed) if changed else time.time()  # a deleted file: timed from now
            seen = now
            status = _render_for_watch(args)
            late = time.time() - saved
            print(
                f"[{time.strftime('%H:%M:%S')}] exit {status}; the new PDF {late:.2f} s after the save", file=sys.stderr
            )
            files = watched_files(args)  # the page may name new photos; a save during the render still counts
            seen = {f: seen[f] if f in seen else _stamp([f])[f] for f in files}
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
        return EXIT_OK


def _render_for_watch(args: argparse.Namespace) -> int:
    try:
        return run_once(args)
    except BanmianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    commands = {"preflight": preflight_command, "comments": comments_command, "diff": diff_command}
    if argv[:1] and argv[0] in commands:
        try:
            return commands[argv[0]](argv[1:])
        except Exception as exc:  # a bug: short report, no traceback
            print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_INTERNAL
    args = parse_args(argv)
    try:
        if args.watch:
            return watch(args)
        return run_once(args)
    except BanmianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a bug: short report, no traceback on the terminal
        log = Path(tempfile.gettempdir()) / "banmian-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"internal error: {type(exc).__name__}: {exc} (details in {log}); nothing written", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
