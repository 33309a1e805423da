"""Stage 0, content model: YAML pages and styles → checked values."""
