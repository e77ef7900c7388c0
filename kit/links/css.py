"""Addresses in stylesheets: `url()` and `@import`, in .css files and in pages' style attributes and elements."""
from __future__ import annotations

import re

from .address import AddressChecker

CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""")


def check_css_text(links: AddressChecker, rel: str, text: str, kind: str, base: str) -> None:
    for m in [*CSS_URL.finditer(text), *CSS_IMPORT.finditer(text)]:
        url = next(g for g in m.groups() if g is not None)
        if url.startswith("#") or url.lower().startswith("data:"):
            continue  # an SVG filter or an inline image
        links.check(rel, url, kind, base=base)


def check_stylesheet(links: AddressChecker, rel: str) -> None:
    links.report.files["stylesheets"] += 1
    text = (links.site.root / rel).read_text(encoding="utf-8", errors="replace")
    check_css_text(links, rel, text, "stylesheets", base=rel)
