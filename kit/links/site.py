"""The built site: its files, and the ids and destinations in them (each read once, on demand)."""
from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html

SPECIAL_PAGES = {"404.html"}  # served by the web server on a missing address, never linked


def parse_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def html_ids(tree: lxml.html.HtmlElement) -> set[str]:
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    ids |= {el.get("name") for el in tree.iter("a") if el.get("name")}
    return ids


def source_of(rel: str, root: Path) -> str:
    """The Markdown page a built HTML page comes from (docs/x.md for x.html), if any."""
    if rel.endswith(".html"):
        md = rel.removesuffix(".html") + ".md"
        if (root / "docs" / md).is_file():
            return f"docs/{md}"
    return ""


class Site:
    def __init__(self, site: Path):
        self.root = site
        self.files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
        self.ids: dict[str, set[str]] = {}
        self.pdf_dests: dict[str, tuple[set[str], int]] = {}

    def exists(self, rel: str) -> bool:
        return rel in self.files

    def html_ids(self, rel: str) -> set[str]:
        if rel not in self.ids:
            self.ids[rel] = html_ids(parse_html(self.root / rel))
        return self.ids[rel]

    def svg_ids(self, rel: str) -> set[str]:
        if rel not in self.ids:
            try:
                tree = lxml.etree.parse(str(self.root / rel))
                self.ids[rel] = {v for el in tree.iter() for k, v in el.attrib.items() if k in ("id", "{http://www.w3.org/XML/1998/namespace}id")}
            except lxml.etree.XMLSyntaxError:
                self.ids[rel] = set()
        return self.ids[rel]

    def pdf_targets(self, rel: str) -> tuple[set[str], int]:
        """Named destinations and page count of a PDF in the site."""
        if rel not in self.pdf_dests:
            try:
                from pypdf import PdfReader

                reader = PdfReader(str(self.root / rel))
                self.pdf_dests[rel] = ({str(k).lstrip("/") for k in reader.named_destinations}, len(reader.pages))
            except Exception:  # noqa: BLE001 - an unreadable PDF is reported by the download check
                self.pdf_dests[rel] = (set(), 0)
        return self.pdf_dests[rel]
