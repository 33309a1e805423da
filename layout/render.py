"""The pipeline, end to end (orchestrator; no stage logic of its own).

Input: a page YAML path (and optionally a style). Output: a ``Rendered``
value: the PDF bytes, the makeup report and the normalisation counts.
Steps: content model → style and fonts → normalise and check glyphs →
page makeup (line breaking, column flow, arrangement) → drawing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from layout import raster
from layout.errors import InputError, LayoutError
from layout.fonts.page import PageFonts, fallback_record, load_faces, page_fonts
from layout.frame import ImageItem
from layout.lang.normalize import hant_quotes, normalize
from layout.lang.zh import rules_for
from layout.model.content import Continuation, Page, load_page
from layout.model.source import Located
from layout.model.style import Style, load_style, style_path
from layout.page.arrange import NoArrangement
from layout.page.check import check_frame
from layout.page.context import Context
from layout.page.makeup import Makeup, jump_text, make_page
from layout.post.intent import IFRA26, Limits, OutputIntent

__all__ = ["Output", "Rendered", "load_faces", "normalized_texts", "page_texts", "render", "rules_for"]

if TYPE_CHECKING:
    from layout.artwork import Artwork
    from layout.draw.tone import PhotoInk
    from layout.page.keep import Previous
    from layout.post.draft import DraftPage
    from layout.post.preflight import Report


@dataclass(frozen=True)
class Output:
    """What kind of PDF to write: plain (the default), press (PDF/X, checked by the
    preflight) or proof (crop marks, slug, optional watermark, outside the trim)."""

    press: str = ""  # "", "x1a" (PDF/X-1a:2001) or "x4" (PDF/X-4)
    intent: OutputIntent | None = None  # the press's output intent (default IFRA26 by name)
    limits: Limits = Limits()  # the plant's ink and resolution limits
    proof_round: str = ""  # 校次 for a proof, e.g. 一校; "" with proof=False: no proof
    proof: bool = False
    watermark: str = ""
    photos: str = "gray"  # "gray" (K only) or "cmyk" (separated with the output intent's profile)
    draft: bool = False  # a review draft: a proof sheet with bookmarks, named destinations and a source map
    allow_outside: bool = False  # photos may lie outside the page's folder
    convert_ads: bool = False  # press: convert RGB raster ads as photos are (else refused)
    system_fonts: bool = False  # installed fonts (fontconfig) may set characters no style font has
    allow_placeholders: bool = False  # press: photos without a file and open areas print as a keyline


@dataclass(frozen=True)
class Rendered:
    """A rendered page: its PDF, the makeup it drew, and what the command reports."""

    pdf: bytes
    makeup: Makeup
    page: Page
    style: Style
    normalized: Counter[str]
    substitutions: tuple[str, ...] = ()  # characters set from another face than their role's, installed fonts used
    photo_notes: tuple[str, ...] = ()  # photos under the warning resolution
    preflight: Report | None = None  # press output: the preflight of the written PDF
    review_map: dict | None = None  # a draft: every text line's box and source (review/map.py)
    draft_page: DraftPage | None = None  # a draft: the page's bookmarks and destinations


def page_texts(page: Page) -> dict[str, str]:
    """Every text field of the page by YAML path, as given."""
    texts = {"paper": page.paper, "section": page.section, "headline": page.headline}
    for key, value in (("subhead", page.subhead), ("editor", page.editor)):
        if value:
            texts[key] = value
    for j, para in enumerate(page.intro):
        texts[f"intro[{j}]"] = para
    for p in page.profiles:
        if p.headline:
            texts[f"{p.path}.headline"] = p.headline
        if p.group:
            texts[f"{p.path}.group"] = p.group
        texts[f"{p.path}.name"] = p.name
        if p.role:
            texts[f"{p.path}.role"] = p.role
        for j, para in enumerate(p.body):
            texts[f"{p.path}.body[{j}]"] = para
        if p.photo and p.photo.caption:
            texts[f"{p.path}.photo.caption"] = p.photo.caption
        if p.photo and p.photo.credit:
            texts[f"{p.path}.photo.credit"] = p.photo.credit
        if p.quote:
            texts[f"{p.path}.quote.text"] = p.quote.text
            if p.quote.by:
                texts[f"{p.path}.quote.by"] = p.quote.by
    for f in page.fillers:
        if f.title:
            texts[f"{f.path}.title"] = f.title
        for j, para in enumerate(f.body):
            texts[f"{f.path}.body[{j}]"] = para
    return texts


def normalized_texts(page: Page) -> tuple[dict[str, str], Counter[str]]:
    texts = page_texts(page)
    total: Counter[str] = Counter()
    if page.normalize_punctuation:
        for key, value in texts.items():
            texts[key], counts = normalize(value)
            total += counts
            if page.lang == "zh-Hant":
                texts[key], counts = hant_quotes(texts[key])
                total += counts
    return texts, total


def check_photos(page: Page, *, allow_outside: bool = False) -> None:
    """Every photo file must lie in the page's folder (or below it, unless
    ``allow_outside``), exist, and decode completely (truncated files included)."""
    folder = Path(page.file).resolve().parent
    files = [(p.photo.file, f"{p.path}.photo.file") for p in page.profiles if p.photo and p.photo.file]
    files += [(f.file, f"{f.path}.file") for f in page.fillers if f.file]
    for f, field in files:
        if not allow_outside and not f.resolve().is_relative_to(folder):
            raise page.source.error(
                field, f"the photo {f} is outside the page's folder {folder}; move it there (or pass --allow-outside)"
            )
        if f.is_dir():
            raise page.source.error(field, f"{f.name} is a folder, not a photo file")
        if not f.is_file():
            raise page.source.error(field, f"photo not found: {f}")
        try:
            with raster.opened(f):
                pass
        except ValueError as exc:
            raise page.source.error(field, f"cannot read the photo: {exc}") from None


def check_resolution(
    page: Page, frame, limits: Limits, *, press: bool, continuations: tuple[Continuation, ...] = ()
) -> list[str]:
    """Each photo's effective resolution at its placed size: a note under the warning
    figure, and under the error figure an input error for press output (a note otherwise).
    A continued profile's photo is named in the file it came from."""
    where: dict[Path, tuple[str, str, int | None]] = {}  # photo → (file, field, line)
    for c in continuations:
        if c.with_photo and c.profile.photo and c.profile.photo.file:
            where[c.profile.photo.file] = (c.file, f"{c.profile.path}.photo.file", c.line)
    for pr in page.profiles:
        if pr.photo and pr.photo.file:
            field = f"{pr.path}.photo.file"
            where[pr.photo.file] = (page.file, field, page.source.line(field))
    for f in page.fillers:
        if f.file:
            where[f.file] = (page.file, f"{f.path}.file", page.source.line(f"{f.path}.file"))
    notes = []
    for item in frame.items:
        if not isinstance(item, ImageItem) or item.file is None:
            continue
        w, h = raster.upright_size(raster.decoded(item.file))  # the image the check decoded, not read again
        # cropped to fill the box: the pixels along the box's tighter side
        ppi = h / (item.height / 72) if w / h > item.width / item.height else w / (item.width / 72)
        file, field, line = where.get(item.file, (page.file, str(item.file), None))
        if ppi < limits.ppi_error and press:
            raise InputError(
                f"the photo is {ppi:.0f} ppi at its printed size ({w}×{h} pixels); the press needs at least "
                f"{limits.ppi_error:g} (better {limits.ppi_warning:g}): use a larger original",
                file=file,
                line=line,
                field=field,
            )
        if ppi < limits.ppi_warning:
            notes.append(
                f"{file}:{line}: {field}: the photo is {ppi:.0f} ppi at its printed size ({w}×{h} pixels); "
                f"newsprint wants {limits.ppi_warning:g} or more"
            )
    return notes


def _missing_photos(page: Page, frame, continuations: tuple[Continuation, ...]) -> list[str]:
    """Where each photo the frame holds as a placeholder (no file) is asked for: file:line, profile."""
    shown = {i.label for i in frame.items if isinstance(i, ImageItem) and i.file is None}  # profiles' names
    wheres = []
    for c in continuations:
        if c.with_photo and c.profile.photo and not c.profile.photo.file and c.profile.name in shown:
            wheres.append(f"{c.file}:{c.line} {c.profile.path} ({c.profile.name})")
    for pr in page.profiles:
        if pr.photo and not pr.photo.file and pr.name in shown:
            wheres.append(f"{page.file}:{page.source.line(pr.path + '.photo')} {pr.path} ({pr.name})")
    return wheres


def check_plate(page: Page, makeup: Makeup, continuations: tuple[Continuation, ...] = ()) -> None:
    """Press output carries no placeholders: a photo without its file, or a short page's
    open area, is refused (``--allow-placeholders`` prints them as a keyline instead)."""
    wheres = _missing_photos(page, makeup.frame, continuations)
    if wheres:
        raise InputError(
            f"the press file would print {len(wheres)} photo placeholder(s) on the plate; these profiles lack "
            f"their photo file: {'; '.join(wheres)}. Give each photo its file, or pass --allow-placeholders "
            "(a thin keyline marks the box)",
            file=page.file,
        )
    if makeup.open_areas:
        sizes = ", ".join(f"{a.columns} columns × {a.rows} lines" for a in makeup.open_areas)
        raise InputError(
            f"the press file would leave an open area on the plate (short page: {sizes}); add copy, a filler "
            "or an ad, or pass --allow-placeholders (a thin keyline marks the area)",
            file=page.file,
        )


def document_time(page: Page) -> dt.datetime:
    """The time a document states (PDF dates, the proof slug): SOURCE_DATE_EPOCH if set
    (reproducible builds), else the page's publication date; never the clock or a file
    time, so the same content gives the same bytes (the slug's content hash tells
    proof rounds apart)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime(page.date.year, page.date.month, page.date.day, tzinfo=dt.UTC)


def content_hash(*files: Path) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def _checked_texts(
    texts: dict[str, str], continuations: tuple[Continuation, ...], jump_to: int, lang: str
) -> dict[str, str]:
    """The page's texts plus what else it sets in its fonts: continued text and jump lines."""
    checked = dict(texts)
    for c in continuations:
        checked.update(c.texts)
        checked[f"{c.profile.path}.jump_from"] = jump_text("上接", c.from_page, lang)
    if jump_to:
        checked["jump"] = jump_text("下转", jump_to, lang)
    return checked


def _written(st: Style, page: Page) -> Style:
    """The style as the page writes: a horizontal style's type area cut into bands for a
    page in vertical writing; a vertical style cannot set a horizontal page."""
    if not page.writing or page.writing == st.writing:
        return st
    if page.writing == "horizontal":
        raise page.source.error(
            "writing", f"the style '{st.name}' writes vertically; a horizontal page needs a horizontal style"
        )
    from layout.page.vertical import vertical_grid

    return vertical_grid(st)


def _make_up(
    ctx: Context,
    page: Page,
    texts: dict[str, str],
    *,
    mark_overset: bool,
    mark_open: bool,
    jump_to: int,
    continuations: tuple[Continuation, ...],
    keep: Previous | None = None,
) -> Makeup:
    """Line breaking, column flow and arrangement (the page stages), then the self-check."""
    make = make_page
    if ctx.style.writing == "vertical":
        from layout.page.vertical import make_vertical_page  # 竖排: the type area set turned

        make = make_vertical_page
    try:
        makeup = make(
            ctx,
            page,
            texts,
            mark_overset=mark_overset,
            mark_open=mark_open,
            jump_to=jump_to,
            continuations=continuations,
            keep=keep,
        )
    except NoArrangement as exc:
        raise InputError(str(exc), file=page.file) from None
    problems = check_frame(makeup.frame)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise LayoutError(f"internal layout check failed: {problems[0]}{more}", file=page.file)
    return makeup


def _ad_files(page: Page, output: Output) -> dict[str, Artwork]:
    """The ads' artwork, checked before the makeup (artwork.py, imported for a page with ads)."""
    if not page.ads:
        return {}
    from layout.artwork import check_ad_files

    return check_ad_files(page, output)


def _checked_output(
    page: Page, makeup: Makeup, arts: dict, output: Output, continuations: tuple[Continuation, ...]
) -> list[str]:
    """What the made-up page may print: photos' resolution, placed ads, and for the press
    no placeholders (unless allowed). Returns the notes; refusals raise."""
    notes = check_resolution(page, makeup.frame, output.limits, press=bool(output.press), continuations=continuations)
    if arts:  # without artwork there is nothing to check (artwork.py)
        from layout.artwork import check_placed_ads

        notes += check_placed_ads(page, makeup.frame, arts, output)
    if output.press and not output.allow_placeholders:
        check_plate(page, makeup, continuations)
    return notes


def _previous(keep: Path | None, page: Page) -> Previous | None:
    """``--keep``: the previous round's arrangement of this page, from a draft or its map."""
    if keep is None:
        return None
    from layout.page.keep import previous_page  # --keep only
    from layout.review.draft import load_map

    return previous_page(load_map(keep), page.page, str(keep))


def proof_slug(page: Page, style: Style, when: dt.datetime, proof_round: str) -> str:
    """The line printed outside a proof's trim: file, content hash, date, 版次, 校次."""
    parts = (
        Path(page.file).name,
        f"sha256 {content_hash(Path(page.file), Path(style.file))}",
        when.strftime("%Y-%m-%d"),
        f"第{page.page}版 {page.section}",
        proof_round,
        "Banmian 校样",
    )
    return "  ".join(part for part in parts if part)


@dataclass(frozen=True)
class _Post:
    """What post-processing adds to the drawn PDF."""

    pdf: bytes
    preflight: Report | None = None
    review_map: dict | None = None
    draft_page: DraftPage | None = None


def _post_process(
    pdf: bytes,
    output: Output,
    page: Page,
    makeup: Makeup,
    texts: dict[str, str],
    faces: dict,
    continuations: tuple[Continuation, ...],
    margin: float,
    when: dt.datetime,
    style: str = "",
) -> _Post:
    """A draft's navigation and source map; a press file's PDF/X and its preflight."""
    review_map = draft_page = report = None
    if output.draft:
        from layout.post.draft import make_draft
        from layout.review.draft import map_bytes, review_page

        origin = (margin, margin + makeup.frame.height)
        review_map, draft_page = review_page(page, makeup, texts, continuations, faces, origin, style)
        pdf = make_draft(pdf, [draft_page], map_bytes([review_map], Path(page.file).name))
    if (output.proof or output.draft) and not output.press:  # the press's output intent on the proof
        from layout.post.proof import make_proof

        pdf = make_proof(pdf, output.intent or IFRA26, draft=output.draft)
    if output.press:  # PDF/X and its preflight
        from layout.post.pdfx import make_press
        from layout.post.preflight import preflight

        pdf = make_press(pdf, output.intent or IFRA26, when=when, standard=output.press)
        report = preflight(pdf, replace(output.limits, standard=output.press))
    return _Post(pdf, report, review_map, draft_page)


@dataclass(frozen=True)
class _Drawn:
    """The drawn PDF and its proof margin."""

    pdf: bytes
    margin: float  # the proof sheet's margin around the trim (0 for a plain or press page)


def _photo_ink(output: Output) -> PhotoInk | None:
    """The press: grey photos tone-corrected, colour photos within the plant's TAC (draw/tone.py)."""
    if not output.press:
        return None
    from layout.draw.tone import PhotoInk

    return PhotoInk(profile=output.intent.profile if output.intent else None, tac=output.limits.tac)


def _draw(makeup: Makeup, fonts: PageFonts, page: Page, style: Style, output: Output, when: dt.datetime) -> _Drawn:
    """The drawing stage: the frame as PDF, on a proof sheet for proofs and drafts."""
    from layout.draw.pdf import Proof, draw_pdf  # the drawing stage loads reportlab

    proof = None
    if output.proof or output.draft:
        mark = output.watermark or ("校样" if output.draft else "")
        proof = Proof(proof_slug(page, style, when, output.proof_round), mark, colour=bool(style.colours))
    pdf = draw_pdf(
        makeup.frame,
        fonts.faces,
        author=page.paper,
        subject=f"第{page.page}版 {page.section}",
        proof=proof,
        photo_profile=output.intent.profile if output.photos == "cmyk" and output.intent else None,
        photo_ink=_photo_ink(output),
        keywords=fallback_record(fonts.supplied),
        when=when,
        plate=bool(output.press),
        colours=style.colours,
    )
    return _Drawn(pdf, proof.margin if proof else 0.0)


def render(
    page_file: Path,
    *,
    style: str | None = None,
    mark_overset: bool = False,
    doc: Located | None = None,
    jump_to: int = 0,
    continuations: tuple[Continuation, ...] = (),
    output: Output = Output(),
    keep: Path | None = None,
) -> Rendered:
    """Render one page. In an edition, ``jump_to`` is the 版次 where text that does not
    fit continues (``Rendered.makeup.jumps``) and ``continuations`` are profiles
    continued from earlier pages. ``output`` asks for press or proof output. ``keep``: a
    previous round's draft (or its map): its arrangement is kept where the copy allows."""
    page = load_page(page_file, doc)
    st = _written(load_style(style_path(style or page.style, Path(page.file).resolve().parent)), page)
    texts, counts = normalized_texts(page)
    checked = _checked_texts(texts, continuations, jump_to, page.lang)
    fonts = page_fonts(st, checked, page.source, system=output.system_fonts or st.fallback == "system")
    check_photos(page, allow_outside=output.allow_outside)
    arts = _ad_files(page, output)
    rules = rules_for(
        page.lang,
        st.kinsoku or None,
        st.punctuation or None,
        halve_opening_at_line_start=st.halve_opening_at_line_start,
        hanging=st.hanging or None,
        hang_room=st.gutter,
    )
    makeup = _make_up(
        Context(st, fonts.faces, rules),
        page,
        texts,
        mark_overset=mark_overset,
        mark_open=output.proof or output.draft or bool(output.press and output.allow_placeholders),
        jump_to=jump_to,
        continuations=continuations,
        keep=_previous(keep, page),
    )
    photo_notes = _checked_output(page, makeup, arts, output, continuations)
    when = document_time(page)
    drawn = _draw(makeup, fonts, page, st, output, when)
    pdf = drawn.pdf
    if arts:  # PDF ads as form XObjects (post stage, pikepdf)
        from layout.post.artwork import embed_artwork

        pdf = embed_artwork(pdf, makeup.frame, drawn.margin)
    from layout.post.subsets import unique_subset_tags  # post stage (pikepdf)

    pdf = unique_subset_tags(pdf)  # subset names from each font program, unique across pages and editions
    post = _post_process(pdf, output, page, makeup, texts, fonts.faces, continuations, drawn.margin, when, st.name)
    return Rendered(
        post.pdf,
        makeup,
        page,
        st,
        counts,
        fonts.notes,
        tuple(photo_notes),
        post.preflight,
        post.review_map,
        post.draft_page,
    )
