"""Drawing (stage 4): the only module that talks to reportlab.

Input: a ``PageFrame`` (positioned items) and the font faces it names.
Output: the PDF as bytes. No layout decisions are made here.

Everything is drawn in pure black ink (DeviceCMYK 0/0/0/1), never
reportlab's default RGB black, which separates to a four-colour rich
black. Photos are converted to grayscale (K) and cropped to fill their box.
Output is deterministic: reportlab's ``invariant`` mode fixes dates and IDs.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from layout.errors import InputError
from layout.fonts.metrics import FontFace
from layout.frame import ImageItem, MarkItem, PageFrame, RuleItem, TextItem

K100 = CMYKColor(0, 0, 0, 1)
PLACEHOLDER_TINT = CMYKColor(0, 0, 0, 0.12)
MAX_PPI = 300  # photos are downsampled above this at their placed size


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with code points above U+FFFF written as
    UTF-16 surrogate pairs (reportlab writes them as <%04X>, which extractors
    misread: 𬌗 came out as ⰱ)."""

    def utf16(v: int) -> str:
        if v <= 0xFFFF:
            return f"{v:04X}"
        v -= 0x10000
        return f"{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}"

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *[f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)],
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by reportlab when it writes a subset


def register_variant_fonts(faces: Iterable[FontFace], used: dict[str, set[str]]) -> dict[str, str]:
    """Register the punctuation fonts a page uses: "key/half" (marks in half an em)
    and "key/centred" (zh-Hant marks centred); returns "key/variant" → reportlab name."""
    names = {}
    for face in faces:
        for variant, path, ps in (
            ("half", face.halt_path, face.halt_ps_name),
            ("centred", face.hant_path, face.hant_ps_name),
        ):
            if used.get(f"{face.key}/{variant}") and path is not None:
                if ps not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(ttfonts.TTFont(ps, str(path)))
                names[f"{face.key}/{variant}"] = ps
    return names


def register_fonts(faces: Iterable[FontFace], used: dict[str, set[str]]) -> dict[str, str]:
    """Register each face once per process; returns style key → reportlab name.

    A face whose characters on this page are all in its core cut registers
    the core file (7,000 glyphs) instead of the full font (32,000): reportlab
    parses a whole font at registration, and this is most of its cost.
    """
    names = {}
    for face in faces:
        chars = used.get(face.key, set())
        if face.core_covers(chars):
            name, path = face.core_ps_name, face.core_path
        else:
            name, path = face.ps_name, face.path
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(ttfonts.TTFont(name, str(path)))
        names[face.key] = name
    return names


def _chars_by_font(frame: PageFrame, label_font: str) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {label_font: set("照片超版字，图片未排入0123456789 ")}
    for item in frame.items:
        if isinstance(item, TextItem):
            for run in item.runs:
                if run.variant.startswith("fb:"):
                    key = run.variant[3:]  # a fallback face, registered like any other
                else:
                    key = f"{item.font}/{run.variant}" if run.variant else item.font
                used.setdefault(key, set()).update(run.text)
    return used


def _text(c: Canvas, item: TextItem, font: str, variants: dict[str, str], names: dict[str, str], height: float) -> None:
    t = c.beginText()
    t.setFillColor(K100)
    current = None
    for run in item.runs:
        if run.variant.startswith("fb:"):
            name = names[run.variant[3:]]
        else:
            name = variants.get(f"{item.font}/{run.variant}", font) if run.variant else font
        if name != current:
            t.setFont(name, item.size)
            current = name
        t.setTextOrigin(item.x + run.x, height - item.baseline)
        t.setCharSpace(run.char_space)
        t.textOut(run.text)
    c.drawText(t)


def _separate(img, source_icc: bytes | None, output_icc: bytes):
    """An RGB photo separated for the press with its output profile (relative
    colorimetric with black-point compensation: the profile's ink limits hold)."""
    from PIL import ImageCms

    if img.mode == "CMYK":
        return img  # already separated by whoever made it: the preflight checks its ink
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(
            img.convert("RGB"),
            src,
            ImageCms.ImageCmsProfile(io.BytesIO(output_icc)),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            outputMode="CMYK",
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
    except (ImageCms.PyCMSError, OSError) as exc:
        raise ValueError(
            f"its colour profile cannot be converted for the press ({exc}); save it as plain sRGB"
        ) from None


def _photo(c: Canvas, item: ImageItem, height: float, output_icc: bytes | None = None) -> None:
    from PIL import Image, ImageOps

    with Image.open(item.file) as src:  # type: ignore[arg-type]
        source_icc = src.info.get("icc_profile")
        img = ImageOps.exif_transpose(src)
        if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
            # transparent parts show the paper: composite over white before dropping alpha
            rgba = img.convert("RGBA")
            img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        if img.mode.startswith("I") or img.mode == "F":  # 16-bit or wider grey: scale to 8 bits, not clip
            wide = img.convert("I") if img.mode.startswith("I;16") else img
            top = wide.getextrema()[1]
            img = wide.point(lambda v: v * (255 / 65535 if top > 255 else 1)).convert("L")
        if output_icc is not None and img.mode not in ("L", "1"):
            img = _separate(img, source_icc, output_icc)  # colour pages: CMYK for the plant's profile
        else:
            img = img.convert("L")  # newsprint text pages: photos in black ink only
    box_ratio = item.width / item.height
    w, h = img.size
    if w / h > box_ratio:  # too wide: crop the sides
        nw = round(h * box_ratio)
        img = img.crop(((w - nw) // 2, 0, (w - nw) // 2 + nw, h))
    else:
        nh = round(w / box_ratio)
        img = img.crop((0, (h - nh) // 2, w, (h - nh) // 2 + nh))
    max_px = round(item.width / 72 * MAX_PPI)
    if img.size[0] > max_px:
        img = img.resize((max_px, max(1, round(max_px / box_ratio))), Image.Resampling.LANCZOS)
    c.drawImage(ImageReader(img), item.x, height - item.y - item.height, item.width, item.height)


def _placeholder(c: Canvas, item: ImageItem, height: float, label_font: str) -> None:
    x, y, w, h = item.x, height - item.y - item.height, item.width, item.height
    c.setFillColor(PLACEHOLDER_TINT)
    c.setStrokeColor(K100)
    c.setLineWidth(0.25)
    c.rect(x, y, w, h, stroke=1, fill=1)
    c.line(x, y, x + w, y + h)
    c.line(x, y + h, x + w, y)
    size = 9.0
    label = "照片"
    lw = pdfmetrics.stringWidth(label, label_font, size) + size
    c.setFillColor(CMYKColor(0, 0, 0, 0))  # a white ground for the label: knocks out
    c.rect(x + (w - lw) / 2, y + h / 2 - size * 0.8, lw, size * 1.6, stroke=0, fill=1)
    _overprint(c, True)
    c.setFillColor(K100)
    c.setFont(label_font, size)
    c.drawCentredString(x + w / 2, y + h / 2 - size * 0.35, label)


def _mark(c: Canvas, item: MarkItem, height: float, font: str) -> None:
    x, y, w, h = item.x, height - item.y - item.height, item.width, item.height
    c.setStrokeColor(K100)
    c.setLineWidth(1)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.setFillColor(K100)
    c.setFont(font, 8)
    c.drawCentredString(x + w / 2, y + h / 2 - 3, item.label)


@dataclass(frozen=True)
class Proof:
    """What a proof carries outside the trim: crop marks, a slug line, a watermark."""

    slug: str  # file, content hash, time, 版次, 校次
    watermark: str = ""  # e.g. 校样, drawn in a light tint under the page
    margin: float = 42.0  # points around the trim: marks and slug live here
    mark_offset: float = 6.0  # points between the trim and a crop mark
    mark_length: float = 18.0
    mark_weight: float = 0.25


WATERMARK_TINT = CMYKColor(0, 0, 0, 0.1)


def _overprint(c: Canvas, on: bool) -> None:
    """K ink overprints (OPM 1: the zero C, M, Y of 0/0/0/100 leave the plates below alone)."""
    c.setFillOverprint(on)
    c.setStrokeOverprint(on)
    c.setOverprintMask(on)


def _crop_marks(c: Canvas, w: float, h: float, proof: Proof) -> None:
    c.setStrokeColor(K100)
    c.setLineWidth(proof.mark_weight)
    o, n = proof.mark_offset, proof.mark_length
    for x, y, dx, dy in ((0, 0, -1, -1), (w, 0, 1, -1), (0, h, -1, 1), (w, h, 1, 1)):
        c.line(x + dx * o, y, x + dx * (o + n), y)  # horizontal, in line with the trim edge
        c.line(x, y + dy * o, x, y + dy * (o + n))  # vertical


def _watermark(c: Canvas, w: float, h: float, text: str, font: str) -> None:
    c.saveState()
    c.setFillColor(WATERMARK_TINT)
    c.translate(w / 2, h / 2)
    c.rotate(30)
    size = min(w, h) / max(2, len(text)) * 0.8
    c.setFont(font, size)
    c.drawCentredString(0, -size * 0.35, text)
    c.restoreState()


def draw_pdf(
    frame: PageFrame,
    faces: dict[str, FontFace],
    *,
    author: str = "",
    subject: str = "",
    proof: Proof | None = None,
    photo_profile: bytes | None = None,
    keywords: str = "",
) -> bytes:
    """Draw one page and return the PDF bytes. All text and rules are K (0/0/0/100) and
    overprint; with ``proof``, the page sits in a larger sheet (TrimBox at the page)
    with crop marks, a slug and an optional watermark outside or under it. Photos are
    grayscale, or with ``photo_profile`` (a CMYK output ICC profile) colour photos
    are separated to CMYK for it."""
    label_key = "kai" if "kai" in faces else next(iter(faces))
    used = _chars_by_font(frame, label_key)
    if proof:  # the slug and watermark are set in the label font too
        used[label_key] |= set(proof.slug + proof.watermark)
    names = register_fonts(faces.values(), used)
    variants = register_variant_fonts(faces.values(), used)
    first = next(iter(names.values()))
    buf = io.BytesIO()
    rl_config.useA85 = 0  # binary streams: ASCII85 only adds a quarter to the size
    m = proof.margin if proof else 0.0
    W, H = frame.width, frame.height
    c = Canvas(
        buf,
        pagesize=(W + 2 * m, H + 2 * m),
        invariant=1,
        pageCompression=1,
        initialFontName=first,
        enforceColorSpace="cmyk",
    )
    c.setTitle(frame.title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator("Banmian")
    if keywords:  # the installed fonts used and what each set (fonts/page.py, fallback_record)
        c.setKeywords(keywords)
    c.setTrimBox((m, m, m + W, m + H))
    c.setBleedBox((m, m, m + W, m + H))
    label_font = names[label_key]
    c.translate(m, m)
    if proof and proof.watermark:
        _watermark(c, W, H, proof.watermark, label_font)
    _overprint(c, True)
    for item in frame.items:
        if isinstance(item, TextItem):
            _text(c, item, names[item.font], variants, names, H)
        elif isinstance(item, RuleItem):
            c.setStrokeColor(K100)
            c.setLineWidth(item.weight)
            c.line(item.x1, H - item.y1, item.x2, H - item.y2)
        elif isinstance(item, ImageItem):
            c.saveState()
            _overprint(c, False)  # photos and the placeholder's white label knock out
            if item.file is not None:
                try:
                    _photo(c, item, H, photo_profile)
                except ValueError as exc:
                    raise InputError(f"photo {item.file.name}: {exc}", file=str(item.file)) from None
            else:
                _placeholder(c, item, H, label_font)
            c.restoreState()
        elif isinstance(item, MarkItem):
            _mark(c, item, H, label_font)
    if proof:
        _crop_marks(c, W, H, proof)
        c.setFillColor(K100)
        c.setFont(label_font, 7)
        c.drawString(0, -(proof.mark_offset + proof.mark_length + 9), proof.slug)
    c.showPage()
    c.save()
    return buf.getvalue()
