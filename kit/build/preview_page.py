"""The poster preview box a page shows while serving (`make serve`), never in a published build.

kit.build.preview renders the posters in the background and records them in a state file; this
module only reads that file, so a page build stays fast and the engines load no poster code. The
box appears only when the serve process has set both SG_SERVE=1 and SG_PREVIEW_URL (the address of
the preview's own small web server), which `make build` never does.
"""
from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from ..cachekeys import stat_signature

PREVIEW_DIR = Path(".cache") / "preview"  # under the project root; git ignores .cache/
STATE = "state.json"
STAMP = "stamp"  # rewritten after each render: the engines watch it and rebuild the pages
URL_ENV = "SG_PREVIEW_URL"


def preview_enabled() -> bool:
    return os.environ.get("SG_SERVE") == "1" and bool(os.environ.get(URL_ENV))


def sources_signature(root: Path) -> str:
    """What the posters are made from, by name, size and time: docs/, posters/ and mkdocs.yml."""
    return stat_signature(root, ["mkdocs.yml"], ["docs", "posters"])


def read_state(root: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((root / PREVIEW_DIR / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _poster_item(url: str, poster: dict[str, Any]) -> str:
    title = html.escape(poster.get("title", poster.get("slug", "")))
    if poster.get("problems"):
        items = "\n".join(f"<li>{html.escape(p)}</li>" for p in poster["problems"])
        return (f'<div class="sg-preview-error" role="alert">\n<p><strong>The A4 poster "{title}" cannot be made:'
                f"</strong></p>\n<ul>\n{items}\n</ul>\n</div>")
    if not poster.get("png"):
        return f'<p class="sg-preview-pending">The A4 poster "{title}" is being made: this page reloads when it is ready.</p>'
    png, pdf = (html.escape(f"{url}/{poster[k]}", quote=True) for k in ("png", "pdf"))
    return (f'<figure class="sg-preview-poster">\n<a href="{pdf}"><img src="{png}" width="320" '
            f'alt="Preview of the A4 poster: {title}"></a>\n<figcaption><a href="{pdf}">{title}: A4 PDF</a>'
            "</figcaption>\n</figure>")


def preview_markup(root: Path, rel: str) -> str:
    """The box for page `rel` (path under docs/), or "" when not serving or the page has no poster."""
    if not preview_enabled():
        return ""
    url = os.environ[URL_ENV].rstrip("/")
    state = read_state(root)
    if state is None:
        return ""
    posters = [p for p in state.get("posters", []) if isinstance(p, dict) and p.get("page") == rel]
    if not posters:
        return ""
    body = "\n".join(_poster_item(url, p) for p in posters)
    stale = state.get("signature") != sources_signature(root) or not state.get("done")
    note = ("\n<p><em>Updating after your last save: this page reloads when the new poster is ready.</em></p>"
            if stale else "")
    return ('<div class="admonition info sg-poster-preview">\n'
            '<p class="admonition-title">Poster preview (only while editing; not published)</p>\n'
            f"{body}{note}\n</div>\n\n")
