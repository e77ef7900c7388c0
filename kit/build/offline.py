"""The offline copy: site/downloads/offline-site.zip, a zip of the finished site.

The site itself is built to work from a shared drive or file:// (mkdocs.yml: the `offline` plugin,
use_directory_urls false, the iframe-worker shim vendored so search works without a server and
nothing loads from unpkg), so the offline copy needs no second build: it is the built site (pages,
search index, posters, PDFs; everything except this zip), zipped as the build's last step,
reproducibly (kit/repro.py).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..dates import build_time
from ..outputs import OFFLINE_ZIP
from ..repro import DeflateCache, folder_entries, write_zip


def folder_name(short_name: str) -> str:
    """The zip's top-level folder, from the board's short name only (extra.board.short_name)."""
    slug = re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")
    return f"{slug}-offline-site" if slug else "offline-site"


def make_offline_zip(site: Path, folder: str, cache: DeflateCache | None = None) -> Path:
    """Zip every file of `site` (except the zip itself) under `folder`/ into site/downloads/offline-site.zip."""
    dest = site / OFFLINE_ZIP
    return write_zip(dest, folder_entries(site, folder, leave_out=[dest]), build_time(), cache)
