"""The preflight's broken-PDF corpus: one file per rule, each made here with reportlab
and pikepdf (never with our renderer), and the table of what catches each.

A clean PDF/X-1a:2001 or PDF/X-4 base page (K text that overprints, a 0.5 pt K rule,
a grayscale photo at 200 ppi, boxes, Info/XMP, output intent) is built first; each
``DEFECTS`` entry adds one fault to it. ``tests/test_preflight_rules.py`` checks that
every file is caught by exactly its rule; ``python benchmarks/preflight_corpus.py``
prints the table (rule, file, caught by, severity, clause).
"""

from __future__ import annotations

import io
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from reportlab.lib.colors import CMYKColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import photo_image  # noqa: E402

from layout.post.intent import BUNDLED_ICC, Limits  # noqa: E402
from layout.post.preflight import RULES, preflight  # noqa: E402

FONT = ROOT / "fonts" / "BanmianSerifSC-Regular.core.ttf"
W, H = 567.0, 425.0
STAMP = "D:20240315080000+08'00'"


def _font() -> str:
    if "CorpusSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttfonts.TTFont("CorpusSerif", str(FONT)))
    return "CorpusSerif"


def _drawn(helvetica: bool = False) -> bytes:
    """The page's marks, as reportlab draws them (the font is /F1 in the resources)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(W, H), invariant=1, initialFontName=_font(), enforceColorSpace="cmyk")
    c.setTitle("preflight corpus page")
    c.setFillOverprint(True)
    c.setStrokeOverprint(True)
    c.setOverprintMask(True)
    c.setFillColor(CMYKColor(0, 0, 0, 1))
    c.setFont(_font(), 9)
    c.drawString(40, 380, "新闻正文九磅黑字，压印。")
    c.setStrokeColor(CMYKColor(0, 0, 0, 1))
    c.setLineWidth(0.5)
    c.line(40, 370, 500, 370)
    c.saveState()
    c.setFillOverprint(False)
    c.setStrokeOverprint(False)
    c.setOverprintMask(False)
    c.drawImage(ImageReader(photo_image(556, "L")), 40, 200, 200, 150)  # 200 ppi
    c.restoreState()
    if helvetica:
        c.setFont("Helvetica", 9)
        c.drawString(40, 100, "Helvetica, never embedded")
    c.showPage()
    c.save()
    return buf.getvalue()


def _xmp(pdf: pikepdf.Pdf, ids: bool = True, title: bool = True) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] = "PDF/X-4"
        meta["pdf:Trapped"] = "False"
        if title:
            meta["dc:title"] = "preflight corpus page"
        meta["xmp:CreateDate"] = "2024-03-15T08:00:00+08:00"
        meta["xmp:ModifyDate"] = "2024-03-15T08:00:00+08:00"
        if ids:
            meta["xmpMM:DocumentID"] = "uuid:6f1c2a8e-0000-4000-8000-000000000001"
            meta["xmpMM:VersionID"] = "1"
            meta["xmpMM:RenditionClass"] = "default"


def base(standard: str = "x1a", helvetica: bool = False) -> pikepdf.Pdf:
    """The clean PDF/X base page, open for a defect to be added."""
    pdf = pikepdf.open(io.BytesIO(_drawn(helvetica)))
    info = pdf.docinfo
    info["/Title"] = "preflight corpus page"
    info["/CreationDate"] = info["/ModDate"] = STAMP
    info["/Trapped"] = pikepdf.Name("/False")
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="IFRA26",
        RegistryName="http://www.color.org", Info="Coldset offset on newsprint (ISO 12647-3)",
    )  # fmt: skip
    if standard == "x1a":
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/GTS_PDFXConformance"] = "PDF/X-1a:2001"
    else:
        info["/GTS_PDFXVersion"] = "PDF/X-4"
        icc = pikepdf.Stream(pdf, BUNDLED_ICC.read_bytes())
        icc["/N"] = 4
        intent["/DestOutputProfile"] = pdf.make_indirect(icc)
        _xmp(pdf)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    page = pdf.pages[0].obj
    page["/TrimBox"] = page["/BleedBox"] = pikepdf.Array([0, 0, W, H])
    return pdf


def save(pdf: pikepdf.Pdf, standard: str = "x1a") -> bytes:
    out = io.BytesIO()
    version = "1.3" if standard == "x1a" else "1.6"
    keep = {"compress_streams": False, "stream_decode_level": pikepdf.StreamDecodeLevel.none}  # LZW stays LZW
    pdf.save(out, deterministic_id=True, force_version=version, **keep)
    return out.getvalue()


def _resource(pdf: pikepdf.Pdf, kind: str, name: str, value: pikepdf.Object) -> None:
    res = pdf.pages[0].obj.Resources
    if kind not in res:
        res[kind] = pikepdf.Dictionary()
    res[kind][name] = value


def _append(pdf: pikepdf.Pdf, content: bytes, **ext_gstates: pikepdf.Dictionary) -> None:
    """Marks added after the page's own: ``/Ko`` (knockout) and ``/Op`` (overprint) states are there."""
    _resource(pdf, "/ExtGState", "/Ko", pikepdf.Dictionary(op=False, OP=False, OPM=0))
    _resource(pdf, "/ExtGState", "/Op", pikepdf.Dictionary(op=True, OP=True, OPM=1))
    for name, gs in ext_gstates.items():
        _resource(pdf, "/ExtGState", f"/{name}", gs)
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, content), prepend=False)


def _image(pdf: pikepdf.Pdf, data: bytes, **keys: object) -> pikepdf.Stream:
    img = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, **keys)
    return pdf.make_indirect(img)


def _place(pdf: pikepdf.Pdf, xobject: pikepdf.Object, width: float = 200, height: float = 150) -> None:
    _resource(pdf, "/XObject", "/Ix", xobject)
    _append(pdf, f"q /Ko gs {width} 0 0 {height} 300 60 cm /Ix Do Q".encode())


def _gray(px: int = 556) -> tuple[bytes, int, int]:
    img = photo_image(px, "L")
    return img.tobytes(), img.width, img.height


def _text(pdf: pikepdf.Pdf, colour: str, size: float, state: str = "/Op gs") -> None:
    _append(pdf, f"q {state} BT /F1 {size:g} Tf {colour} 40 100 Td <0001> Tj ET Q".encode())


def _lzw(data: bytes) -> bytes:
    """LZW without compression: 9-bit literal codes, a clear code every 200 (as PDF's LZWDecode reads)."""
    codes = [256]
    for i, byte in enumerate(data):
        if i and i % 200 == 0:
            codes.append(256)
        codes.append(byte)
    codes.append(257)
    bits = "".join(f"{c:09b}" for c in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


# -- one defect each ------------------------------------------------------------------------------
def d_rgb(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q 0.8 0.1 0.1 rg 300 60 100 50 re f Q")


def d_spot_rgb(pdf: pikepdf.Pdf) -> None:
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1], C1=[0.9, 0.1, 0.1], N=1)
    spot = [pikepdf.Name.Separation, pikepdf.Name("/PANTONE 185 C"), pikepdf.Name.DeviceRGB, pdf.make_indirect(tint)]
    _resource(pdf, "/ColorSpace", "/Spot", pikepdf.Array(spot))
    _append(pdf, b"q /Spot cs 1 scn 300 60 100 50 re f Q")


def d_jpx(pdf: pikepdf.Pdf) -> None:
    buf = io.BytesIO()
    photo_image(556, "L").save(buf, "JPEG2000")
    _place(pdf, _image(pdf, buf.getvalue(), Width=556, Height=417, Filter=pikepdf.Name.JPXDecode))


def d_16bit(pdf: pikepdf.Pdf) -> None:
    data, w, h = _gray()
    wide = b"".join(bytes((b, b)) for b in data)
    _place(pdf, _image(pdf, zlib.compress(wide), Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray,
                       BitsPerComponent=16, Filter=pikepdf.Name.FlateDecode))  # fmt: skip


def d_lzw(pdf: pikepdf.Pdf) -> None:
    data, w, h = _gray()
    _place(pdf, _image(pdf, _lzw(data), Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray,
                       BitsPerComponent=8, Filter=pikepdf.Name.LZWDecode))  # fmt: skip


def d_72ppi(pdf: pikepdf.Pdf) -> None:
    data, w, h = _gray(200)
    _place(pdf, _image(pdf, zlib.compress(data), Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray,
                       BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode))  # fmt: skip


def d_alternate(pdf: pikepdf.Pdf) -> None:
    data, w, h = _gray()
    keys = dict(Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
    alt = _image(pdf, zlib.compress(data), Filter=pikepdf.Name.FlateDecode, **keys)
    main = _image(pdf, zlib.compress(data), Filter=pikepdf.Name.FlateDecode, **keys)
    main["/Alternates"] = pikepdf.Array([pikepdf.Dictionary(Image=alt, DefaultForPrinting=True)])
    _place(pdf, main)


def d_postscript(pdf: pikepdf.Pdf) -> None:
    ps = pikepdf.Stream(pdf, b"% PostScript", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.PS)
    _resource(pdf, "/XObject", "/Ps", pdf.make_indirect(ps))
    _append(pdf, b"q /Ps Do Q")


def d_reference(pdf: pikepdf.Pdf) -> None:
    form = pikepdf.Stream(pdf, b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10])
    form["/Ref"] = pikepdf.Dictionary(F="other.pdf", Page=0)
    _resource(pdf, "/XObject", "/Rf", pdf.make_indirect(form))
    _append(pdf, b"q /Rf Do Q")


def d_transparency(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q /Half gs 0 0 0 0.5 k 300 60 100 50 re f Q", Half=pikepdf.Dictionary(ca=0.5))


def d_transfer(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q /Tr gs 0 0 0 0.5 k 300 60 100 50 re f Q", Tr=pikepdf.Dictionary(TR=pikepdf.Name.Identity))


def d_halftone(pdf: pikepdf.Pdf) -> None:
    ht = pikepdf.Stream(pdf, bytes(16), HalftoneType=6, Width=4, Height=4)
    _append(pdf, b"q /Ht gs 0 0 0 0.5 k 300 60 100 50 re f Q", Ht=pikepdf.Dictionary(HT=pdf.make_indirect(ht)))


def d_ink(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q 1 1 1 0 k 300 60 100 50 re f Q")


def d_hairline(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q 0 0 0 1 K 0.1 w 40 60 m 500 60 l S Q")


def d_thin_one_ink(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q /Op gs 0 0 0 1 K 0.2 w 40 60 m 500 60 l S Q")


def d_inline(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q 20 0 0 20 300 60 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q")


def d_content(pdf: pikepdf.Pdf) -> None:
    garbage = pikepdf.Stream(pdf, b"this is not Flate data", Filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].contents_add(garbage, prepend=False)


def d_undecodable(pdf: pikepdf.Pdf) -> None:
    _place(pdf, _image(pdf, b"not a JPEG", Width=556, Height=417, ColorSpace=pikepdf.Name.DeviceGray,
                       BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode))  # fmt: skip


def d_rich_black(pdf: pikepdf.Pdf) -> None:
    _text(pdf, "0.6 0.4 0.4 1 k", 9)


def d_two_ink(pdf: pikepdf.Pdf) -> None:
    _text(pdf, "0 1 1 0 k", 6)


def d_knockout(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q /Ko gs 0 0 0 0.2 k 300 60 200 100 re f Q")
    _text(pdf, "0 0 0 1 k", 9, state="/Ko gs")


def d_gray_text(pdf: pikepdf.Pdf) -> None:
    _text(pdf, "0 g", 9)


def d_reversed(pdf: pikepdf.Pdf) -> None:
    _append(pdf, b"q /Ko gs 0 0 0 1 k 30 90 200 30 re f Q")
    _text(pdf, "0 0 0 0 k", 6, state="/Ko gs")


def d_white_overprint(pdf: pikepdf.Pdf) -> None:
    _text(pdf, "0 0 0 0 k", 12)


def d_embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"editor's notes", mime_type="text/plain")


def d_file_annotation(pdf: pikepdf.Pdf) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, b"editor's notes", mime_type="text/plain")
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                               Rect=[100, 300, 120, 320], FS=spec.obj)  # fmt: skip
    pdf.pages[0].obj["/Annots"] = pikepdf.Array([pdf.make_indirect(annot)])


def d_annotation(pdf: pikepdf.Pdf) -> None:
    note = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[100, 300, 120, 320],
                              Contents=pikepdf.String("请核对"))  # fmt: skip
    pdf.pages[0].obj["/Annots"] = pikepdf.Array([pdf.make_indirect(note)])


def d_layers(pdf: pikepdf.Pdf) -> None:
    ocg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="广告层"))
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[ocg], D=pikepdf.Dictionary(Order=[ocg], ON=[ocg]))
    _resource(pdf, "/Properties", "/L1", ocg)
    _append(pdf, b"/OC /L1 BDC q 0 0 0 0.5 k 300 60 100 50 re f Q EMC")


def d_no_trim(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[0].obj["/TrimBox"]


def d_trim_and_art(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj["/ArtBox"] = pikepdf.Array([0, 0, W, H])


def d_trim_outside_bleed(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj["/BleedBox"] = pikepdf.Array([10, 10, W - 10, H - 10])


def d_bleed_outside_media(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj["/BleedBox"] = pikepdf.Array([-9, -9, W + 9, H + 9])


def d_pdfx_id(pdf: pikepdf.Pdf) -> None:
    del pdf.docinfo["/GTS_PDFXConformance"]


def d_trapped(pdf: pikepdf.Pdf) -> None:
    pdf.docinfo["/Trapped"] = pikepdf.Name.Unknown


def d_info(pdf: pikepdf.Pdf) -> None:
    del pdf.docinfo["/ModDate"]


def d_no_intent(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/OutputIntents"]


def d_rgb_profile(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OutputIntents[0]["/DestOutputProfile"] = pdf.make_indirect(pikepdf.Stream(pdf, bytes(128), N=3))


def d_forms(pdf: pikepdf.Pdf) -> None:
    field = pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T="name", Rect=[0, 0, 0, 0]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[field])


def d_actions(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")


def d_no_xmp(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Metadata"]


def d_xmp_no_ids(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Metadata"]
    _xmp(pdf, ids=False)


def d_xmp_no_title(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Metadata"]
    _xmp(pdf, title=False)


@dataclass(frozen=True)
class Defect:
    name: str
    rule: str
    severity: str
    make: Callable[[pikepdf.Pdf], None] | None = None
    standard: str = "x1a"


DEFECTS: tuple[Defect, ...] = (
    Defect("rgb-fill", "colour-space", "error", d_rgb),
    Defect("spot-rgb-alternate", "spot-alternate", "error", d_spot_rgb),
    Defect("jpeg2000-x1a", "filter", "error", d_jpx),
    Defect("16bit-image-x1a", "image-16bit", "error", d_16bit),
    Defect("lzw-image", "lzw", "error", d_lzw),
    Defect("photo-72ppi", "image-resolution", "error", d_72ppi),
    Defect("alternate-image", "alternate-image", "error", d_alternate),
    Defect("postscript-xobject", "postscript", "error", d_postscript),
    Defect("reference-xobject-x4", "reference-xobject", "error", d_reference, "x4"),
    Defect("opacity", "transparency", "error", d_transparency),
    Defect("transfer-function", "transfer-function", "error", d_transfer),
    Defect("halftone-type6", "halftone", "error", d_halftone),
    Defect("ink-300", "total-ink", "error", d_ink),
    Defect("hairline-0.1pt", "thin-line", "error", d_hairline),
    Defect("line-0.2pt-one-ink", "thin-line", "warning", d_thin_one_ink),
    Defect("inline-image", "inline-image", "warning", d_inline),
    Defect("broken-content", "content", "error", d_content),
    Defect("undecodable-image", "image-decode", "warning", d_undecodable),
    Defect("rich-black-text", "rich-black-text", "error", d_rich_black),
    Defect("6pt-two-ink-text", "small-colour-text", "error", d_two_ink),
    Defect("k-text-knocks-out-tint", "overprint", "error", d_knockout),
    Defect("gray-text", "gray-text", "warning", d_gray_text),
    Defect("6pt-reversed-text", "reversed-text", "error", d_reversed),
    Defect("white-text-overprints", "white-overprint", "error", d_white_overprint),
    Defect("embedded-file", "embedded-file", "error", d_embedded_file),
    Defect("file-attachment-annotation", "embedded-file", "error", d_file_annotation),
    Defect("annotation-in-trim", "annotation", "error", d_annotation),
    Defect("layers-x1a", "optional-content", "error", d_layers),
    Defect("layers-x4-unnamed-config", "optional-content", "error", d_layers, "x4"),  # D has no Name
    Defect("no-trimbox", "trimbox", "error", d_no_trim),
    Defect("trim-and-art-x4", "trim-and-art", "error", d_trim_and_art, "x4"),
    Defect("trim-outside-bleed", "box-nesting", "error", d_trim_outside_bleed),
    Defect("bleed-outside-media", "box-nesting", "error", d_bleed_outside_media),
    Defect("no-conformance-key", "pdfx-id", "error", d_pdfx_id),
    Defect("trapped-unknown", "trapped", "error", d_trapped),
    Defect("no-moddate", "info", "error", d_info),
    Defect("no-output-intent", "output-intent", "error", d_no_intent),
    Defect("rgb-output-profile", "output-intent", "error", d_rgb_profile),
    Defect("form-field", "forms", "error", d_forms),
    Defect("javascript", "actions", "error", d_actions),
    Defect("font-not-embedded", "font-embedding", "error"),
    Defect("x4-no-xmp", "xmp", "error", d_no_xmp, "x4"),
    Defect("x4-xmp-no-ids", "xmp-ids", "error", d_xmp_no_ids, "x4"),
    Defect("x4-xmp-no-title", "xmp-info", "error", d_xmp_no_title, "x4"),
    Defect("pdf-1.4", "pdf-version", "error"),
    Defect("no-trailer-id", "trailer-id", "error"),
    Defect("encrypted", "encryption", "error"),
    Defect("truncated", "damaged", "error"),
    Defect("not-a-pdf", "damaged", "error"),
)


def _special(defect: Defect) -> bytes:
    """Faults made on the saved bytes (or the drawing) rather than on the open file."""
    if defect.name == "font-not-embedded":
        return save(base(helvetica=True))
    if defect.name == "not-a-pdf":
        return b"%PDF-1.3 this is not a PDF"
    clean = save(base(defect.standard), defect.standard)
    if defect.name == "pdf-1.4":
        return clean.replace(b"%PDF-1.3", b"%PDF-1.4", 1)
    if defect.name == "no-trailer-id":
        head, _, tail = clean.rpartition(b"/ID [")
        return head + b"/XD [" + tail  # same length: offsets unchanged
    if defect.name == "truncated":
        return clean[: clean.rindex(b"xref")]
    out = io.BytesIO()
    pdf = pikepdf.open(io.BytesIO(clean))
    pdf.save(out, encryption=pikepdf.Encryption(owner="plant", user="", R=2, aes=False, metadata=False))
    return out.getvalue()  # "encrypted"


def build(defect: Defect) -> bytes:
    if defect.make is None:
        return _special(defect)
    pdf = base(defect.standard)
    defect.make(pdf)
    return save(pdf, defect.standard)


def table() -> list[tuple[str, str, str, str, str]]:
    """(rule, file, caught by, severity, clause) for every corpus file."""
    rows = []
    for d in DEFECTS:
        found = preflight(build(d), Limits(standard=d.standard)).findings
        caught = ", ".join(sorted({f"{f.rule} ({f.severity})" for f in found})) or "nothing"
        rows.append((d.rule, f"{d.name}.pdf", caught, d.severity, RULES[d.rule].clause))
    return rows


def main() -> None:
    print("| rule | file | caught by | severity | clause |\n|---|---|---|---|---|")
    for row in table():
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
