"""The one Jinja set-up for the kit's own templates (posters/ and documents/): they are code, kept
in the repository; what they show (page text, board values) arrives as data and is escaped. The
editors' pages are filled by another, sandboxed, set-up (kit/site/fill.py)."""
from __future__ import annotations

from pathlib import Path

import jinja2


def kit_templates(folder: Path) -> jinja2.Environment:
    # auto_reload: the environments kept per process (posters, documents) compile a template again
    # once its file changes
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              auto_reload=True)
