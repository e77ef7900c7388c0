"""mkdocs-to-pdf theme handler for the whole-guide PDF (loaded by the plugin's `theme_handler_path`).

The plugin only collects the pages into one HTML file (its `html_path`); scripts/documents.py then
adds the cover, the print styles and the metadata and renders it, tagged, with WeasyPrint. So this
handler adds no stylesheet and no scripts, and leaves the site's pages exactly as MkDocs wrote them
(the built-in Material handler would add a PDF button to every page's header).
"""
from __future__ import annotations

from typing import Any


def get_stylesheet(_debug_html: bool) -> str | None:  # noqa: FBT001 - the plugin's signature
    return None


def get_script_sources() -> list[str]:
    return []


def inject_link(html: str, _href: str, _page: Any, _logger: Any) -> str:
    return html
