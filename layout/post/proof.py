"""A proof sheet's file, as near the press file as a proof can be (post-processing).

Input: the drawn proof (or review draft) and the press's ``OutputIntent``. Output: the
same PDF with that output intent (one GTS_PDFX intent, as the press file carries, so a
viewer's output preview and a proofer simulate the same newsprint) and, for a proof,
the press's PDF version (1.3, as PDF/X-1a:2001, the default press standard).

Not claimed as PDF/X (no GTS_PDFXVersion): a proof is not for the plate. Its registration
marks are 400 % ink (every plate must carry them), beyond any newsprint ink limit a PDF/X
preflight applies; its sheet is larger than the trim. A review draft keeps PDF 1.4: its
source map is attached as an embedded file (the EmbeddedFiles name tree is PDF 1.4).
The document dates are left as drawn (the page's date, ``render.document_time``).
Deterministic: the trailer ID comes from the content.
"""

from __future__ import annotations

import io

import pikepdf

from layout.post.intent import OutputIntent
from layout.post.pdfx import set_output_intent

PROOF_VERSION = "1.3"  # the version of the default press file (PDF/X-1a:2001)


def make_proof(pdf_bytes: bytes, intent: OutputIntent, *, draft: bool = False) -> bytes:
    """The proof (or draft) with the press's output intent and, for a proof, its PDF version."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    set_output_intent(pdf, intent)
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        force_version=None if draft else PROOF_VERSION,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
    )
    return out.getvalue()
