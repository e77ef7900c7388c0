"""Which external addresses may appear: retired domains, https, and docs/data/links.yml as the one
list of addresses (plus the board's own site and contacts from mkdocs.yml)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ContentError, Problems
from ..model.config import load_config
from ..model.data import load_links
from .report import LinkProblem

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


class Rules:
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
            out.append(("error", "uses http://: use https:// (if the site has no https, add its host to HTTP_ONLY_HOSTS in kit/links/rules.py)"))
        if address not in self.by_url and address not in self.contact_urls:
            known = self.by_bare.get(bare(address))
            if known:
                out.append(("error", f"is written differently from docs/data/links.yml, which has {known}: use the address from the data file"))
            elif not why:
                out.append(("error", "is not in docs/data/links.yml: add it there (url, title, checked_on) and link it as [text][id]"))
        return out

    def data_file_problems(self) -> list[LinkProblem]:
        """The addresses in docs/data/links.yml and the board's contacts themselves: https, not retired."""
        out = [LinkProblem(problem.file, problem.where, problem.message) for problem in self.load_problems]
        for link in self.links.values():
            if not link.url:
                continue
            where = f"link {link.id}: {link.url}"
            why = self.retired(link.url)
            if why:
                out.append(LinkProblem("docs/data/links.yml", where, why))
            if link.url.startswith("http://") and on_domain(host_of(link.url), HTTP_ONLY_HOSTS) is None:
                out.append(LinkProblem("docs/data/links.yml", where, "uses http://: use the https:// address"))
        for url in sorted(self.contact_urls):
            why = self.retired(url)
            if why:
                out.append(LinkProblem("mkdocs.yml", f"extra.board.contacts url {url}", why))
            if url.startswith("http://"):
                out.append(LinkProblem("mkdocs.yml", f"extra.board.contacts url {url}", "uses http://: use the https:// address"))
        return out
