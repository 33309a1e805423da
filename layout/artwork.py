"""Artwork of booked blocks (ads), read and checked before drawing (between the page stages
and the drawing stage, as the photo checks in render.py are).

Input: the page's ``Ad``s (content model), the ``PageFrame``'s ``AdItem``s (their boxes)
and the run's ``Output``. Output: ``Artwork`` facts (PDF or raster, size, colour, ink),
notes (resolution, aspect, conversions: printed as warnings, like photo notes) and
``InputError``s naming the ad's id, file, line and field. An advertiser's artwork is
never converted silently: for press output an RGB raster is refused unless the run
asks to convert ads (``Output.convert_ads``), and PDF artwork must pass the preflight
(``post/preflight.preflight_artwork``) as it is. A PDF is embedded later, after drawing
(``post/artwork.py``); a raster is drawn by the drawing stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from layout import raster
from layout.errors import InputError
from layout.frame import AdItem, PageFrame
from layout.model.content import Ad, Page

if TYPE_CHECKING:
    from PIL.Image import Image

    from layout.render import Output

ASPECT_TOLERANCE = 0.02  # artwork and box may differ this much in shape before a warning
GRAY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
BITMAP_PPI = (550.0, 800.0)  # line art (1 bit): refused under, warned under (as the preflight)


@dataclass(frozen=True)
class Artwork:
    """What an artwork file is: a PDF (its page's trim box in points) or a raster
    (upright pixels, colour ``gray``, ``bitmap``, ``cmyk`` or ``rgb``, and for CMYK the
    most ink any pixel puts down, in %)."""

    kind: str  # "pdf" or "raster"
    width: float
    height: float
    colour: str = ""
    peak_ink: float = 0.0


def is_pdf(path: Path) -> bool:
    """A PDF by its content (the header may follow up to 1 KiB of junk), not its name."""
    with path.open("rb") as f:
        return b"%PDF-" in f.read(1024)


def raster_colour(img: Image) -> str:
    """A raster's colour as the press sees it: ``bitmap`` (1 bit), ``gray``, ``cmyk`` or ``rgb``
    (any other mode: RGB, palette, YCbCr, Lab … with or without alpha)."""
    if img.mode == "1":
        return "bitmap"
    if img.mode in GRAY_MODES:
        return "gray"
    return "cmyk" if img.mode == "CMYK" else "rgb"


def _peak_ink(img: Image) -> float:
    """The most ink (C+M+Y+K, %) any pixel of a CMYK image puts down."""
    from PIL import ImageMath

    c, m, y, k = img.split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255 * 100


def _read_raster(path: Path) -> Artwork:
    """A JPEG, PNG or TIFF, decoded completely (as photos are); ValueError if it cannot be."""
    try:
        with raster.opened(path) as img:
            w, h = raster.upright_size(img)
            colour = raster_colour(img)
            peak = _peak_ink(img) if colour == "cmyk" else 0.0
    except ValueError as exc:
        raise ValueError(f"not a readable image (JPEG, PNG, TIFF) or PDF: {exc}") from None
    return Artwork("raster", w, h, colour, peak)


def _read_pdf(path: Path) -> Artwork:
    """A one-page, unencrypted PDF; its page's trim box (crop or media box if none), upright."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise ValueError("the PDF is encrypted: ask for an unprotected file")
            if len(pdf.pages) != 1:
                raise ValueError(f"the PDF has {len(pdf.pages)} pages; an ad is one page")
            page = pdf.pages[0]
            box = [float(v) for v in page.trimbox]
            rotate = int(page.obj.get("/Rotate", 0)) % 180
    except pikepdf.PasswordError:
        raise ValueError("the PDF is encrypted: ask for an unprotected file") from None
    except pikepdf.PdfError as exc:
        raise ValueError(f"not a readable PDF: {exc}") from None
    w, h = abs(box[2] - box[0]), abs(box[3] - box[1])
    if w <= 0 or h <= 0:
        raise ValueError("the PDF's page has an empty trim box")
    return Artwork("pdf", h if rotate else w, w if rotate else h)


def read_artwork(path: Path) -> Artwork:
    """What ``path`` is; ValueError (the reason) for a file that is no usable artwork."""
    return _read_pdf(path) if is_pdf(path) else _read_raster(path)


def _error(page: Page, ad: Ad, message: str) -> InputError:
    field = f"{ad.path}.file" if ad.file else ad.path
    return page.source.error(field, f"ad '{ad.id}': {message}")


def _file_error(page: Page, ad: Ad, allow_outside: bool) -> str:
    """Why the ad's file cannot be used, as for photos ("" if it can)."""
    assert ad.file is not None
    folder = Path(page.file).resolve().parent
    if not allow_outside and not ad.file.resolve().is_relative_to(folder):
        return f"the artwork {ad.file} is outside the page's folder {folder}; move it there (or pass --allow-outside)"
    if ad.file.is_dir():
        return f"{ad.file.name} is a folder, not an artwork file"
    if not ad.file.is_file():
        return f"artwork not found: {ad.file}"
    return ""


def check_ad_files(page: Page, output: Output) -> dict[str, Artwork]:
    """Every ad's artwork file, before the makeup: in the page's folder (unless
    ``allow_outside``), there, readable, a PDF of one page; for press output, delivered,
    and a raster fit for the plate as it is (colour, ink). Returns the artwork by booking id."""
    arts: dict[str, Artwork] = {}
    for ad in page.ads:
        if ad.file is None:
            continue
        problem = _file_error(page, ad, output.allow_outside)
        if problem:
            raise _error(page, ad, problem)
        try:
            arts[ad.id] = read_artwork(ad.file)
        except ValueError as exc:
            raise _error(page, ad, f"artwork {ad.file.name}: {exc}") from None
    if output.press:
        _check_delivered(page)
        for ad in page.ads:
            if ad.file is not None and arts[ad.id].kind == "raster":
                _check_press_raster(page, ad, arts[ad.id], output)
    return arts


def _check_delivered(page: Page) -> None:
    """Press output needs every ad's artwork: the placeholder is for drafts and proofs."""
    missing = [ad for ad in page.ads if ad.file is None]
    if missing:
        names = ", ".join(f"'{ad.id}' ({ad.path})" for ad in missing)
        raise page.source.error(
            missing[0].path,
            f"no artwork for {names}: the press file needs every ad's file (file:); "
            "a proof or draft shows a placeholder",
        )


def _check_press_raster(page: Page, ad: Ad, art: Artwork, output: Output) -> None:
    """A raster ad as the plate needs it, never converted without being asked."""
    assert ad.file is not None
    name = ad.file.name
    limit = output.limits.tac
    if art.colour == "rgb" and not output.convert_ads:
        raise _error(
            page,
            ad,
            f"artwork {name} is an RGB image; the press takes CMYK or grey artwork as delivered: "
            "ask the advertiser for CMYK (or pass --convert-ads to convert it as photos are)",
        )
    if art.colour == "cmyk" and art.peak_ink > limit + 0.5:
        raise _error(
            page,
            ad,
            f"artwork {name} puts down up to {art.peak_ink:.0f} % total ink; the plant's limit is "
            f"{limit:g} % (--tac): ask the advertiser for artwork separated for newsprint",
        )


def _check_press_pdf(page: Page, ad: Ad, item: AdItem, art: Artwork, output: Output, where: str) -> list[str]:
    """PDF artwork through the preflight's content rules at its placed size: an error refuses
    it (naming the ad and file), a warning is said, naming the ad."""
    from layout.post.preflight import ERROR, preflight_artwork

    assert ad.file is not None
    scale = min(item.width / art.width, item.height / art.height)
    findings = preflight_artwork(ad.file.read_bytes(), output.limits, scale)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        listed = "; ".join(f"[{f.rule}] {f.what}" for f in errors)
        raise _error(
            page,
            ad,
            f"artwork {ad.file.name} fails the press preflight: {listed} (the advertiser must deliver "
            "press-ready artwork, e.g. PDF/X-1a: CMYK or grey, fonts embedded, no transparency, ink within "
            f"{output.limits.tac:g} %)",
        )
    return [f"{where}: artwork {ad.file.name}: preflight [{f.rule}] {f.what} — {f.fix}" for f in findings]


def check_placed_ads(page: Page, frame: PageFrame, arts: dict[str, Artwork], output: Output) -> list[str]:
    """The placed ads, after the makeup: each artwork's shape against its box (a warning
    beyond ``ASPECT_TOLERANCE``); for press output a PDF through the preflight's content
    rules at its placed size (colour, ink, fonts, transparency, image resolution); a
    raster's effective resolution there (as photos: under the error figure refused for
    press output, under the warning figure a warning), and RGB rasters converted (said)."""
    by_id = {ad.id: ad for ad in page.ads}
    notes = []
    for item in frame.items:
        if not isinstance(item, AdItem) or item.id not in arts or item.id not in by_id:
            continue
        ad, art = by_id[item.id], arts[item.id]
        where = f"{page.file}:{page.source.line(f'{ad.path}.file')}: {ad.path}.file: ad '{ad.id}'"
        notes += _aspect(item, art, where)
        if art.kind == "pdf" and output.press:
            notes += _check_press_pdf(page, ad, item, art, output, where)
        if art.kind == "raster":
            notes += _resolution(page, ad, item, art, output, where)
            notes += _converted(art, output, where)
    return notes


def _aspect(item: AdItem, art: Artwork, where: str) -> list[str]:
    box, shape = item.width / item.height, art.width / art.height
    off = shape / box - 1
    if abs(off) <= ASPECT_TOLERANCE:
        return []
    wider = "wider" if off > 0 else "taller"
    return [
        f"{where}: the artwork's shape ({art.width:g}:{art.height:g}) is {abs(off):.0%} {wider} than its box "
        f"({item.width / 72 * 25.4:.0f} × {item.height / 72 * 25.4:.0f} mm): drawn whole, scaled to fit and "
        "centred, with white beside it; ask for artwork of the booked size"
    ]


def _resolution(page: Page, ad: Ad, item: AdItem, art: Artwork, output: Output, where: str) -> list[str]:
    """Effective ppi of a raster drawn whole in its box (the same along both sides)."""
    scale = min(item.width / art.width, item.height / art.height)  # points per pixel
    ppi = 72 / scale
    low, want = BITMAP_PPI if art.colour == "bitmap" else (output.limits.ppi_error, output.limits.ppi_warning)
    pixels = f"{art.width:g}×{art.height:g} pixels"
    if ppi < low and output.press:
        raise _error(
            page,
            ad,
            f"artwork {item.file.name if item.file else ''} is {ppi:.0f} ppi at its printed size "
            f"({pixels}); the press needs at least {low:g} (better {want:g}): ask for a larger original",
        )
    if ppi < want:
        return [
            f"{where}: the artwork is {ppi:.0f} ppi at its printed size ({pixels}); newsprint wants {want:g} or more"
        ]
    return []


def _converted(art: Artwork, output: Output, where: str) -> list[str]:
    if art.colour != "rgb":
        return []
    how = "separated to CMYK with the output profile" if output.photos == "cmyk" else "converted to grey (K)"
    if output.press:
        return [f"{where}: RGB artwork {how} for the press, as asked (--convert-ads)"]
    return [f"{where}: RGB artwork shown {how} on this page; --press refuses it unless --convert-ads"]
