"""Offline link check of a built site: every link in every page, stylesheet, PDF, Word document
and the sitemap, with no network.

What it proves, reporting every failure at once with page, link and why:

- every relative `href`/`src`/`srcset` (and CSS `url()`) resolves to a file inside the site, and
  an `#anchor` exists in the target (an HTML id, an SVG id, a PDF named destination or page);
- downloads (PDF, Word, zip, images) exist, are not empty and are what their name says;
- links inside the PDFs (link annotations and bookmarks) go to destinations that exist, and their
  external addresses obey the rules below, as do the hyperlinks in Word documents and what the QR
  codes printed in the PDFs say (each page drawn and decoded; every poster must carry a readable one);
- every external address comes from docs/data/links.yml (or is the board's own site or a board
  contact), none is on a retired domain or a retired address, and all use https;
- every page is in the navigation, and nothing in docs/ is an orphan.

`check_site(root, site)` returns a `Report`; `scripts/linkcheck.py` is the command line.
"""
from __future__ import annotations

import posixpath
import re
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html

from . import html_policy
from .errors import ContentError, Problems
from .model.config import load_config
from .model.data import load_links

# Whole domains that have closed: no page, PDF or document may link to them. A `formerly` entry in
# docs/data/links.yml that is a bare domain (no path) retires that domain too.
RETIRED_DOMAINS = frozenset({
    "ico.gov.uk",                 # Information Commissioner: now ico.org.uk
    "police.homeoffice.gov.uk",   # Home Office police pages: closed
    "teachernet.gov.uk",          # closed 2011
    "ceop.gov.uk",                # CEOP joined the National Crime Agency in 2013
    "childnet-int.org",           # Childnet: now childnet.com
    "iabuk.net",                  # IAB UK: now iabuk.com
    "thinkuknow.co.uk",           # now CEOP Education
    "dcsf.gov.uk",                # Department for Children, Schools and Families: closed 2010
    "dfes.gov.uk",                # Department for Education and Skills: closed 2007
    "everychildmatters.gov.uk",   # closed 2010
    "direct.gov.uk",              # Directgov: replaced by GOV.UK in 2012
    "becta.org.uk",               # Becta: closed 2011
})
# Hosts known to have no https at all; an http:// address elsewhere is an error.
HTTP_ONLY_HOSTS: frozenset[str] = frozenset()
# What a download must start with (magic bytes), by file extension.
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying|notice|ofl)([-_.].*)?$|.*[-_]licen[cs]e(\..*)?$")
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""")
# Element attributes that hold one address. (srcset holds several; handled apart.)
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "base": ("href",),
    "img": ("src",), "script": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
    "source": ("src",), "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
    "input": ("src",), "object": ("data",), "form": ("action",), "use": ("href", "{http://www.w3.org/1999/xlink}href"),
    "image": ("href", "{http://www.w3.org/1999/xlink}href"),
}
CODE_SUFFIXES = {".py", ".html", ".css", ".yml", ".yaml", ".js", ".j2"}
SPECIAL_PAGES = {"404.html"}  # served by the web server on a missing address, never linked


@dataclass(frozen=True)
class LinkProblem:
    page: str  # the file in the site the link is in (or docs/… for source files)
    link: str  # the link as written (for PDFs: "page N: …")
    why: str  # what is wrong and what to do
    source: str = ""  # the Markdown page that produced `page`, if there is one
    level: str = "error"  # "error" fails the check; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.page} (from {self.source})" if self.source else self.page
        link = f": {self.link}" if self.link else ""
        return f"{where}{link}: {self.why}"


@dataclass
class Report:
    problems: list[LinkProblem] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)  # links checked, by kind of file
    files: Counter = field(default_factory=Counter)  # files read, by kind
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # address -> pages
    qr_codes: list[tuple[str, int, str]] = field(default_factory=list)  # (PDF, page, what the code says)
    seconds: float = 0.0

    @property
    def errors(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def total(self) -> int:
        return sum(self.checked.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{n} in {k}" for k, n in sorted(self.checked.items()))
        files = sum(self.files.values())
        return (f"Checked {self.total} links ({kinds}) in {files} files in {self.seconds:.2f} s: "
                f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}, "
                f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}.")

    def text(self) -> str:
        lines = [self.summary()]
        for level in ("error", "warning"):
            items = sorted((p for p in self.problems if p.level == level), key=lambda p: (p.page, p.link, p.why))
            if items:
                lines.append(f"{level.capitalize()}s:")
                lines += [f"  - {p}" for p in items]
        return "\n".join(lines)


def host_of(address: str) -> str:
    """The lower-case host of an address, with or without a scheme, without "www." or a port."""
    if "//" not in address:
        address = "//" + address
    host = (urlsplit(address).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def on_domain(host: str, domains: frozenset[str] | set[str]) -> str | None:
    for d in domains:
        if host == d or host.endswith("." + d):
            return d
    return None


def bare(address: str) -> str:
    """An address compared loosely: no scheme, no "www.", lower-case host, no trailing slash."""
    if "//" not in address:
        address = "//" + address
    parts = urlsplit(address)
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host_of(address)}{path}{query}"


class _Rules:
    """Which external addresses may appear, from docs/data/links.yml and the board's config."""

    def __init__(self, root: Path):
        p = Problems()
        self.links = load_links(root, p)
        self.site_url = ""
        self.contact_urls: set[str] = set()
        self.load_problems = list(p.items)
        try:
            config = load_config(root)
            self.site_url = config.board.site_url
            self.contact_urls = {c.url for c in config.board.contacts if c.url}
        except ContentError as e:
            self.load_problems += e.problems
        self.by_url: dict[str, list[str]] = defaultdict(list)
        for link in self.links.values():
            if link.url:
                self.by_url[link.url].append(link.id)
        self.by_bare = {bare(u): u for u in [*self.by_url, *self.contact_urls]}
        self.retired_domains = set(RETIRED_DOMAINS)
        self.retired_addresses: dict[str, str] = {}  # bare old address -> current url
        self.replacement: dict[str, str] = {}  # retired domain -> current url
        for link in self.links.values():
            for old in link.formerly:
                if urlsplit(old if "//" in old else "//" + old).path.strip("/") == "":
                    self.retired_domains.add(host_of(old))
                    self.replacement[host_of(old)] = link.url
                else:
                    self.retired_addresses[bare(old)] = link.url
                    self.replacement.setdefault(host_of(old), link.url)

    def retired(self, address: str) -> str | None:
        """Why an address is retired, or None."""
        host = host_of(address)
        domain = on_domain(host, self.retired_domains)
        if domain:
            new = self.replacement.get(domain)
            hint = f": use {new} (from docs/data/links.yml)" if new else ""
            return f"{domain} is a retired domain (the site has closed){hint}"
        if bare(address) in self.retired_addresses:
            return f"this address no longer works: use {self.retired_addresses[bare(address)]} (from docs/data/links.yml)"
        return None

    def check_external(self, address: str) -> list[tuple[str, str]]:
        """(level, why) for each rule an external http(s) address breaks."""
        out = []
        why = self.retired(address)
        if why:
            out.append(("error", why))
        if address.startswith("//"):
            out.append(("error", "a protocol-relative address (//…) does not work from a shared drive or file://: write https://"))
        elif address.lower().startswith("http://") and on_domain(host_of(address), HTTP_ONLY_HOSTS) is None:
            out.append(("error", "uses http://: use https:// (if the site has no https, add its host to HTTP_ONLY_HOSTS in kit/links_offline.py)"))
        if address not in self.by_url and address not in self.contact_urls:
            known = self.by_bare.get(bare(address))
            if known:
                out.append(("error", f"is written differently from docs/data/links.yml, which has {known}: use the address from the data file"))
            elif not why:
                out.append(("error", "is not in docs/data/links.yml: add it there (url, title, checked_on) and link it as [text][id]"))
        return out


class _Site:
    """The built site: its files, and the ids/destinations in them (read once, on demand)."""

    def __init__(self, site: Path):
        self.root = site
        self.files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
        self.ids: dict[str, set[str]] = {}
        self.pdf_dests: dict[str, tuple[set[str], int]] = {}

    def exists(self, rel: str) -> bool:
        return rel in self.files

    def html_ids(self, rel: str) -> set[str]:
        if rel not in self.ids:
            self.ids[rel] = _ids(_parse_html(self.root / rel))
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


def _parse_html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _ids(tree: lxml.html.HtmlElement) -> set[str]:
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


class Checker:
    def __init__(self, root: Path, site: Path):
        self.root = Path(root).resolve()
        self.site = _Site(Path(site).resolve())
        self.rules = _Rules(self.root)
        self.report = Report()
        self.targets: set[str] = set()  # site files something links to
        self.linked_from: dict[str, set[str]] = defaultdict(set)  # html page -> html pages it links to

    # --- reporting -------------------------------------------------------------------------
    def problem(self, page: str, link: str, why: str, level: str = "error") -> None:
        self.report.problems.append(LinkProblem(page, link, why, source_of(page, self.root), level))

    # --- one link ---------------------------------------------------------------------------
    def check(self, page: str, link: str, kind: str, *, shown: str | None = None, base: str | None = None) -> None:
        """Check one address found in `page` (a site file). `base` is the file relative links
        resolve against (default: the page itself); `shown` is how the link is named in messages."""
        self.report.checked[kind] += 1
        shown = shown if shown is not None else link
        address = link.strip()
        if address != link:
            self.problem(page, shown, "has spaces at the start or end: remove them")
        if address == "":
            self.problem(page, shown or '""', "is empty: give the address or remove the link")
            return
        scheme = urlsplit(address).scheme.lower()
        if scheme in ("http", "https") or address.startswith("//"):
            site_url = self.rules.site_url
            if site_url and address.startswith(site_url):
                self.report.external[address].add(page)
                self._internal(page, shown, address[len(site_url):], "", f"the address is on the board's site, {site_url}")
                return
            self.report.external[address].add(page)
            for level, why in self.rules.check_external(address):
                self.problem(page, shown, why, level)
            return
        if scheme == "mailto":
            if not re.match(r"^mailto:[^@\s]+@[^@\s]+\.[^@\s]+(\?.*)?$", address, re.I):
                self.problem(page, shown, "is not an email address: write mailto:name@example.org")
            return
        if scheme == "tel":
            if not re.match(r"^tel:\+?\d{3,15}$", address):
                self.problem(page, shown, "is not a telephone number: write tel: followed by digits only (e.g. tel:01632960000)")
            return
        if scheme == "data":
            return
        if scheme == "file":
            self.problem(page, shown, "is a file:// address on the machine that built it: readers cannot open it; "
                                      "link a page of the site (or the board's site address in a PDF)")
            return
        if scheme:
            self.problem(page, shown, f"uses '{scheme}:', which readers cannot follow from the site: link a page, a file or an https:// address")
            return
        self._internal(page, shown, address, base if base is not None else page)

    def _internal(self, page: str, shown: str, address: str, base: str, via: str = "") -> None:
        parts = urlsplit(address)
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if path.startswith("/") and not via:
            prefix = urlsplit(self.rules.site_url).path or "/"
            if page in SPECIAL_PAGES and path.startswith(prefix):
                # The 404 page is served at any address, so it must use absolute paths on the board's site.
                self._internal(page, shown, address.removeprefix(prefix), "", f"the path is on the board's site, {prefix}")
                return
            self.problem(page, shown, "is an absolute path (starting with /): it breaks when the site is opened from a shared drive or file://; write a relative link")
            return
        if path == "" and not via:
            target = base
        else:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else "."
            if joined == ".." or joined.startswith("../"):
                self.problem(page, shown, "points outside the site folder")
                return
            target = "" if joined == "." else joined
            if target == "" or (self.site.root / target).is_dir():
                index = posixpath.join(target, "index.html") if target else "index.html"
                if via:  # an absolute address on the board's site may name a folder: the server adds index.html
                    target = index
                else:
                    self.problem(page, shown, f"links to a folder: from a shared drive or file:// it does not open; link {index}")
                    return
        if not self.site.exists(target):
            where = f" ({via})" if via else ""
            self.problem(page, shown, f"the target {target} does not exist in the built site{where}")
            return
        self.targets.add(target)
        if target.endswith(".html"):
            self.linked_from[page].add(target)
        if fragment:
            self._fragment(page, shown, target, fragment)

    def _fragment(self, page: str, shown: str, target: str, fragment: str) -> None:
        suffix = posixpath.splitext(target)[1].lower()
        if suffix in (".html", ".htm"):
            if fragment not in self.site.html_ids(target):
                self.problem(page, shown, f"the anchor #{fragment} does not exist in {target}")
        elif suffix == ".svg":
            if fragment not in self.site.svg_ids(target):
                self.problem(page, shown, f"the anchor #{fragment} does not exist in {target}")
        elif suffix == ".pdf":
            names, pages = self.site.pdf_targets(target)
            params = dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in fragment.split("&"))
            if "page" in params:
                if not params["page"].isdigit() or not 1 <= int(params["page"]) <= pages:
                    self.problem(page, shown, f"{target} has {pages} pages; #page={params['page']} is not one of them")
            elif "nameddest" in params or len(params) == 1 and "" in params.values():
                name = params.get("nameddest", fragment)
                if name not in names:
                    self.problem(page, shown, f"the destination #{name} does not exist in {target}")

    # --- kinds of file ----------------------------------------------------------------------
    def html(self, rel: str) -> None:
        self.report.files["HTML pages"] += 1
        tree = _parse_html(self.site.root / rel)
        self.site.ids[rel] = _ids(tree)
        if source_of(rel, self.root):  # the page's content (not the theme's own scripts) obeys kit/html_policy.py
            for article in tree.iter("article"):
                body = lxml.html.tostring(article, encoding="unicode")
                for finding in html_policy.check_html(body, posixpath.dirname(rel), self.root / "docs"):
                    self.problem(rel, "", f"in the page's content: {finding.message}")
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            for attr in URL_ATTRIBUTES.get(tag, ()):
                value = el.get(attr)
                if value is None:
                    continue
                if tag == "a" and value.strip() == "" and el.get("name"):
                    continue
                self.check(rel, value, "HTML pages")
            srcset = el.get("srcset")
            if srcset:
                for candidate in srcset.split(","):
                    if candidate.strip():
                        self.check(rel, candidate.split()[0], "HTML pages")
            if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
                m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", el.get("content") or "", re.I)
                if m:
                    self.check(rel, m.group(1), "HTML pages")
            style = el.get("style")
            if style:
                self._css_text(rel, style, "HTML pages", base=rel)
            if tag == "style" and el.text:
                self._css_text(rel, el.text, "HTML pages", base=rel)

    def _css_text(self, rel: str, text: str, kind: str, base: str) -> None:
        for m in [*CSS_URL.finditer(text), *CSS_IMPORT.finditer(text)]:
            url = next(g for g in m.groups() if g is not None)
            if url.startswith("#") or url.lower().startswith("data:"):
                continue  # an SVG filter or an inline image
            self.check(rel, url, kind, base=base)

    def css(self, rel: str) -> None:
        self.report.files["stylesheets"] += 1
        text = (self.site.root / rel).read_text(encoding="utf-8", errors="replace")
        self._css_text(rel, text, "stylesheets", base=rel)

    def sitemap(self, rel: str) -> None:
        self.report.files["sitemap"] += 1
        try:
            tree = lxml.etree.parse(str(self.site.root / rel))
        except lxml.etree.XMLSyntaxError as e:
            self.problem(rel, "", f"cannot be read as XML ({e})")
            return
        for loc in tree.iter("{*}loc"):
            address = (loc.text or "").strip()
            if self.rules.site_url and not address.startswith(self.rules.site_url):
                self.report.checked["sitemap"] += 1
                self.problem(rel, address, f"is not on the board's site ({self.rules.site_url})")
            else:
                self.check(rel, address, "sitemap")

    def pdf(self, rel: str) -> None:
        self.report.files["PDFs"] += 1
        from pypdf import PdfReader
        from pypdf.generic import ArrayObject, IndirectObject

        try:
            reader = PdfReader(str(self.site.root / rel))
            pages = list(reader.pages)
        except Exception as e:  # noqa: BLE001 - any failure to read is the finding
            self.problem(rel, "", f"cannot be read as a PDF ({e})")
            return
        page_ids = {p.indirect_reference.idnum for p in pages if p.indirect_reference is not None}
        names = {str(k).lstrip("/") for k in reader.named_destinations}
        self.site.pdf_dests[rel] = (names, len(pages))

        def check_dest(label: str, dest: object) -> None:
            self.report.checked["PDFs"] += 1
            dest = dest.get_object() if isinstance(dest, IndirectObject) else dest
            if isinstance(dest, dict) and "/D" in dest:  # a destination dictionary
                dest = dest["/D"]
            if isinstance(dest, ArrayObject):
                ref = dest[0] if len(dest) else None
                if not isinstance(ref, IndirectObject) or ref.idnum not in page_ids:
                    self.problem(rel, label, "goes to a page that is not in the PDF")
            elif str(dest).lstrip("/") not in names:
                self.problem(rel, label, f"goes to the destination '{str(dest).lstrip('/')}', which does not exist in the PDF")

        for number, page in enumerate(pages, start=1):
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                action = action.get_object() if action is not None else None
                if action is not None:
                    kind = action.get("/S")
                    if kind == "/URI":
                        uri = str(action.get("/URI", ""))
                        self.check(rel, uri, "PDFs", shown=f"page {number}: {uri}")
                    elif kind == "/GoTo":
                        check_dest(f"page {number}: internal link", action.get("/D"))
                    elif kind == "/GoToR":
                        spec = action.get("/F")
                        spec = spec.get_object() if spec is not None else ""
                        name = str(spec.get("/UF") or spec.get("/F")) if isinstance(spec, dict) else str(spec)
                        self.check(rel, name, "PDFs", shown=f"page {number}: link to file {name}")
                    else:
                        self.report.checked["PDFs"] += 1
                        self.problem(rel, f"page {number}: {kind} action", "a PDF link may only open an address or a place in a document")
                elif annot.get("/Dest") is not None:
                    check_dest(f"page {number}: internal link", annot["/Dest"])
        self.qr_codes(rel)
        try:
            outline = reader.outline
        except Exception as e:  # noqa: BLE001
            self.problem(rel, "bookmarks", f"cannot be read ({e})")
            return

        def walk(items: list) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                    continue
                self.report.checked["PDFs"] += 1
                try:
                    n = reader.get_destination_page_number(item)
                except Exception:  # noqa: BLE001
                    n = None
                if n is None or n < 0:
                    self.problem(rel, f"bookmark '{item.title}'", "goes to a page that is not in the PDF")

        walk(outline)

    def qr_codes(self, rel: str) -> None:
        """Read every QR code in a PDF (each page drawn, then decoded) and check where it leads.
        A poster (a PDF under a posters/ folder) must carry a QR code that can be read."""
        try:
            import pypdfium2
            import zxingcpp
        except ImportError as e:  # pinned in requirements.txt; say so rather than pass silently
            self.problem(rel, "QR codes", f"not checked: {e.name} is not installed (pip install -r requirements.txt)", "warning")
            return
        poster = "posters" in rel.split("/")[:-1]
        try:
            doc = pypdfium2.PdfDocument(str(self.site.root / rel))
        except pypdfium2.PdfiumError as e:
            self.problem(rel, "", f"cannot be drawn to read its QR codes ({e})")
            return
        try:
            for number in range(1, len(doc) + 1):
                page = doc[number - 1]
                codes: list[str] = []
                for scale in (2, 4) if poster else (2,):  # about 144 dpi; a poster's code is tried again at 288
                    image = page.render(scale=scale, grayscale=True).to_pil()
                    codes = [c.text for c in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
                    if codes:
                        break
                for text in codes:
                    self.report.qr_codes.append((rel, number, text))
                    self.check(rel, text, "QR codes", shown=f"page {number}: QR code {text}")
                if poster and not codes:
                    self.report.checked["QR codes"] += 1
                    self.problem(rel, f"page {number}", "has no QR code that can be read: a poster's code must lead readers to its page")
        finally:
            doc.close()

    def docx(self, rel: str) -> None:
        self.report.files["Word documents"] += 1
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        try:
            with zipfile.ZipFile(self.site.root / rel) as z:
                names = z.namelist()
                parts = {n: z.read(n) for n in names if n.startswith("word/") and n.endswith((".xml", ".rels"))}
        except (zipfile.BadZipFile, OSError) as e:
            self.problem(rel, "", f"cannot be opened as a Word document ({e})")
            return
        bookmarks: set[str] = set()
        anchors: list[tuple[str, str]] = []
        for name, data in parts.items():
            if not name.endswith(".xml"):
                continue
            try:
                tree = lxml.etree.fromstring(data)
            except lxml.etree.XMLSyntaxError:
                self.problem(rel, name, "is not well-formed XML: Word may refuse to open the document")
                continue
            bookmarks |= {el.get(f"{w}name") for el in tree.iter(f"{w}bookmarkStart")}
            anchors += [(name, el.get(f"{w}anchor")) for el in tree.iter(f"{w}hyperlink") if el.get(f"{w}anchor")]
        for name, data in parts.items():
            if not name.endswith(".rels"):
                continue
            for r in lxml.etree.fromstring(data).iter("{*}Relationship"):
                if not (r.get("Type") or "").endswith("/hyperlink"):
                    continue
                target = r.get("Target") or ""
                self.check(rel, target, "Word documents", shown=f"hyperlink {target}")
        for part, anchor in anchors:
            self.report.checked["Word documents"] += 1
            if anchor not in bookmarks:
                self.problem(rel, f"internal link #{anchor}", "goes to a bookmark that does not exist in the document")

    def zip(self, rel: str) -> None:
        self.report.files["zip files"] += 1
        try:
            with zipfile.ZipFile(self.site.root / rel) as z:
                names = z.namelist()
                bad = z.testzip()
        except (zipfile.BadZipFile, OSError) as e:
            self.problem(rel, "", f"cannot be opened as a zip file ({e})")
            return
        if bad:
            self.problem(rel, bad, "is damaged inside the zip file (bad checksum)")
        if not names:
            self.problem(rel, "", "the zip file is empty")
        for n in names:
            if n.startswith("/") or ".." in n.split("/"):
                self.problem(rel, n, "a file in the zip would be unpacked outside its folder")

    def download(self, rel: str) -> bool:
        """A file with a download's extension: not empty, and what its name says. True if sound."""
        path = self.site.root / rel
        suffix = path.suffix.lower()
        if path.stat().st_size == 0:
            self.problem(rel, "", "is empty (0 bytes): the step that makes it failed")
            return False
        magic = MAGIC.get(suffix)
        if magic:
            with path.open("rb") as f:
                head = f.read(16)
            if not head.startswith(magic):
                self.problem(rel, "", f"is not a real {suffix[1:].upper()} file (it starts with {head[:8]!r})")
                return False
        elif suffix == ".svg":
            if b"<svg" not in path.read_bytes()[:4096].lower():
                self.problem(rel, "", "is not an SVG image (no <svg> element)")
                return False
        return True

    # --- whole-site rules -------------------------------------------------------------------
    def data_rules(self) -> None:
        """The addresses in docs/data/links.yml themselves: https, not retired."""
        for problem in self.rules.load_problems:
            self.report.problems.append(LinkProblem(problem.file, problem.where, problem.message))
        for link in self.rules.links.values():
            if not link.url:
                continue
            where = f"link {link.id}: {link.url}"
            why = self.rules.retired(link.url)
            if why:
                self.problem("docs/data/links.yml", where, why)
            if link.url.startswith("http://") and on_domain(host_of(link.url), HTTP_ONLY_HOSTS) is None:
                self.problem("docs/data/links.yml", where, "uses http://: use the https:// address")
        for url in sorted(self.rules.contact_urls):
            why = self.rules.retired(url)
            if why:
                self.problem("mkdocs.yml", f"extra.board.contacts url {url}", why)
            if url.startswith("http://"):
                self.problem("mkdocs.yml", f"extra.board.contacts url {url}", "uses http://: use the https:// address")

    def unused_links(self) -> None:
        used = set(self.report.external)
        for link in self.rules.links.values():
            if link.url and link.url not in used:
                self.problem("docs/data/links.yml", f"link {link.id}", "is not used on any page, poster or document: remove it or link it", "warning")

    def navigation(self) -> None:
        """Every page made from docs/ is in the navigation; any other page is reachable from it."""
        if not self.site.exists("index.html"):
            self.problem("index.html", "", "the home page is missing from the built site")
            return
        tree = _parse_html(self.site.root / "index.html")
        in_nav: set[str] = {"index.html"}
        for a in tree.xpath('//nav[contains(concat(" ", normalize-space(@class), " "), " md-nav--primary ")]//a[@href]'):
            href = a.get("href")
            if urlsplit(href).scheme or href.startswith(("#", "/")):
                continue
            target = posixpath.normpath(unquote(urlsplit(href).path))
            if target != ".":
                in_nav.add(target)
        pages = sorted(f for f in self.site.files if f.endswith(".html") and f not in SPECIAL_PAGES)
        seen, todo = set(in_nav), list(in_nav)
        while todo:
            for nxt in self.linked_from.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        for rel in pages:
            if source_of(rel, self.root) and rel not in in_nav:
                self.problem(rel, "", "is not in the site navigation: add it to 'nav' in mkdocs.yml")
            elif rel not in seen:
                self.problem(rel, "", "no page links to it, so readers cannot reach it from the navigation")
        for rel in sorted(f for f in self.site.files if f.startswith("downloads/") and f not in self.targets):
            self.problem(rel, "", "no page links to this download", "warning")

    def orphans(self) -> None:
        """Files in docs/ that nothing uses."""
        docs = self.root / "docs"
        # The code and templates that may read a file from docs/ directly (posters, documents, the hook).
        sources = [self.root / "mkdocs.yml", *(p for d in ("kit", "hooks", "scripts", "posters", "documents", "overrides")
                                               for p in sorted((self.root / d).rglob("*")) if p.suffix in CODE_SUFFIXES)]
        code = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sources if p.is_file())
        pages_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in docs.rglob("*.md"))
        for path in sorted(p for p in docs.rglob("*") if p.is_file()):
            rel = path.relative_to(docs).as_posix()
            if rel.endswith(".md") and not rel.startswith("includes/"):
                continue  # pages: the navigation check covers them (and the loader, before the build)
            if rel.startswith("includes/"):
                name = rel.removeprefix("includes/")
                if f'"{name}"' not in pages_text + code and f"'{name}'" not in pages_text + code:
                    self.problem(f"docs/{rel}", "", "is an orphan: no page includes it (--8<-- \"…\"): use it or delete it")
                continue
            if rel.startswith("data/"):
                if rel not in code and path.name not in code:
                    self.problem(f"docs/{rel}", "", "is an orphan: no code reads this data file: use it or delete it")
                continue
            if rel in self.targets or rel in code:
                continue  # linked from the site, or read by the posters, documents or hook
            folder = posixpath.dirname(rel)
            if LICENCE_FILE.match(path.name) and any(posixpath.dirname(t) == folder for t in self.targets):
                continue  # the licence that travels with a vendored font or script
            self.problem(f"docs/{rel}", "", "is an orphan: no page, stylesheet, template or code uses it: link it or delete it")

    def run(self) -> Report:
        start = time.perf_counter()
        if not (self.site.root / "index.html").is_file():
            self.problem(str(self.site.root), "", "is not a built site (no index.html): run `make build` first")
            self.report.seconds = time.perf_counter() - start
            return self.report
        self.data_rules()
        for rel in sorted(self.site.files):
            suffix = posixpath.splitext(rel)[1].lower()
            if suffix in (".html", ".htm"):
                self.html(rel)
            elif suffix == ".css":
                self.css(rel)
            elif rel == "sitemap.xml":
                self.sitemap(rel)
            if (suffix in MAGIC or suffix == ".svg") and not self.download(rel):
                continue  # an empty or mislabelled file: reading it further would only repeat that
            if suffix == ".pdf":
                self.pdf(rel)
            elif suffix == ".docx":
                self.docx(rel)
            elif suffix == ".zip":
                self.zip(rel)
        self.navigation()
        self.orphans()
        self.unused_links()
        self.report.seconds = time.perf_counter() - start
        return self.report


def check_site(root: Path, site: Path) -> Report:
    """Check the built `site` of the project at `root`; every problem found is in the report."""
    return Checker(root, site).run()
