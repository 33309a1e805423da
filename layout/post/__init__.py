"""Post-processing and preflight (stage 5): press PDF/X output and checks of any PDF."""
