"""Press output: a drawn PDF made PDF/X (post-processing, after drawing).

Input: the PDF bytes the drawing stage wrote (K-only text and rules that
overprint, grayscale photos, TrimBox at the page), an ``OutputIntent`` and
the document date. Output: PDF/X-1a:2001 (default) or PDF/X-4 bytes, with
pikepdf adding what reportlab cannot write: the GTS_PDFX identification, a
single GTS_PDFX output intent, Trapped, the PDF version, and XMP for X-4
(identification, dates and the xmpMM ids, derived from the content's SHA-256).
Deterministic: the same input gives the same bytes (trailer ID from content).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
import warnings

import pikepdf

from layout.post.intent import IFRA26, STANDARDS, OutputIntent, default_intent

# Namespace of Banmian's content-derived XMP ids (a fixed UUID, so ids are stable across runs).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://banmian.invalid/xmp/id")


def set_output_intent(pdf: pikepdf.Pdf, intent: OutputIntent) -> None:
    """The document's one output intent (GTS_PDFX): the condition by name and, when the
    intent has one, its ICC profile embedded."""
    intent_dict = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=intent.identifier,
        OutputCondition=intent.condition,
        RegistryName=intent.registry,
        Info=intent.info,
    )
    if intent.profile is not None:
        icc = pikepdf.Stream(pdf, intent.profile)
        icc["/N"] = 4
        intent_dict["/DestOutputProfile"] = pdf.make_indirect(icc)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent_dict)])


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _pdf_date(when: dt.datetime) -> str:
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def content_uuid(*parts: bytes) -> str:
    """A deterministic ``uuid:`` id for XMP from content (a name-based UUID of its SHA-256)."""
    digest = hashlib.sha256(b"\0".join(parts)).hexdigest()
    return f"uuid:{uuid.uuid5(_ID_NAMESPACE, digest)}"


def _xmp(pdf: pikepdf.Pdf, when: dt.datetime, ids: tuple[str, str]) -> None:
    """PDF/X-4 metadata (ISO 15930-7 §6.7.5, XMP Media Management): the identification,
    Trapped, the dates, and xmpMM DocumentID / InstanceID / VersionID / RenditionClass."""
    stamp = when.isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        with warnings.catch_warnings():  # Trapped and GTS_PDFXVersion: set below in their own namespaces
            warnings.filterwarnings("ignore", "The metadata field", UserWarning)
            meta.load_from_docinfo(pdf.docinfo)
        meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] = "PDF/X-4"
        meta["pdf:Trapped"] = "False"
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp
        meta["xmp:CreatorTool"] = "Banmian"
        meta["xmpMM:DocumentID"] = ids[0]
        meta["xmpMM:InstanceID"] = ids[1]
        meta["xmpMM:VersionID"] = "1"  # the first (only) version made from this content
        meta["xmpMM:RenditionClass"] = "default"  # the master rendition, for the plate


def make_press(pdf_bytes: bytes, intent: OutputIntent, *, when: dt.datetime, standard: str = "x1a") -> bytes:
    """The drawn PDF as PDF/X-1a:2001 or PDF/X-4, for the plate. PDF/X-4 embeds the
    output profile: without one, the bundled 240 % newsprint profile (``default_intent``)."""
    if standard not in STANDARDS:
        raise ValueError(f"unknown PDF/X standard {standard!r}; use one of {', '.join(STANDARDS)}")
    if standard == "x4" and intent.profile is None:
        if intent.identifier != IFRA26.identifier:
            raise ValueError(f"PDF/X-4 embeds the output profile: give the ICC profile of {intent.identifier}")
        intent = default_intent("x4")
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    stamp = _pdf_date(when)
    info = pdf.docinfo
    info["/CreationDate"] = stamp
    info["/ModDate"] = stamp
    info["/Trapped"] = pikepdf.Name("/False")
    info["/Producer"] = "Banmian (reportlab, pikepdf)"
    if standard == "x1a":
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/GTS_PDFXConformance"] = "PDF/X-1a:2001"
    else:
        info["/GTS_PDFXVersion"] = "PDF/X-4"
    set_output_intent(pdf, intent)
    for page in pdf.pages:
        box = page.obj.get("/TrimBox") or page.MediaBox
        page.obj["/TrimBox"] = pikepdf.Array(box)
        page.obj["/BleedBox"] = pikepdf.Array(box)  # coldset: no bleed
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if standard == "x4":
        press_inputs = (standard, intent.identifier, intent.info, intent.profile or b"")
        _xmp(pdf, when, (content_uuid(pdf_bytes), content_uuid(pdf_bytes, *map(_bytes, press_inputs))))
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        force_version="1.3" if standard == "x1a" else "1.6",
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
    )
    return out.getvalue()


def edition_xmp(merged: pikepdf.Pdf, first_page: pikepdf.Pdf, pages: list[bytes]) -> None:
    """A merged PDF/X-4 edition's XMP: the first page's (identification, Trapped, dates),
    with the edition's title and its own DocumentID / InstanceID from all pages' content."""
    merged.Root.Metadata = merged.copy_foreign(first_page.Root.Metadata)
    with merged.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = str(merged.docinfo.get("/Title", ""))
        meta["xmpMM:DocumentID"] = content_uuid(b"edition", *pages)
        meta["xmpMM:InstanceID"] = content_uuid(b"edition instance", *pages)
