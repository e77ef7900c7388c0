"""Run the offline link check over a built site: each file by its type, then the whole-site rules
(every page in the navigation, no orphan in docs/, no unused address in docs/data/links.yml)."""
from __future__ import annotations

import posixpath
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .address import AddressChecker
from .css import check_stylesheet
from .docx import check_docx
from .downloads import MAGIC, check_download, check_zip
from .html import check_page
from .pdf import check_pdf
from .report import Report
from .rules import Rules
from .site import SPECIAL_PAGES, Site, parse_html, source_of
from .sitemap import check_sitemap

LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying|notice|ofl)([-_.].*)?$|.*[-_]licen[cs]e(\..*)?$")
CODE_SUFFIXES = {".py", ".html", ".css", ".yml", ".yaml", ".js", ".j2"}


def check_site(root: Path, site: Path) -> Report:
    """Check the built `site` of the project at `root`; every problem found is in the report."""
    root = Path(root).resolve()
    links = AddressChecker(root, Site(Path(site).resolve()), Rules(root), Report())
    start = time.perf_counter()
    if not (links.site.root / "index.html").is_file():
        links.problem(str(links.site.root), "", "is not a built site (no index.html): run `make build` first")
        links.report.seconds = time.perf_counter() - start
        return links.report
    links.report.problems += links.rules.data_file_problems()
    for rel in sorted(links.site.files):
        suffix = posixpath.splitext(rel)[1].lower()
        if suffix in (".html", ".htm"):
            check_page(links, rel)
        elif suffix == ".css":
            check_stylesheet(links, rel)
        elif rel == "sitemap.xml":
            check_sitemap(links, rel)
        if (suffix in MAGIC or suffix == ".svg") and not check_download(links, rel):
            continue  # an empty or mislabelled file: reading it further would only repeat that
        if suffix == ".pdf":
            check_pdf(links, rel)
        elif suffix == ".docx":
            check_docx(links, rel)
        elif suffix == ".zip":
            check_zip(links, rel)
    check_navigation(links)
    check_orphans(links)
    check_unused_links(links)
    links.report.seconds = time.perf_counter() - start
    return links.report


def check_unused_links(links: AddressChecker) -> None:
    used = set(links.report.external)
    for link in links.rules.links.values():
        if link.url and link.url not in used:
            links.problem("docs/data/links.yml", f"link {link.id}", "is not used on any page, poster or document: remove it or link it", "warning")


def check_navigation(links: AddressChecker) -> None:
    """Every page made from docs/ is in the navigation; any other page is reachable from it."""
    if not links.site.exists("index.html"):
        links.problem("index.html", "", "the home page is missing from the built site")
        return
    tree = parse_html(links.site.root / "index.html")
    in_nav: set[str] = {"index.html"}
    for a in tree.xpath('//nav[contains(concat(" ", normalize-space(@class), " "), " md-nav--primary ")]//a[@href]'):
        href = a.get("href")
        if urlsplit(href).scheme or href.startswith(("#", "/")):
            continue
        target = posixpath.normpath(unquote(urlsplit(href).path))
        if target != ".":
            in_nav.add(target)
    pages = sorted(f for f in links.site.files if f.endswith(".html") and f not in SPECIAL_PAGES)
    seen, todo = set(in_nav), list(in_nav)
    while todo:
        for nxt in links.linked_from.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for rel in pages:
        if source_of(rel, links.root) and rel not in in_nav:
            links.problem(rel, "", "is not in the site navigation: add it to 'nav' in mkdocs.yml")
        elif rel not in seen:
            links.problem(rel, "", "no page links to it, so readers cannot reach it from the navigation")
    for rel in sorted(f for f in links.site.files if f.startswith("downloads/") and f not in links.targets):
        links.problem(rel, "", "no page links to this download", "warning")


def check_orphans(links: AddressChecker) -> None:
    """Files in docs/ that nothing uses."""
    docs = links.root / "docs"
    # The code and templates that may read a file from docs/ directly (posters, documents, the hook).
    sources = [links.root / "mkdocs.yml", *(p for d in ("kit", "hooks", "scripts", "posters", "documents", "overrides")
                                           for p in sorted((links.root / d).rglob("*")) if p.suffix in CODE_SUFFIXES)]
    code = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sources if p.is_file())
    pages_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in docs.rglob("*.md"))
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs).as_posix()
        if rel.endswith(".md") and not rel.startswith("includes/"):
            continue  # pages: the navigation check covers them (and the loader, before the build)
        if rel.startswith("includes/"):
            name = rel.removeprefix("includes/")
            if f'"{name}"' not in pages_text + code and f"'{name}'" not in pages_text + code:
                links.problem(f"docs/{rel}", "", "is an orphan: no page includes it (--8<-- \"…\"): use it or delete it")
            continue
        if rel.startswith("data/"):
            if rel not in code and path.name not in code:
                links.problem(f"docs/{rel}", "", "is an orphan: no code reads this data file: use it or delete it")
            continue
        if rel in links.targets or rel in code:
            continue  # linked from the site, or read by the posters, documents or hook
        folder = posixpath.dirname(rel)
        if LICENCE_FILE.match(path.name) and any(posixpath.dirname(t) == folder for t in links.targets):
            continue  # the licence that travels with a vendored font or script
        links.problem(f"docs/{rel}", "", "is an orphan: no page, stylesheet, template or code uses it: link it or delete it")
