"""Preflight: any PDF checked against the newspaper rules (stage 5, read-only).

Input: a PDF (ours or another program's) and the plant's limits (``Limits``).
Output: a list of ``Finding`` (rule, severity, page, what, how to fix), from
the file's structure (PDF/X identification, output intent, boxes, fonts,
annotations, transparency) and from its content streams, interpreted with
pikepdf: colour of every fill and stroke, text colour and overprint, line
widths, image colour spaces, effective resolution and total ink. Rules and
numbers: ``../shared/reference/newspaper.md`` §3 (ISO 15930-1, GWG 2015).
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf

from layout.post.intent import Limits

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    page: int  # 1-based; 0 for the document
    what: str
    fix: str

    def line(self) -> str:
        where = f"page {self.page}" if self.page else "document"
        return f"{self.severity}: [{self.rule}] {where}: {self.what} — {self.fix}"


@dataclass
class _State:
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    fill: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))
    stroke: tuple[str, tuple[float, ...]] = ("DeviceGray", (0.0,))
    fill_space: str = "DeviceGray"
    stroke_space: str = "DeviceGray"
    line_width: float = 1.0
    op_fill: bool = False
    opm: int = 0
    font_size: float = 0.0
    tm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)

    def copy(self) -> _State:
        return _State(**{k: getattr(self, k) for k in self.__dataclass_fields__})


@dataclass
class _Page:
    number: int
    findings: list[Finding] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    max_tac: float = 0.0
    text_total: int = 0  # text-showing operations
    text_k_only: int = 0  # … in pure K (DeviceCMYK 0/0/0/c or DeviceGray)

    def add(self, rule: str, severity: str, what: str, fix: str, once: str | None = None) -> None:
        key = once or rule
        if key in self.seen:
            return
        self.seen.add(key)
        self.findings.append(Finding(rule, severity, self.number, what, fix))


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _scale(m: tuple[float, ...]) -> float:
    """The mean scale of a matrix (for line widths and text sizes)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0


def _space_name(cs: object, resources: pikepdf.Dictionary) -> str:
    """A colour space's family: DeviceCMYK, DeviceRGB, ICCBased, Separation, Indexed …"""
    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        if name in ("DeviceGray", "DeviceRGB", "DeviceCMYK", "Pattern", "G", "RGB", "CMYK"):
            return {"G": "DeviceGray", "RGB": "DeviceRGB", "CMYK": "DeviceCMYK"}.get(name, name)
        named = resources.get("/ColorSpace", {}).get(str(cs)) if "/ColorSpace" in resources else None
        return _space_name(named, resources) if named is not None else name
    if isinstance(cs, pikepdf.Array) and len(cs):
        return str(cs[0])[1:]
    return "unknown"


def _tac(space: str, values: tuple[float, ...]) -> float:
    if space == "DeviceCMYK" and len(values) == 4:
        return 100 * sum(values)
    if space == "DeviceGray" and values:
        return 100 * (1 - values[0])
    return 0.0


def _is_k_only(space: str, values: tuple[float, ...]) -> bool:
    return space == "DeviceCMYK" and len(values) == 4 and values[0] == values[1] == values[2] == 0 and values[3] > 0


def _is_white(space: str, values: tuple[float, ...]) -> bool:
    if space == "DeviceCMYK":
        return all(v == 0 for v in values)
    if space == "DeviceGray":
        return bool(values) and values[0] >= 1
    if space == "DeviceRGB":
        return all(v >= 1 for v in values)
    return False


class _Interpreter:
    """Walks one page's content (and its forms), noting what the rules need."""

    def __init__(self, page: _Page, limits: Limits) -> None:
        self.page = page
        self.limits = limits

    def run(self, stream_owner: object, resources: pikepdf.Dictionary, state: _State, depth: int = 0) -> None:
        if depth > 8:
            return
        stack: list[_State] = []
        st = state.copy()
        for operands, op in pikepdf.parse_content_stream(stream_owner):
            name = str(op)
            if name == "q":
                stack.append(st.copy())
            elif name == "Q" and stack:
                st = stack.pop()
            elif name == "cm" and len(operands) == 6:
                st.ctm = _mul(tuple(float(x) for x in operands), st.ctm)
            elif name == "w" and operands:
                st.line_width = float(operands[0])
            elif name == "gs" and operands:
                self._ext_gstate(resources, operands[0], st)
            elif name in ("g", "rg", "k", "G", "RG", "K"):
                self._colour(name, tuple(float(x) for x in operands), st)
            elif name in ("cs", "CS") and operands:
                space = _space_name(operands[0], resources)
                if name == "cs":
                    st.fill_space, st.fill = space, (space, ())
                else:
                    st.stroke_space, st.stroke = space, (space, ())
                self._check_space(space)
            elif name in ("sc", "scn", "SC", "SCN"):
                values = tuple(float(x) for x in operands if isinstance(x, (int, float, pikepdf.Object)) and _num(x))
                if name in ("sc", "scn"):
                    st.fill = (st.fill_space, values)
                else:
                    st.stroke = (st.stroke_space, values)
            elif name == "Tf" and len(operands) == 2:
                st.font_size = float(operands[1])
            elif name == "Tm" and len(operands) == 6:
                st.tm = tuple(float(x) for x in operands)
            elif name in ("Tj", "TJ", "'", '"'):
                self._text(st)
            elif name in ("S", "s", "B", "B*", "b", "b*"):
                self._stroke(st)
                if name not in ("S", "s"):
                    self._fill(st)
            elif name in ("f", "F", "f*"):
                self._fill(st)
            elif name == "Do" and operands:
                self._xobject(resources, operands[0], st, depth)
            elif name == "BI":
                self.page.add("inline-image", WARNING, "an inline image", "use image XObjects")

    # -- graphics state --------------------------------------------------------
    def _ext_gstate(self, resources: pikepdf.Dictionary, key: object, st: _State) -> None:
        gs = resources.get("/ExtGState", {}).get(str(key)) if "/ExtGState" in resources else None
        if gs is None:
            return
        if "/op" in gs:
            st.op_fill = bool(gs["/op"])
        elif "/OP" in gs:
            st.op_fill = bool(gs["/OP"])
        if "/OPM" in gs:
            st.opm = int(gs["/OPM"])
        for k in ("/CA", "/ca"):
            if k in gs and float(gs[k]) < 1:
                self.page.add(
                    "transparency", ERROR, f"constant opacity {k[1:]} {float(gs[k]):g}", "flatten or remove the opacity"
                )
        if "/SMask" in gs and gs["/SMask"] != pikepdf.Name.None_:
            self.page.add("transparency", ERROR, "a soft mask in the graphics state", "flatten the transparency")
        if "/BM" in gs and str(gs["/BM"]) not in ("/Normal", "/Compatible"):
            self.page.add("transparency", ERROR, f"blend mode {gs['/BM']}", "use the Normal blend mode")
        if "/TR" in gs or "/TR2" in gs:
            self.page.add("transfer-function", ERROR, "a transfer function", "remove transfer functions")

    def _colour(self, op: str, values: tuple[float, ...], st: _State) -> None:
        space = {"g": "DeviceGray", "G": "DeviceGray", "rg": "DeviceRGB", "RG": "DeviceRGB"}.get(op, "DeviceCMYK")
        self._check_space(space)
        if op.islower():
            st.fill_space, st.fill = space, (space, values)
        else:
            st.stroke_space, st.stroke = space, (space, values)

    def _check_space(self, space: str) -> None:
        allowed = ("DeviceCMYK", "DeviceGray", "Separation", "DeviceN", "Pattern", "Indexed")
        if self.limits.standard == "x4":
            allowed += ("ICCBased", "Lab")
        if space not in allowed:
            self.page.add(
                "colour-space",
                ERROR,
                f"{space} colour",
                "convert to CMYK (text and rules to K only) for newsprint",
                once=f"colour-space/{space}",
            )

    # -- marks ---------------------------------------------------------------
    def _fill(self, st: _State) -> None:
        self._ink(*st.fill, "a fill")

    def _stroke(self, st: _State) -> None:
        self._ink(*st.stroke, "a line")
        width = st.line_width * _scale(st.ctm)
        if 0 < width < self.limits.min_line - 1e-6:
            self.page.add(
                "thin-line",
                WARNING,
                f"a line {width:.2f} pt wide",
                f"make lines at least {self.limits.min_line:g} pt: thinner ones break up on newsprint",
            )
        elif width == 0:
            self.page.add("thin-line", WARNING, "a zero-width (device-thinnest) line", "give lines a width")

    def _ink(self, space: str, values: tuple[float, ...], what: str) -> None:
        tac = _tac(space, values)
        self.page.max_tac = max(self.page.max_tac, tac)
        if tac > self.limits.tac + 1e-6:
            self.page.add(
                "total-ink",
                ERROR,
                f"{what} with {tac:.0f} % total ink",
                f"keep total ink within {self.limits.tac:g} % (the plant's limit)",
                once=f"total-ink/{what}",
            )

    def _text(self, st: _State) -> None:
        space, values = st.fill
        size = st.font_size * _scale(_mul(st.tm, st.ctm))
        self.page.text_total += 1
        if _is_k_only(space, values) or (space == "DeviceGray" and values and values[0] < 1):
            self.page.text_k_only += 1
        self._ink(space, values, "text")
        if space == "DeviceCMYK" and len(values) == 4:
            c, m, y, k = values
            if k >= 0.85 and 100 * (c + m + y + k) > self.limits.rich_black_text and (c or m or y):
                self.page.add(
                    "rich-black-text",
                    ERROR,
                    f"black text in 4 colours (C{c * 100:.0f} M{m * 100:.0f} Y{y * 100:.0f} K{k * 100:.0f})",
                    "set black text in K only (0/0/0/100): rich black misregisters on newsprint",
                )
            elif (c or m or y) and size < self.limits.reversed_min and not _is_white(space, values):
                self.page.add(
                    "small-colour-text",
                    WARNING,
                    f"{size:.1f} pt text in several inks",
                    f"set text under {self.limits.reversed_min:g} pt in one ink",
                )
            if _is_k_only(space, values) and k >= 1 and size < self.limits.overprint_below:
                if not (st.op_fill and st.opm == 1):
                    self.page.add(
                        "overprint",
                        WARNING,
                        f"{size:.1f} pt black text knocks out",
                        "let black text under 12 pt overprint (op true, OPM 1)",
                    )
        if space == "DeviceGray" and values and values[0] == 0 and size < self.limits.overprint_below:
            self.page.add(
                "gray-text",
                WARNING,
                "black text in DeviceGray",
                "use DeviceCMYK 0/0/0/100 so it can overprint (OPM applies to CMYK only)",
            )
        if _is_white(space, values) and size and size < self.limits.reversed_min:
            self.page.add(
                "reversed-text",
                WARNING,
                f"white text of {size:.1f} pt",
                f"reversed text must be at least {self.limits.reversed_min:g} pt bold",
            )
        if _is_white(space, values) and st.op_fill:
            self.page.add("white-overprint", ERROR, "white text set to overprint", "white must knock out")
        if space == "Separation" or space == "DeviceN":
            pass  # spot or All colour: counted as ink by Ghostscript-level checks only

    def _xobject(self, resources: pikepdf.Dictionary, key: object, st: _State, depth: int) -> None:
        xobjects = resources.get("/XObject", {}) if "/XObject" in resources else {}
        xo = xobjects.get(str(key))
        if xo is None:
            return
        subtype = xo.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            self._image(xo, st)
        elif subtype == pikepdf.Name.Form:
            inner = st.copy()
            if "/Matrix" in xo:
                inner.ctm = _mul(tuple(float(x) for x in xo["/Matrix"]), st.ctm)
            if "/Group" in xo and xo["/Group"].get("/S") == pikepdf.Name.Transparency:
                self.page.add("transparency", ERROR, "a transparency group", "flatten the transparency")
            self.run(xo, xo.get("/Resources", resources), inner, depth + 1)

    def _image(self, xo: pikepdf.Object, st: _State) -> None:
        width, height = int(xo.get("/Width", 0)), int(xo.get("/Height", 0))
        if "/SMask" in xo or "/Mask" in xo and not isinstance(xo["/Mask"], pikepdf.Array):
            self.page.add("transparency", ERROR, "an image with a soft mask (alpha)", "flatten the image onto white")
        filters = xo.get("/Filter")
        names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters else [])]
        if "/LZWDecode" in names:
            self.page.add("lzw", ERROR, "LZW compression", "recompress with Flate or JPEG")
        bits = int(xo.get("/BitsPerComponent", 8)) if not xo.get("/ImageMask", False) else 1
        space = _space_name(xo.get("/ColorSpace", pikepdf.Name.DeviceGray), pikepdf.Dictionary())
        if not xo.get("/ImageMask", False):
            self._check_space("Indexed" if space == "Indexed" else space)
            if space == "Indexed":
                base = xo["/ColorSpace"][1]
                self._check_space(_space_name(base, pikepdf.Dictionary()))
        # effective resolution: pixels over the placed size, the smaller axis
        m = st.ctm
        placed_w = math.hypot(m[0], m[1]) / 72
        placed_h = math.hypot(m[2], m[3]) / 72
        if width > 16 and height > 16 and placed_w > 0 and placed_h > 0:
            ppi = min(width / placed_w, height / placed_h)
            lo, warn = (550.0, 800.0) if bits == 1 else (self.limits.ppi_error, self.limits.ppi_warning)
            if ppi < lo:
                self.page.add(
                    "image-resolution",
                    ERROR,
                    f"a {width}×{height} image at {ppi:.0f} ppi",
                    f"use a photo of at least {warn:g} ppi at its printed size (under {lo:g} is refused)",
                    once=f"ppi/{width}x{height}",
                )
            elif ppi < warn:
                self.page.add(
                    "image-resolution",
                    WARNING,
                    f"a {width}×{height} image at {ppi:.0f} ppi",
                    f"{warn:g} ppi or more prints sharp on newsprint",
                    once=f"ppi/{width}x{height}",
                )
        if bits == 8 and space in ("DeviceCMYK", "DeviceGray"):
            self._image_ink(xo, space)

    def _image_ink(self, xo: pikepdf.Object, space: str) -> None:
        """The most ink any pixel of a CMYK or gray image puts down."""
        try:
            img = pikepdf.PdfImage(xo).as_pil_image()
        except (pikepdf.PikepdfError, NotImplementedError, OSError, ValueError, SyntaxError):
            # an image pikepdf or Pillow cannot decode (another program's file): said, left to a check by hand
            self.page.add("image-decode", WARNING, "an image that could not be decoded for ink", "check it by hand")
            return
        if space == "DeviceGray" and img.mode == "L":
            peak = (255 - img.getextrema()[0]) / 255 * 100  # the darkest pixel, on the K plate
        elif img.mode == "CMYK":
            from PIL import ImageMath

            c, m, y, k = img.split()
            total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
            peak = total.getextrema()[1] / 255 * 100
        else:
            return
        self.page.max_tac = max(self.page.max_tac, peak)
        if peak > self.limits.tac + 0.5:
            self.page.add(
                "total-ink",
                ERROR,
                f"an image with up to {peak:.0f} % total ink",
                f"separate photos for newsprint within {self.limits.tac:g} % (use the plant's profile)",
                once="total-ink/image",
            )


def _num(x: object) -> bool:
    try:
        float(x)  # type: ignore[arg-type]
        return True
    except (TypeError, ValueError):
        return False


def _document(pdf: pikepdf.Pdf, limits: Limits) -> list[Finding]:
    out: list[Finding] = []

    def add(rule: str, severity: str, what: str, fix: str) -> None:
        out.append(Finding(rule, severity, 0, what, fix))

    if pdf.is_encrypted:
        add("encryption", ERROR, "the file is encrypted", "deliver it unencrypted")
    if not limits.standard:
        return out
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    if limits.standard == "x1a":
        if version != "PDF/X-1:2001" or str(info.get("/GTS_PDFXConformance", "")) != "PDF/X-1a:2001":
            add("pdfx-id", ERROR, f"not identified as PDF/X-1a:2001 (GTS_PDFXVersion {version or 'missing'})",
                "write GTS_PDFXVersion (PDF/X-1:2001) and GTS_PDFXConformance (PDF/X-1a:2001)")  # fmt: skip
        if pdf.pdf_version > "1.3":
            add("pdf-version", ERROR, f"PDF {pdf.pdf_version}", "PDF/X-1a:2001 files are PDF 1.3")
    elif limits.standard == "x4":
        with pdf.open_metadata() as meta:
            xmp_version = meta.get("{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion", "")
        if xmp_version != "PDF/X-4":
            add("pdfx-id", ERROR, "no PDF/X-4 identification in the XMP", "write pdfxid:GTS_PDFXVersion PDF/X-4")
        if pdf.pdf_version > "1.6":
            add("pdf-version", ERROR, f"PDF {pdf.pdf_version}", "PDF/X-4 files are PDF 1.6 at most")
    trapped = info.get("/Trapped")
    if str(trapped) not in ("/True", "/False"):
        add("trapped", ERROR, f"Trapped is {trapped or 'missing'}", "set /Trapped to /True or /False")
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            add("info", ERROR, f"no {key[1:]} in the document info", f"write {key[1:]}")
    if "/ID" not in pdf.trailer:
        add("trailer-id", ERROR, "no /ID in the trailer", "write a file identifier")
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == pikepdf.Name.GTS_PDFX]
    if len(intents) != 1:
        add("output-intent", ERROR, f"{len(intents)} GTS_PDFX output intents", "give exactly one, for the press")
    else:
        intent = intents[0]
        ident = str(intent.get("/OutputConditionIdentifier", ""))
        if not ident:
            add("output-intent", ERROR, "the output intent has no OutputConditionIdentifier", "name the condition")
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            if limits.standard == "x4" or str(intent.get("/RegistryName", "")) != "http://www.color.org":
                add("output-intent", ERROR, "no DestOutputProfile and no registered condition",
                    "embed the plant's ICC profile")  # fmt: skip
        else:
            head = bytes(profile.read_bytes()[:40])
            if len(head) < 40 or head[36:40] != b"acsp" or head[12:16] != b"prtr" or head[16:20] != b"CMYK":
                add("output-intent", ERROR, "the output profile is not a CMYK output profile",
                    "embed a CMYK printer (prtr) profile")  # fmt: skip
    if "/AcroForm" in pdf.Root:
        add("forms", ERROR, "interactive form fields", "flatten the form")
    if "/JavaScript" in pdf.Root.get("/Names", {}) or "/OpenAction" in pdf.Root:
        add("actions", ERROR, "actions or JavaScript", "remove them")
    return out


def _boxes(page: pikepdf.Page, number: int, limits: Limits) -> list[Finding]:
    out = []
    media = [float(x) for x in page.MediaBox]
    trim = page.obj.get("/TrimBox")
    if trim is None and "/ArtBox" not in page.obj:
        out.append(Finding("trimbox", ERROR, number, "no TrimBox", "set TrimBox to the page's trimmed size"))
        return out
    if trim is not None:
        t = [float(x) for x in trim]
        if t[0] < media[0] - 0.01 or t[1] < media[1] - 0.01 or t[2] > media[2] + 0.01 or t[3] > media[3] + 0.01:
            out.append(Finding("trimbox", ERROR, number, "TrimBox outside the MediaBox", "nest TrimBox in MediaBox"))
        for annot in page.obj.get("/Annots", []):
            subtype = str(annot.get("/Subtype", ""))
            if subtype in ("/PrinterMark", "/TrapNet"):
                continue
            r = [float(x) for x in annot.get("/Rect", [0, 0, 0, 0])]
            inside = r[0] < t[2] and r[2] > t[0] and r[1] < t[3] and r[3] > t[1]
            severity = ERROR if inside or limits.standard else WARNING
            where = "inside" if inside else "outside"
            out.append(Finding("annotation", severity, number, f"a {subtype[1:]} annotation {where} the trim",
                               "remove annotations from the press file (review drafts are separate)"))  # fmt: skip
    return out


def _fonts(page: pikepdf.Page, number: int) -> list[Finding]:
    out = []
    seen = set()

    def walk(resources: pikepdf.Dictionary, depth: int = 0) -> None:
        if depth > 8:
            return
        for name, font in (resources.get("/Font", {}) or {}).items() if "/Font" in resources else []:
            base = str(font.get("/BaseFont", name))
            if base in seen:
                continue
            seen.add(base)
            descriptors = [font.get("/FontDescriptor")]
            for d in font.get("/DescendantFonts", []):
                descriptors.append(d.get("/FontDescriptor"))
            embedded = any(
                d is not None and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors
            )
            if not embedded and font.get("/Subtype") != pikepdf.Name.Type3:
                out.append(Finding("font-embedding", ERROR, number, f"font {base[1:]} is not embedded",
                                   "embed every font (subsets are fine)"))  # fmt: skip
        for xo in (resources.get("/XObject", {}) or {}).values() if "/XObject" in resources else []:
            if xo.get("/Subtype") == pikepdf.Name.Form and "/Resources" in xo:
                walk(xo["/Resources"], depth + 1)

    walk(page.obj.get("/Resources", pikepdf.Dictionary()))
    return out


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    pages: int
    max_tac: float  # highest total ink met in vector fills and CMYK images, %
    text_k_share: float  # share of text-showing operations in pure K (1.0 when no text)

    @property
    def status(self) -> int:
        """0 clean, 1 warnings, 2 errors."""
        if any(f.severity == ERROR for f in self.findings):
            return 2
        return 1 if self.findings else 0

    def as_dict(self) -> dict:
        return {
            "status": ("clean", "warnings", "errors")[self.status],
            "pages": self.pages,
            "max_total_ink": round(self.max_tac, 1),
            "text_in_pure_k": round(self.text_k_share, 4),
            "findings": [asdict(f) for f in self.findings],
        }


def preflight(source: bytes | Path, limits: Limits | None = None) -> Report:
    """Check a PDF against the newspaper rules; never raises for a readable PDF."""
    limits = limits or Limits()
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        return Report((Finding("unreadable", ERROR, 0, f"not a readable PDF: {exc}", "export the PDF again"),), 0, 0, 0)
    findings = _document(pdf, limits)
    max_tac, text_total, text_k = 0.0, 0, 0
    for n, page in enumerate(pdf.pages, 1):
        state = _Page(n)
        try:
            findings += _boxes(page, n, limits)
            findings += _fonts(page, n)
            _Interpreter(state, limits).run(page, page.obj.get("/Resources", pikepdf.Dictionary()), _State())
        except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError) as exc:  # malformed objects
            state.add("content", ERROR, f"malformed page objects or content: {exc}", "export the page again")
        if "/Group" in page.obj and page.obj["/Group"].get("/S") == pikepdf.Name.Transparency:
            state.add("transparency", ERROR, "the page is a transparency group", "flatten the transparency")
        findings += state.findings
        max_tac = max(max_tac, state.max_tac)
        text_total += state.text_total
        text_k += state.text_k_only
    return Report(tuple(findings), len(pdf.pages), max_tac, text_k / text_total if text_total else 1.0)


def preflight_artwork(data: bytes, limits: Limits | None = None, scale: float = 1.0) -> list[Finding]:
    """An artwork PDF (an ad's one page) checked as content for the plate: colour spaces,
    total ink, fonts embedded, transparency, images; not the rules of a whole document
    (PDF/X identification, output intent, boxes, Trapped), which the page it is placed
    on answers for. ``scale``: the size it is placed at (image resolution and line widths
    are measured there). Findings are on page 1."""
    limits = limits or Limits()
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        return [Finding("unreadable", ERROR, 0, f"not a readable PDF: {exc}", "export the PDF again")]
    with pdf:
        if pdf.is_encrypted:
            return [Finding("encryption", ERROR, 0, "the file is encrypted", "deliver it unencrypted")]
        findings: list[Finding] = []
        for n, page in enumerate(pdf.pages, 1):
            state = _Page(n)
            try:
                findings += _fonts(page, n)
                placed = _State(ctm=(scale, 0, 0, scale, 0, 0))
                _Interpreter(state, limits).run(page, page.obj.get("/Resources", pikepdf.Dictionary()), placed)
            except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError) as exc:  # malformed objects
                state.add("content", ERROR, f"malformed page objects or content: {exc}", "export the page again")
            if "/Group" in page.obj and page.obj["/Group"].get("/S") == pikepdf.Name.Transparency:
                state.add("transparency", ERROR, "the page is a transparency group", "flatten the transparency")
            findings += state.findings
    return findings
