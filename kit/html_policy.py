"""Which HTML an editor's text may publish: no script, no tracker, no fetch from another site.

The decision is taken on what is published: the HTML a page's Markdown becomes (kit/markup_checks.py
converts it and traces each finding back to a line of the source) is parsed with lxml, whose libxml2
tokenises as browsers do, and every element, attribute and address checked against the allow-list.

The allow-list is the sanitiser nh3's (Ammonia's) default tags and attributes, extended with what
the guidance and the Markdown that kit generates use (see EXTRA_TAGS, EXTRA_ATTRIBUTES).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import lxml.etree
import nh3

# Content-driven additions to nh3's lists: topic layout and icons (kit/markdown.py), the checklist
# and the policy builder (kit/site/widgets.py), the kit's own page scripts (see _script_ok).
EXTRA_TAGS = {"section", "svg", "path", "fieldset", "legend", "label", "input", "button", "script"}
GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "role", "markdown"}  # nh3: title, lang; plus aria-* and data-sg-*
EXTRA_ATTRIBUTES = {
    "div": {"tabindex"}, "time": {"datetime"},  # the skip link's target, the review dates (overrides/main.html: in <article>)
    "img": {"loading"},  # the poster gallery (kit/site/gallery.py)
    "svg": {"viewbox", "width", "height", "fill", "focusable", "xmlns"}, "path": {"d", "fill"},
    "input": {"type", "name", "autocomplete", "spellcheck"}, "label": {"for"}, "button": {"type"},
    "script": {"src"},
}
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) | EXTRA_TAGS
ALLOWED_ATTRIBUTES = {tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) | EXTRA_ATTRIBUTES.get(tag, set()) for tag in ALLOWED_TAGS}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "action", "formaction", "data", "cite", "background", "xlink:href",
                  "longdesc", "usemap", "manifest", "ping", "codebase", "archive", "lowsrc", "dynsrc", "icon", "profile"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}  # allowed in links; sources (images, scripts) must be files of the site
CODE_SCHEMES = {"javascript": "javascript: addresses run code", "vbscript": "vbscript: addresses run code",
                "data": "data: addresses can hide a whole page or a script inside the link"}
EMBED = "pages may not embed other sites or files; link to it instead with [text][id]"
REFUSED = {
    "script": "pages may not run scripts",
    **{t: EMBED for t in ("iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe")},
    "meta": "it can redirect readers or change how the page loads; the site sets these itself",
    "base": "it can send every link on the page to another site",
    "link": "it loads files (such as stylesheets) from elsewhere; the site's own stylesheets are listed in mkdocs.yml",
    "form": "it can send what readers type to another address",
    "style": "the site's look comes from its own stylesheet (docs/assets/stylesheets/site.css): use a class instead",
    **{t: "a page is only its content: the site writes these itself" for t in ("html", "head", "body")},
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen"}
CSS_ELSEWHERE = re.compile(r"""@import|url\(\s*['"]?\s*(?:[a-z][a-z0-9+.-]*:|[/\\]{2})""", re.I)
ALIGN_STYLE = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")  # what the tables extension writes
SCRIPTS_DIR = "assets/javascripts/"


@dataclass(frozen=True)
class Finding:
    message: str
    needles: tuple[str, ...]  # text to look for in the source, most precise first, to give the line


def _scheme(url: str) -> str:
    # Browsers drop tabs and newlines anywhere and spaces and control characters at the ends.
    clean = re.sub(r"[\t\n\r]", "", url).strip("\x00- ")
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", clean)
    return m.group(1).lower() if m else ""


def points_elsewhere(url: str) -> bool:
    clean = re.sub(r"[\t\n\r]", "", url).strip("\x00- ").replace("\\", "/")
    return bool(_scheme(url)) or clean.startswith("//")


def url_problem(url: str, tag: str, attr: str) -> str | None:
    """Why an address in `attr` of `tag` may not be published (None when it may)."""
    scheme = _scheme(url)
    short = short_url(url)
    if scheme in CODE_SCHEMES:
        return f"the address '{short}' is not allowed: {CODE_SCHEMES[scheme]}; link to a page with [text][id] instead"
    if tag == "a" and attr == "href":
        if scheme and scheme not in LINK_SCHEMES:
            return f"the address '{short}' is not allowed: a link may go to a web page (https://), mailto: or tel:"
        if points_elsewhere(url) and not scheme:
            return f"the address '{short}' leaves out https: add it to docs/data/links.yml and link it as [text][id]"
        return None
    if points_elsewhere(url):
        what = "an image" if tag == "img" else "a file"
        return (f"<{tag}> loads {what} from another site ('{short}'): that site would see every reader; "
                "put the file in docs/assets/ and use its path instead")
    return None


def _srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


def _script_ok(el: Any, page_dir: str, docs: Path | None) -> bool:
    """The kit's own page scripts (docs/assets/javascripts/, no code in the page) are the only scripts."""
    src = el.get("src", "")
    if set(el.attrib) != {"src"} or (el.text or "").strip() or points_elsewhere(src) or docs is None:
        return False
    target = PurePosixPath(page_dir, src).as_posix()
    parts: list[str] = []
    for part in target.split("/"):
        if part == "..":
            if not parts:
                return False
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    rel = "/".join(parts)
    return rel.startswith(SCRIPTS_DIR) and rel.endswith(".js") and (docs / rel).is_file()


def check_html(html_text: str, page_dir: str = "", docs: Path | None = None) -> list[Finding]:
    """Every element or attribute of this HTML that a page may not publish."""
    parser = lxml.etree.HTMLParser(recover=True)
    root = lxml.etree.fromstring(f"<html><body>{html_text}</body></html>", parser)
    found: list[Finding] = []
    for err in parser.error_log:  # libxml2 drops a second <html>, <head> or <body>: a browser would merge its attributes
        m = re.search(r"misplaced <(\w+)> tag", err.message)
        if m:
            tag = m.group(1).lower()
            found.append(Finding(f"<{tag}> is not allowed in a page: {REFUSED.get(tag, EMBED)}", (f"<{tag}",)))
    elements = root.iter() if root is not None else ()
    for el in elements:
        if isinstance(el.tag, str) and not (el.tag in ("html", "body") and el.getparent() in (None, root)):
            found += _element(el, page_dir, docs)
    return found


def short_url(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


def _element(el: Any, page_dir: str, docs: Path | None) -> list[Finding]:
    tag = el.tag.lower()
    if tag == "script" and _script_ok(el, page_dir, docs):
        return []
    if tag in REFUSED or tag not in ALLOWED_TAGS:  # one message for the element, whatever its attributes
        reason = REFUSED.get(tag, "use Markdown instead, or ask the developers to add it to the list in kit/html_policy.py")
        urls = [u for a, v in el.attrib.items() if a.lower() in URL_ATTRIBUTES
                for u in (_srcset_urls(v) if a.lower() == "srcset" else [v]) if points_elsewhere(u)]
        if urls:
            reason += f"; it also points at another site ('{short_url(urls[0])}')"
        elif CSS_ELSEWHERE.search((el.get("style") or "") + (el.text or "" if tag == "style" else "")):
            reason += "; this one also loads a file from another site"
        return [Finding(f"<{tag}> is not allowed in a page: {reason}", (f"<{tag}",))]
    found: list[Finding] = []
    for attr, value in el.attrib.items():
        attr = attr.lower()
        needles = (f'{attr}="{value}"', f"{attr}='{value}'", f"{attr}={value}", value, f"{attr}=", f"<{tag}")
        if attr.startswith("on"):
            found.append(Finding(f"the {attr} attribute is not allowed (on <{tag}>): pages may not run scripts", needles))
        elif attr == "style":
            if tag in ("th", "td") and ALIGN_STYLE.match(value):
                continue
            elsewhere = " It also loads a file from another site." if CSS_ELSEWHERE.search(value) else ""
            found.append(Finding(f"the style attribute is not allowed (on <{tag}>): the site's look comes from its own "
                                 f"stylesheet; use a class instead.{elsewhere}", needles))
        elif attr in URL_ATTRIBUTES and any(url_problem(u, tag, attr) for u in (_srcset_urls(value) if attr == "srcset" else [value])):
            for url in _srcset_urls(value) if attr == "srcset" else [value]:
                why = url_problem(url, tag, attr)
                if why:
                    found.append(Finding(why, (url, url[len(url) // 3:], *needles[4:])))
        elif (attr not in GENERIC_ATTRIBUTES and attr not in ALLOWED_ATTRIBUTES[tag]
              and not attr.startswith(("aria-", "data-sg-"))):
            found.append(Finding(f"the {attr} attribute is not allowed on <{tag}>", needles))
    return found


def html_links(text: str) -> list[Finding]:
    """Links to other sites written as HTML <a href>: they must come from docs/data/links.yml as [text][id]."""
    root = lxml.etree.fromstring(f"<html><body>{text}</body></html>", lxml.etree.HTMLParser(recover=True))
    found = []
    for el in root.iter("a") if root is not None else ():
        href = el.get("href", "")
        if _scheme(href) in ("http", "https"):
            found.append(Finding(f"the link to {href} is written into the page as HTML: add the address to "
                                 "docs/data/links.yml and link it as [text][id]", (href, "href=", "<a")))
    return found
