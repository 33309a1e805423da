"""Banmian (版面): YAML content and CJK fonts to print-ready newspaper pages."""

__version__ = "0.1.0"
