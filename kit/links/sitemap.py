"""sitemap.xml: every address is on the board's site and leads to a page of the built site."""
from __future__ import annotations

import lxml.etree

from .address import AddressChecker


def check_sitemap(links: AddressChecker, rel: str) -> None:
    links.report.files["sitemap"] += 1
    try:
        tree = lxml.etree.parse(str(links.site.root / rel))
    except lxml.etree.XMLSyntaxError as e:
        links.problem(rel, "", f"cannot be read as XML ({e})")
        return
    for loc in tree.iter("{*}loc"):
        address = (loc.text or "").strip()
        if links.rules.site_url and not address.startswith(links.rules.site_url):
            links.report.checked["sitemap"] += 1
            links.problem(rel, address, f"is not on the board's site ({links.rules.site_url})")
        else:
            links.check(rel, address, "sitemap")
