"""Stage 1, inline layout: paragraph → lines (breaking, compression, justification)."""
