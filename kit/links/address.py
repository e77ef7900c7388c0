"""One address found in a file of the built site: an external address obeys the rules, a relative
one resolves to a file of the site (and its #anchor exists there). Every problem goes to the report."""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .report import LinkProblem, Report
from .rules import Rules
from .site import SPECIAL_PAGES, Site, source_of


class AddressChecker:
    def __init__(self, root: Path, site: Site, rules: Rules, report: Report):
        self.root = root
        self.site = site
        self.rules = rules
        self.report = report
        self.targets: set[str] = set()  # site files something links to
        self.linked_from: dict[str, set[str]] = defaultdict(set)  # html page -> html pages it links to

    def problem(self, page: str, link: str, why: str, level: str = "error") -> None:
        self.report.problems.append(LinkProblem(page, link, why, source_of(page, self.root), level))

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
