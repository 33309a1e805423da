"""Font facts: preparation (build time), resolution and cached metrics."""
