"""Two faults in Material 9.8's markup that make every page invalid HTML (the Nu Html Checker in
tests/test_html_valid.py), repaired in the built pages, whichever engine wrote them.

- `tabindex=""` on the navigation's section labels (partials/nav-item.html sets tabindex only for
  labels that are not sections, and writes the attribute empty for the others); an empty tabindex
  is no tab stop either, so dropping it changes nothing in the browser.
- `autocomplete="off"` on the drawer and search toggles (base.html): the attribute is not allowed on
  a checkbox. Material uses it so that a browser does not bring a toggle back checked (the drawer or
  the search open) on back/forward; docs/assets/javascripts/site.js unchecks them on `pageshow`.

A build step (after the engine, before the Content Security Policy) rather than copies of
partials/nav-item.html and base.html, which would have to follow every Material release; the
checker fails the tests if Material's markup changes under it.
"""
from __future__ import annotations

import re
from pathlib import Path

_TAG = re.compile(r"<(?:label|input)\b[^>]*>")


def _repair(tag: re.Match[str]) -> str:
    text = tag.group(0)
    if text.startswith("<label"):
        return text.replace(' tabindex=""', "")
    if 'type="checkbox"' in text:
        return text.replace(' autocomplete="off"', "")
    return text


def valid(html: str) -> str:
    return _TAG.sub(_repair, html)


def repair_site(site: Path) -> None:
    """Repair every HTML page under `site` in place."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        fixed = valid(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
