"""Links in the built HTML pages; a page's own content must also obey kit/html_policy.py."""
from __future__ import annotations

import posixpath
import re

import lxml.html

from .. import html_policy
from .address import AddressChecker
from .css import check_css_text
from .site import html_ids, parse_html, source_of

# Element attributes that hold one address. (srcset holds several; handled apart.)
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "base": ("href",),
    "img": ("src",), "script": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
    "source": ("src",), "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
    "input": ("src",), "object": ("data",), "form": ("action",), "use": ("href", "{http://www.w3.org/1999/xlink}href"),
    "image": ("href", "{http://www.w3.org/1999/xlink}href"),
}


def check_page(links: AddressChecker, rel: str) -> None:
    links.report.files["HTML pages"] += 1
    tree = parse_html(links.site.root / rel)
    links.site.ids[rel] = html_ids(tree)
    if source_of(rel, links.root):  # the page's content (not the theme's own scripts) obeys kit/html_policy.py
        for article in tree.iter("article"):
            body = lxml.html.tostring(article, encoding="unicode")
            for finding in html_policy.check_html(body, posixpath.dirname(rel), links.root / "docs"):
                links.problem(rel, "", f"in the page's content: {finding.message}")
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
            links.check(rel, value, "HTML pages")
        srcset = el.get("srcset")
        if srcset:
            for candidate in srcset.split(","):
                if candidate.strip():
                    links.check(rel, candidate.split()[0], "HTML pages")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\";]+)", el.get("content") or "", re.I)
            if m:
                links.check(rel, m.group(1), "HTML pages")
        style = el.get("style")
        if style:
            check_css_text(links, rel, style, "HTML pages", base=rel)
        if tag == "style" and el.text:
            check_css_text(links, rel, el.text, "HTML pages", base=rel)
