"""Stage 4, drawing: PageFrame → PDF bytes (the only reportlab importer)."""
