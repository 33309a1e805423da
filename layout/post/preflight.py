"""Preflight: any PDF checked against PDF/X and the newspaper rules (stage 5, read-only).

Input: a PDF (ours or another program's) and the plant's limits (``Limits``; its
``standard`` is ``x1a``, ``x4`` or ``""`` for "ink, fonts and images only").
Output: a ``Report`` of ``Finding`` (rule, severity, page, what, how to fix), each
rule named in ``RULES`` with the clause it enforces and the basis of its severity.

Checked from the file's structure: damage (a file pikepdf opens only by repairing
it, or cannot open), PDF/X identification (Info for X-1a, XMP for X-4 with the
xmpMM ids), PDF version, Trapped, trailer ID, the output intent, page boxes and
their nesting, annotations, forms, actions, embedded files, optional content;
and from the content streams, interpreted with pikepdf (q/Q, cm, colour operators,
gs, text, paths, XObjects and forms): colour spaces and spot alternates, filters
and bit depths a PDF 1.3 file cannot have, transparency, transfer functions,
halftones, PostScript, text colour and overprint, line widths, effective
resolution and total ink.

Clauses: ISO 15930-1:2001 (PDF/X-1a:2001) and ISO 15930-7:2010 (PDF/X-4) cited by
topic, not by sub-clause number (the standards' text is not on this machine; the
item list follows the callas/pdfbox-preflight X-1a check list and
``../shared/reference/newspaper.md`` §3.2). Severities follow the GWG 2015
newspaper variants (§3.3), raised to errors where plants' own rules (NIAD, Petit
Press, Boston Globe, as quoted in §3.3) reject the file; ``RULES`` says which.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

import pikepdf

from layout.post.intent import Limits

ERROR, WARNING = "error", "warning"
X1A, X4, BOTH = "ISO 15930-1:2001 (PDF/X-1a)", "ISO 15930-7:2010 (PDF/X-4)", "ISO 15930-1:2001 and 15930-7:2010"
GWG = "GWG 2015 newspaper"


@dataclass(frozen=True)
class Rule:
    clause: str  # the standard and topic it enforces
    basis: str  # where its severity comes from


RULES: dict[str, Rule] = {
    "damaged": Rule("ISO 32000-1 §7.5 file structure (both PDF/X parts require a conforming PDF)",
                    "error: a plant's RIP cannot trust a repaired file"),
    "encryption": Rule(f"{BOTH}: encryption prohibited", "error (standard)"),
    "pdfx-id": Rule(f"{X1A}: Info GTS_PDFXVersion/GTS_PDFXConformance; {X4}: XMP pdfxid:GTS_PDFXVersion",
                    "error (standard)"),
    "pdf-version": Rule(f"{X1A}: PDF 1.3; {X4}: PDF 1.6 at most", "error (standard)"),
    "trapped": Rule(f"{BOTH}: Trapped True or False", "error (standard)"),
    "info": Rule(f"{X1A}: Info Title, CreationDate, ModDate", "error (standard)"),
    "xmp": Rule(f"{X4}: document XMP metadata stream required", "error (standard)"),
    "xmp-info": Rule(f"{X4}: XMP dc:title, xmp:CreateDate, xmp:ModifyDate", "error (standard)"),
    "xmp-ids": Rule(f"{X4}: XMP xmpMM:DocumentID, xmpMM:VersionID, xmpMM:RenditionClass", "error (standard)"),
    "trailer-id": Rule(f"{BOTH}: trailer /ID", "error (standard)"),
    "output-intent": Rule(f"{BOTH}: exactly one GTS_PDFX output intent, CMYK prtr profile or registered condition",
                          f"error (standard; {GWG}: CMYK output intent)"),
    "forms": Rule(f"{X1A}: form fields prohibited in the trim", "error (standard)"),
    "actions": Rule(f"{BOTH}: actions and JavaScript prohibited", "error (standard)"),
    "embedded-file": Rule(f"{X1A}: file specifications prohibited; {X4}: embedded files prohibited",
                          "error (standard)"),
    "optional-content": Rule(f"{X1A}: optional content is PDF 1.5, not allowed; {X4}: every OC configuration named, "
                             "no AS", f"error (standard; {GWG}: OCProperties without Configs)"),
    "trimbox": Rule(f"{BOTH}: TrimBox or ArtBox on every page", "error (standard)"),
    "trim-and-art": Rule(f"{X4}: TrimBox and ArtBox not both on a page", "error (standard)"),
    "box-nesting": Rule(f"{BOTH}: TrimBox/ArtBox within BleedBox within MediaBox", "error (standard)"),
    "annotation": Rule(f"{BOTH}: annotations outside TrimBox and BleedBox (TrapNet/PrinterMark excepted)",
                       "error inside the trim (standard); outside it an error in our press files (none allowed)"),
    "font-embedding": Rule(f"{BOTH}: all fonts embedded", "error (standard)"),
    "colour-space": Rule(f"{X1A}: DeviceCMYK, DeviceGray, Separation, DeviceN only; {X4}: also ICCBased, Lab",
                         f"error (standard; {GWG} CMYK variant: no RGB)"),
    "spot-alternate": Rule(f"{BOTH}: a Separation/DeviceN alternate is a permitted space (not DeviceRGB)",
                           "error (standard)"),
    "filter": Rule(f"{X1A}: PDF 1.3 filters only (no JPXDecode, JBIG2Decode)", "error (standard)"),
    "image-16bit": Rule(f"{X1A}: 16 bits per component is PDF 1.5", "error (standard)"),
    "lzw": Rule(f"{X1A}: LZW compression prohibited", "error (standard)"),
    "transparency": Rule(f"{X1A}: transparency prohibited (flattened); allowed in {X4}", "error (standard)"),
    "transfer-function": Rule(f"{BOTH}: transfer functions prohibited", "error (standard)"),
    "halftone": Rule(f"{BOTH}: halftones of type 1 or 5 only, no HalftoneName", "error (standard)"),
    "postscript": Rule(f"{BOTH}: PostScript XObjects and operators prohibited", "error (standard)"),
    "alternate-image": Rule(f"{BOTH}: no alternate image as the default for printing", "error (standard)"),
    "reference-xobject": Rule(f"{X4}: reference XObjects prohibited (X-5 only)", "error (standard)"),
    "inline-image": Rule("house rule: images as XObjects (resolution and ink are measured there)",
                         "warning (not a PDF/X requirement)"),
    "content": Rule("ISO 32000-1 content streams", "error: a page that cannot be read cannot be checked"),
    "image-decode": Rule("newspaper.md §3.3 total ink", "warning: ink left to a check by hand"),
    "thin-line": Rule(f"{GWG}: line weight (single ink ≥ 0.125 pt; several inks or white ≥ 0.25 pt)",
                      "error under 0.125 pt or when several inks/white under 0.25 pt (GWG; NIAD ≥ 1 pt); "
                      "warning for one ink under the plant's minimum"),
    "total-ink": Rule(f"{GWG}: total area coverage (newspaper ≤ 245 %; the plant's limit, 240/220 %)", "error"),
    "rich-black-text": Rule(f"{GWG}: rich black text (K ≥ 85 %, total > 220 % newspaper)", "error"),
    "small-colour-text": Rule(f"{GWG}: small text in several inks (newspaper 10 pt)",
                              "error (GWG warns; NIAD: 4-colour text ≥ 10 pt, plants reject it)"),
    "overprint": Rule(f"{GWG}: 100 % K text under 12 pt overprints",
                      "error (K text knocking out a tint misregisters; plants reject it)"),
    "gray-text": Rule(f"{GWG}: black text under 12 pt not in DeviceGray", "warning (GWG)"),
    "reversed-text": Rule(f"{GWG}: reversed (white) text under 10 pt",
                          "error (GWG warns; NIAD: reversed ≥ 10 pt, Boston Globe ≥ 10 pt bold; plants reject it)"),
    "white-overprint": Rule(f"{GWG}: white text never overprints", "error (GWG)"),
    "image-resolution": Rule(f"{GWG}: contone < 100 ppi error, < 150 warning; 1-bit < 550 error, < 800 warning",
                             "error/warning (GWG)"),
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    page: int  # 1-based; 0 for the document
    what: str
    fix: str

    @property
    def clause(self) -> str:
        return RULES[self.rule].clause if self.rule in RULES else ""

    def line(self) -> str:
        where = f"page {self.page}" if self.page else "document"
        return f"{self.severity}: [{self.rule}] {where}: {self.what} — {self.fix} ({self.clause})"


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


def _resolve_space(cs: object, resources: pikepdf.Dictionary) -> object | None:
    """A colour space operand as its array (a name looked up in the resources), or None."""
    if isinstance(cs, pikepdf.Name) and "/ColorSpace" in resources:
        return resources["/ColorSpace"].get(str(cs))
    return cs if isinstance(cs, pikepdf.Array) else None


def _inks(space: str, values: tuple[float, ...]) -> int:
    """How many process inks a DeviceCMYK colour uses (1 for gray, 0 for others)."""
    if space == "DeviceCMYK":
        return sum(1 for v in values if v > 0)
    return 1 if space == "DeviceGray" else 0


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
                self._set_space(name, operands[0], resources, st)
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
            elif name in ("BI", "INLINE IMAGE"):
                self.page.add("inline-image", WARNING, "an inline image", "use image XObjects")
            elif name == "BDC" and operands and operands[0] == pikepdf.Name.OC:
                self._optional_content("marked content")
            elif name == "PS":
                self.page.add("postscript", ERROR, "a PS operator (embedded PostScript)", "remove the PostScript")

    # -- graphics state --------------------------------------------------------
    def _set_space(self, op: str, operand: object, resources: pikepdf.Dictionary, st: _State) -> None:
        space = _space_name(operand, resources)
        if op == "cs":
            st.fill_space, st.fill = space, (space, ())
        else:
            st.stroke_space, st.stroke = space, (space, ())
        self._check_space(space)
        named = _resolve_space(operand, resources)
        if named is not None:
            self._check_spot(named)

    def _check_spot(self, cs: object) -> None:
        """A Separation or DeviceN colour's alternate space: where the spot prints when separated as CMYK."""
        if not isinstance(cs, pikepdf.Array) or len(cs) < 3:
            return
        family = str(cs[0])
        if family not in ("/Separation", "/DeviceN"):
            return
        alternate = _space_name(cs[2], pikepdf.Dictionary())
        allowed = ("DeviceCMYK", "DeviceGray") + (("ICCBased", "Lab") if self.limits.standard == "x4" else ())
        if alternate not in allowed and self.limits.standard:
            self.page.add(
                "spot-alternate",
                ERROR,
                f"a {family[1:]} colour whose alternate is {alternate}",
                "give spot colours a DeviceCMYK alternate (or convert them to CMYK for newsprint)",
                once=f"spot-alternate/{alternate}",
            )

    def _transparent(self, what: str, fix: str) -> None:
        """Live transparency: refused in PDF/X-1a (and with no standard); PDF/X-4 and GWG 2015 allow it."""
        if self.limits.standard != "x4":
            self.page.add("transparency", ERROR, what, fix)

    def _optional_content(self, what: str) -> None:
        if self.limits.standard == "x1a":
            self.page.add("optional-content", ERROR, f"optional content (layers) on {what}",
                          "flatten the layers: PDF/X-1a has no optional content")  # fmt: skip

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
                self._transparent(f"constant opacity {k[1:]} {float(gs[k]):g}", "flatten or remove the opacity")
        if "/SMask" in gs and gs["/SMask"] != pikepdf.Name.None_:
            self._transparent("a soft mask in the graphics state", "flatten the transparency")
        if "/BM" in gs and str(gs["/BM"]) not in ("/Normal", "/Compatible"):
            self._transparent(f"blend mode {gs['/BM']}", "use the Normal blend mode")
        if "/TR" in gs or "/TR2" in gs:
            self.page.add("transfer-function", ERROR, "a transfer function", "remove transfer functions")
        if "/HT" in gs and self.limits.standard:
            self._halftone(gs["/HT"])

    def _halftone(self, ht: object) -> None:
        if isinstance(ht, pikepdf.Name):
            return  # /Default
        kind = int(ht.get("/HalftoneType", 0)) if isinstance(ht, (pikepdf.Dictionary, pikepdf.Stream)) else 0
        if kind not in (1, 5) or "/HalftoneName" in ht:
            self.page.add(
                "halftone",
                ERROR,
                f"a type {kind} halftone" + (" with a HalftoneName" if kind in (1, 5) else ""),
                "remove halftones: the plant screens the page",
            )

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
        """Line weight by GWG 2015: under 0.125 pt, or under 0.25 pt in several inks or white, an error;
        one ink under the plant's minimum (``Limits.min_line``) a warning."""
        self._ink(*st.stroke, "a line")
        width = st.line_width * _scale(st.ctm)
        space, values = st.stroke
        several = _inks(space, values) > 1 or _is_white(space, values)
        if width == 0:
            self.page.add("thin-line", ERROR, "a zero-width (device-thinnest) line", "give lines a width")
        elif width < 0.125 - 1e-6 or (several and width < 0.25 - 1e-6):
            kind = "in several inks or white " if several else ""
            self.page.add("thin-line", ERROR, f"a line {kind}{width:.2f} pt wide",
                          "GWG 2015: one ink at least 0.125 pt, several inks or white at least 0.25 pt; "
                          f"{self.limits.min_line:g} pt prints safely on newsprint")  # fmt: skip
        elif width < self.limits.min_line - 1e-6:
            self.page.add(
                "thin-line",
                WARNING,
                f"a line {width:.2f} pt wide",
                f"make lines at least {self.limits.min_line:g} pt: thinner ones break up on newsprint",
            )

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
            elif _inks(space, values) > 1 and size < self.limits.reversed_min:
                self.page.add(
                    "small-colour-text",
                    ERROR,
                    f"{size:.1f} pt text in several inks",
                    f"set text under {self.limits.reversed_min:g} pt in one ink",
                )
            if _is_k_only(space, values) and k >= 1 and size < self.limits.overprint_below:
                if not (st.op_fill and st.opm == 1):
                    self.page.add(
                        "overprint",
                        ERROR,
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
                ERROR,
                f"white text of {size:.1f} pt",
                f"reversed text must be at least {self.limits.reversed_min:g} pt bold",
            )
        if _is_white(space, values) and st.op_fill:
            self.page.add("white-overprint", ERROR, "white text set to overprint", "white must knock out")

    def _xobject(self, resources: pikepdf.Dictionary, key: object, st: _State, depth: int) -> None:
        xobjects = resources.get("/XObject", {}) if "/XObject" in resources else {}
        xo = xobjects.get(str(key))
        if xo is None:
            return
        subtype = xo.get("/Subtype")
        self._xobject_keys(xo, subtype)
        if subtype == pikepdf.Name.Image:
            self._image(xo, st)
        elif subtype == pikepdf.Name.Form:
            inner = st.copy()
            if "/Matrix" in xo:
                inner.ctm = _mul(tuple(float(x) for x in xo["/Matrix"]), st.ctm)
            if "/Group" in xo and xo["/Group"].get("/S") == pikepdf.Name.Transparency:
                self._transparent("a transparency group", "flatten the transparency")
            self.run(xo, xo.get("/Resources", resources), inner, depth + 1)

    def _xobject_keys(self, xo: pikepdf.Object, subtype: object) -> None:
        """What an XObject's dictionary alone says: PostScript, a reference to another file, layers."""
        if subtype == pikepdf.Name.PS or (subtype == pikepdf.Name.Form and xo.get("/Subtype2") == pikepdf.Name.PS):
            self.page.add("postscript", ERROR, "a PostScript XObject", "remove the embedded PostScript")
        if "/Ref" in xo and self.limits.standard:
            self.page.add("reference-xobject", ERROR, "a reference XObject (content in another file)",
                          "embed the referenced page")  # fmt: skip
        if "/OC" in xo:
            self._optional_content("an XObject")
        if any(bool(a.get("/DefaultForPrinting", False)) for a in xo.get("/Alternates", [])):
            self.page.add("alternate-image", ERROR, "an alternate image is the default for printing",
                          "remove the alternate images")  # fmt: skip

    def _image_format(self, xo: pikepdf.Object, names: list[str], bits: int) -> None:
        """Filters and bit depths a PDF 1.3 (X-1a) file cannot have."""
        if self.limits.standard != "x1a":
            return
        for late in ("/JPXDecode", "/JBIG2Decode"):
            if late in names:
                self.page.add("filter", ERROR, f"an image compressed with {late[1:]} (not in PDF 1.3)",
                              "recompress with JPEG (DCTDecode) or Flate", once=f"filter/{late}")  # fmt: skip
        if bits == 16:
            self.page.add("image-16bit", ERROR, "a 16-bit image (PDF 1.5)", "save photos with 8 bits per channel")

    def _image(self, xo: pikepdf.Object, st: _State) -> None:
        width, height = int(xo.get("/Width", 0)), int(xo.get("/Height", 0))
        if "/SMask" in xo or "/Mask" in xo and not isinstance(xo["/Mask"], pikepdf.Array):
            self._transparent("an image with a soft mask (alpha)", "flatten the image onto white")
        filters = xo.get("/Filter")
        names = [str(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters else [])]
        if "/LZWDecode" in names:
            self.page.add("lzw", ERROR, "LZW compression", "recompress with Flate or JPEG")
        bits = int(xo.get("/BitsPerComponent", 8)) if not xo.get("/ImageMask", False) else 1
        self._image_format(xo, names, bits)
        space = _space_name(xo.get("/ColorSpace", pikepdf.Name.DeviceGray), pikepdf.Dictionary())
        if "/JPXDecode" in names and "/ColorSpace" not in xo:
            space = "in the JPEG 2000 stream"  # the codestream's own colour: not checkable here
        if not xo.get("/ImageMask", False) and "/ColorSpace" in xo:
            self._check_spot(xo["/ColorSpace"])
        if not xo.get("/ImageMask", False) and space != "in the JPEG 2000 stream":
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


class _Add(Protocol):
    def __call__(self, rule: str, severity: str, what: str, fix: str) -> None: ...


def _num(x: object) -> bool:
    try:
        float(x)  # type: ignore[arg-type]
        return True
    except (TypeError, ValueError):
        return False


XMP_NS = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def _xmp(pdf: pikepdf.Pdf) -> dict[str, str] | None:
    """The document XMP as {"prefix:Name": text} (element and attribute forms), None when absent.
    Read from the stream itself: ``open_metadata`` would write (and sync Info) on exit."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return None
    try:
        root = ElementTree.fromstring(bytes(stream.read_bytes()))
    except (ElementTree.ParseError, pikepdf.PdfError):
        return {}
    names = {f"{{{uri}}}": prefix for prefix, uri in XMP_NS.items()}
    found: dict[str, str] = {}

    def key(tag: str) -> str | None:
        for uri, prefix in names.items():
            if tag.startswith(uri):
                return f"{prefix}:{tag[len(uri) :]}"
        return None

    for el in root.iter():
        for tag, value in [(el.tag, "".join(el.itertext()).strip()), *el.attrib.items()]:
            k = key(tag) if isinstance(tag, str) else None
            if k and value:
                found.setdefault(k, value)
    return found


def _x1a_identification(pdf: pikepdf.Pdf, add: _Add) -> None:
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    if version != "PDF/X-1:2001" or str(info.get("/GTS_PDFXConformance", "")) != "PDF/X-1a:2001":
        add("pdfx-id", ERROR, f"not identified as PDF/X-1a:2001 (GTS_PDFXVersion {version or 'missing'})",
            "write GTS_PDFXVersion (PDF/X-1:2001) and GTS_PDFXConformance (PDF/X-1a:2001)")  # fmt: skip
    if pdf.pdf_version > "1.3":
        add("pdf-version", ERROR, f"PDF {pdf.pdf_version}", "PDF/X-1a:2001 files are PDF 1.3")
    _trapped(str(info.get("/Trapped", "")), add)
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            add("info", ERROR, f"no {key[1:]} in the document info", f"write {key[1:]}")


def _trapped(value: str, add: _Add) -> None:
    if value.lstrip("/") not in ("True", "False"):
        add("trapped", ERROR, f"Trapped is {value or 'missing'}", "set Trapped to True or False")


def _x4_identification(pdf: pikepdf.Pdf, add: _Add) -> None:
    if pdf.pdf_version > "1.6":
        add("pdf-version", ERROR, f"PDF {pdf.pdf_version}", "PDF/X-4 files are PDF 1.6 at most")
    xmp = _xmp(pdf)
    if xmp is None:
        add("xmp", ERROR, "no XMP metadata stream (PDF/X-4 identifies itself there)",
            "write the XMP: pdfxid:GTS_PDFXVersion, dc:title, dates, pdf:Trapped, the xmpMM ids")  # fmt: skip
        return
    if xmp.get("pdfxid:GTS_PDFXVersion", "") != "PDF/X-4":
        add("pdfx-id", ERROR, "no PDF/X-4 identification in the XMP", "write pdfxid:GTS_PDFXVersion PDF/X-4")
    _trapped(xmp.get("pdf:Trapped", str(pdf.docinfo.get("/Trapped", ""))), add)
    missing = [k for k in ("dc:title", "xmp:CreateDate", "xmp:ModifyDate") if k not in xmp]
    if missing:
        add("xmp-info", ERROR, f"the XMP has no {', '.join(missing)}", "write them (matching the Info dictionary)")
    ids = [k for k in ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass") if k not in xmp]
    if ids:
        add("xmp-ids", ERROR, f"the XMP has no {', '.join(ids)}",
            "write xmpMM:DocumentID (uuid:…), xmpMM:VersionID and xmpMM:RenditionClass (default)")  # fmt: skip


def _output_intent(pdf: pikepdf.Pdf, standard: str, add: _Add) -> None:
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == pikepdf.Name.GTS_PDFX]
    if len(intents) != 1:
        add("output-intent", ERROR, f"{len(intents)} GTS_PDFX output intents", "give exactly one, for the press")
        return
    intent = intents[0]
    if not str(intent.get("/OutputConditionIdentifier", "")):
        add("output-intent", ERROR, "the output intent has no OutputConditionIdentifier", "name the condition")
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        if standard == "x4" or str(intent.get("/RegistryName", "")) != "http://www.color.org":
            add("output-intent", ERROR, "no DestOutputProfile and no registered condition",
                "embed the plant's ICC profile")  # fmt: skip
        return
    head = bytes(profile.read_bytes()[:40])
    if len(head) < 40 or head[36:40] != b"acsp" or head[12:16] != b"prtr" or head[16:20] != b"CMYK":
        add("output-intent", ERROR, "the output profile is not a CMYK output profile",
            "embed a CMYK printer (prtr) profile")  # fmt: skip


def _catalog(pdf: pikepdf.Pdf, standard: str, add: _Add) -> None:
    """Forms, actions, embedded files and optional content (the catalog's own keys)."""
    root = pdf.Root
    if "/AcroForm" in root and len(root.AcroForm.get("/Fields", [])):
        add("forms", ERROR, "interactive form fields", "flatten the form")
    names = root.get("/Names", pikepdf.Dictionary())
    if "/JavaScript" in names or "/OpenAction" in root or "/AA" in root:
        add("actions", ERROR, "actions or JavaScript", "remove them")
    if "/EmbeddedFiles" in names:
        add("embedded-file", ERROR, "embedded files (attachments) in the document", "remove the attachments")
    oc = root.get("/OCProperties")
    if oc is None:
        return
    if standard == "x1a":
        add("optional-content", ERROR, "optional content (layers)", "flatten the layers: PDF/X-1a has none")
        return
    configs = [oc.get("/D", pikepdf.Dictionary()), *oc.get("/Configs", [])]
    if any("/Name" not in c or "/AS" in c for c in configs):
        add("optional-content", ERROR, "an optional-content configuration without a Name, or with AS",
            "name every configuration and remove AS (automatic states)")  # fmt: skip


def _document(pdf: pikepdf.Pdf, limits: Limits, damaged: bool) -> list[Finding]:
    """The document's own rules; a damaged file's missing keys are its damage, not said again."""
    out: list[Finding] = []

    def add(rule: str, severity: str, what: str, fix: str) -> None:
        out.append(Finding(rule, severity, 0, what, fix))

    if pdf.is_encrypted:
        add("encryption", ERROR, "the file is encrypted", "deliver it unencrypted")
    if not limits.standard or damaged:
        return out
    if limits.standard == "x1a":
        _x1a_identification(pdf, add)
    else:
        _x4_identification(pdf, add)
    if "/ID" not in pdf.trailer:
        add("trailer-id", ERROR, "no /ID in the trailer", "write a file identifier")
    _output_intent(pdf, limits.standard, add)
    _catalog(pdf, limits.standard, add)
    return out


def _box(page: pikepdf.Page, key: str) -> list[float] | None:
    box = page.obj.get(key)
    return [float(x) for x in box] if box is not None else None


def _within(inner: list[float], outer: list[float]) -> bool:
    lo = (min(inner[0], inner[2]), min(inner[1], inner[3]), max(inner[0], inner[2]), max(inner[1], inner[3]))
    hi = (min(outer[0], outer[2]), min(outer[1], outer[3]), max(outer[0], outer[2]), max(outer[1], outer[3]))
    return lo[0] >= hi[0] - 0.01 and lo[1] >= hi[1] - 0.01 and lo[2] <= hi[2] + 0.01 and lo[3] <= hi[3] + 0.01


def _boxes(page: pikepdf.Page, number: int, limits: Limits) -> list[Finding]:
    """TrimBox or ArtBox (X-4: not both), nested in BleedBox, nested in MediaBox."""
    if not limits.standard:
        return []
    media, bleed = _box(page, "/MediaBox") or [0.0, 0.0, 0.0, 0.0], _box(page, "/BleedBox")
    trim, art = _box(page, "/TrimBox"), _box(page, "/ArtBox")
    if trim is None and art is None:
        return [Finding("trimbox", ERROR, number, "no TrimBox", "set TrimBox to the page's trimmed size")]
    out = []
    if trim is not None and art is not None and limits.standard == "x4":
        out.append(Finding("trim-and-art", ERROR, number, "both a TrimBox and an ArtBox", "keep the TrimBox only"))
    if bleed is not None and not _within(bleed, media):
        out.append(Finding("box-nesting", ERROR, number, "BleedBox outside the MediaBox", "nest BleedBox in MediaBox"))
    for name, box in (("TrimBox", trim), ("ArtBox", art)):
        outer, outer_name = (bleed, "BleedBox") if bleed is not None else (media, "MediaBox")
        if box is not None and not _within(box, outer):
            out.append(Finding("box-nesting", ERROR, number, f"{name} outside the {outer_name}",
                               f"nest {name} in {outer_name} in MediaBox"))  # fmt: skip
    return out + _annotations(page, number, trim or art or media)


def _annotations(page: pikepdf.Page, number: int, t: list[float]) -> list[Finding]:
    out = []
    for annot in page.obj.get("/Annots", []):
        subtype = str(annot.get("/Subtype", ""))
        if subtype in ("/PrinterMark", "/TrapNet"):
            continue
        if subtype == "/FileAttachment":
            out.append(Finding("embedded-file", ERROR, number, "a file attachment annotation",
                               "remove the attachment"))  # fmt: skip
            continue
        r = [float(x) for x in annot.get("/Rect", [0, 0, 0, 0])]
        inside = r[0] < t[2] and r[2] > t[0] and r[1] < t[3] and r[3] > t[1]
        where = "inside" if inside else "outside"
        out.append(Finding("annotation", ERROR, number, f"a {subtype[1:]} annotation {where} the trim",
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
            "findings": [asdict(f) | {"clause": f.clause} for f in self.findings],
        }


def _open(data: bytes) -> tuple[pikepdf.Pdf | None, Finding | None]:
    """The PDF, and a ``damaged`` finding when qpdf had to repair it (or could not open it)."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return None, Finding("encryption", ERROR, 0, "the file is encrypted with a password", "deliver it unencrypted")
    except pikepdf.PdfError as exc:
        return None, Finding("damaged", ERROR, 0, f"the file is damaged and unreadable: {exc}", "export the PDF again")
    repairs = [w.split(": ", 1)[-1] for w in pdf.get_warnings()]
    if repairs:
        what = f"the file is damaged (read only by repairing it: {'; '.join(repairs[:3])})"
        return pdf, Finding("damaged", ERROR, 0, what, "export the PDF again (a truncated or edited file)")
    return pdf, None


def _page_findings(page: pikepdf.Page, n: int, limits: Limits) -> _Page:
    state = _Page(n)
    try:
        state.findings += _boxes(page, n, limits)
        state.findings += _fonts(page, n)
        _Interpreter(state, limits).run(page, page.obj.get("/Resources", pikepdf.Dictionary()), _State())
    except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError) as exc:  # malformed objects
        state.add("content", ERROR, f"malformed page objects or content: {exc}", "export the page again")
    if "/Group" in page.obj and page.obj["/Group"].get("/S") == pikepdf.Name.Transparency:
        if limits.standard != "x4":
            state.add("transparency", ERROR, "the page is a transparency group", "flatten the transparency")
    return state


def preflight(source: bytes | Path, limits: Limits | None = None) -> Report:
    """Check a PDF against PDF/X and the newspaper rules; never raises for bad input."""
    limits = limits or Limits()
    data = source.read_bytes() if isinstance(source, Path) else source
    pdf, damage = _open(data)
    if pdf is None:
        return Report((damage,) if damage else (), 0, 0, 0)
    findings = ([damage] if damage else []) + _document(pdf, limits, damaged=damage is not None)
    max_tac, text_total, text_k = 0.0, 0, 0
    try:
        pages = list(pdf.pages)
    except (pikepdf.PdfError, TypeError, ValueError, KeyError, AttributeError) as exc:
        findings.append(Finding("damaged", ERROR, 0, f"the page tree cannot be read: {exc}", "export the PDF again"))
        pages = []
    for n, page in enumerate(pages, 1):
        state = _page_findings(page, n, limits)
        findings += state.findings
        max_tac = max(max_tac, state.max_tac)
        text_total += state.text_total
        text_k += state.text_k_only
    return Report(tuple(findings), len(pages), max_tac, text_k / text_total if text_total else 1.0)


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
        return [Finding("damaged", ERROR, 0, f"the file is damaged and unreadable: {exc}", "export the PDF again")]
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
