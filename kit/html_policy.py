"""Which HTML an editor's text may publish: no script, no tracker, no fetch from another site.

The decision is taken on what is published: each page's Markdown (after its {{ … }} names) is
converted with the site's own Markdown extensions and the resulting HTML parsed with lxml (whose
libxml2 tokenises as browsers do). Fenced blocks are NOT code on this site (no fenced_code
extension), so only what Markdown itself escapes is text. Each finding is then traced back to a line
of the source. Unclosed and stray HTML tags are found on the source, with Python's HTML parser, the
one Markdown uses to find HTML blocks.

The allow-list is the sanitiser nh3's (Ammonia's) default tags and attributes, extended with what
the guidance and the Markdown that kit generates use (see EXTRA_TAGS, EXTRA_ATTRIBUTES).
"""
from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

import lxml.etree
import markdown
import nh3

# Content-driven additions to nh3's lists: topic layout and icons (kit/markdown.py), the checklist
# and the policy builder (kit/documents.py), the kit's own page scripts (see _script_ok).
EXTRA_TAGS = {"section", "svg", "path", "fieldset", "legend", "label", "input", "button", "script"}
GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "role", "markdown"}  # nh3: title, lang; plus aria-* and data-sg-*
EXTRA_ATTRIBUTES = {
    "div": {"tabindex"}, "time": {"datetime"},  # the skip link's target, the review dates (overrides/main.html: in <article>)
    "img": {"loading"},  # the poster gallery (kit/posters.py)
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
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


@dataclass(frozen=True)
class Finding:
    message: str
    needles: tuple[str, ...]  # text to look for in the source, most precise first, to give the line


def _scheme(url: str) -> str:
    # Browsers drop tabs and newlines anywhere and spaces and control characters at the ends.
    clean = re.sub(r"[\t\n\r]", "", url).strip("\x00- ")
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", clean)
    return m.group(1).lower() if m else ""


def _elsewhere(url: str) -> bool:
    clean = re.sub(r"[\t\n\r]", "", url).strip("\x00- ").replace("\\", "/")
    return bool(_scheme(url)) or clean.startswith("//")


def url_problem(url: str, tag: str, attr: str) -> str | None:
    """Why an address in `attr` of `tag` may not be published (None when it may)."""
    scheme = _scheme(url)
    short = _short(url)
    if scheme in CODE_SCHEMES:
        return f"the address '{short}' is not allowed: {CODE_SCHEMES[scheme]}; link to a page with [text][id] instead"
    if tag == "a" and attr == "href":
        if scheme and scheme not in LINK_SCHEMES:
            return f"the address '{short}' is not allowed: a link may go to a web page (https://), mailto: or tel:"
        if _elsewhere(url) and not scheme:
            return f"the address '{short}' leaves out https: add it to docs/data/links.yml and link it as [text][id]"
        return None
    if _elsewhere(url):
        what = "an image" if tag == "img" else "a file"
        return (f"<{tag}> loads {what} from another site ('{short}'): that site would see every reader; "
                "put the file in docs/assets/ and use its path instead")
    return None


def _srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


def _script_ok(el: Any, page_dir: str, docs: Path | None) -> bool:
    """The kit's own page scripts (docs/assets/javascripts/, no code in the page) are the only scripts."""
    src = el.get("src", "")
    if set(el.attrib) != {"src"} or (el.text or "").strip() or _elsewhere(src) or docs is None:
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


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"


def _element(el: Any, page_dir: str, docs: Path | None) -> list[Finding]:
    tag = el.tag.lower()
    if tag == "script" and _script_ok(el, page_dir, docs):
        return []
    if tag in REFUSED or tag not in ALLOWED_TAGS:  # one message for the element, whatever its attributes
        reason = REFUSED.get(tag, "use Markdown instead, or ask the developers to add it to the list in kit/html_policy.py")
        urls = [u for a, v in el.attrib.items() if a.lower() in URL_ATTRIBUTES
                for u in (_srcset_urls(v) if a.lower() == "srcset" else [v]) if _elsewhere(u)]
        if urls:
            reason += f"; it also points at another site ('{_short(urls[0])}')"
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


class _Balance(html.parser.HTMLParser):
    IGNORED = VOID | {"html", "head", "body"}  # refused anyway; a page has no end tags for them

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.problems: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", tag) and tag not in self.IGNORED:
            self.open.append((tag, self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if not any(t == tag for t, _ in self.open):
            if tag not in self.IGNORED:
                self.problems.append((self.getpos()[0], f"</{tag}> closes nothing: remove it, or add the <{tag}> it belongs to"))
            return
        while self.open:
            t, line = self.open.pop()
            if t == tag:
                return
            self.problems.append((line, unclosed(t)))

    def close(self) -> None:
        super().close()
        self.problems += [(line, unclosed(t)) for t, line in self.open]
        self.open = []


def unclosed(tag: str) -> str:
    return (f"<{tag}> is opened here but never closed: add </{tag}> where it ends (without it the rest of the page "
            "is published as raw text instead of the page)")


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def source_text(text: str) -> str:
    """The text with inline code and {{ … }} / {% … %} blanked out (same lines and columns)."""
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", _blank, text, flags=re.S)
    return CODE_SPAN.sub(lambda m: m.group(0) if "\n" in m.group(0) else _blank(m), text)


def check_balance(text: str) -> list[tuple[int, str]]:
    """(line, message) for each HTML tag opened and never closed, or closed and never opened."""
    parser = _Balance()
    parser.feed(source_text(text))
    parser.close()
    return sorted(parser.problems)


def markdown_converter(extensions: Iterable[Any]) -> markdown.Markdown:
    """Python-Markdown set up like the site (mkdocs.yml markdown_extensions), without snippets:
    the fragments in docs/includes/ are checked as files of their own."""
    names: list[str] = []
    configs: dict[str, Any] = {}
    for ext in extensions or ():
        name, conf = (next(iter(ext.items())) if isinstance(ext, dict) else (ext, None))
        if str(name).startswith(("pymdownx.snippets", "kit.")):  # kit's own extension fills pages: this text is filled
            continue
        names.append(str(name))
        if isinstance(conf, dict):
            configs[str(name)] = conf
    return markdown.Markdown(extensions=names, extension_configs=configs)


def locate(finding: Finding, lines: list[str], used: dict[str, int]) -> int | None:
    """The 1-based source line the finding most likely comes from: the first line with one of its
    needles that no earlier finding has been given for that needle."""
    for needle in finding.needles:
        low = needle.lower()
        if len(low) < 2:
            continue
        for i in range(used.get(low, 0), len(lines)):
            if low in lines[i].lower():
                used[low] = i + 1
                return i + 1
    return None


def check_markdown(text: str, md: markdown.Markdown, page_dir: str = "", docs: Path | None = None,
                   source: str | None = None, aliases: dict[str, list[str]] | None = None,
                   ) -> list[tuple[int | None, str]]:
    """Problems of a page's Markdown: (line or None, message) for each.

    `text` is what is published (after {{ … }}); `source` is what the editor wrote, for lines;
    `aliases` gives other text that stands for an address in the source (its [id] in links.yml)."""
    md.reset()
    findings = check_html(md.convert(text), page_dir, docs)
    written = source_text(source if source is not None else text)  # code and {{ … }} blanked: not what a finding is
    findings += html_links(written)
    lines = written.splitlines()
    used: dict[str, int] = {}
    findings = [Finding(f.message, (*f.needles, *(a for n in f.needles for a in (aliases or {}).get(n, ()))))
                for f in findings]
    out: list[tuple[int | None, str]] = [(locate(f, lines, used), f.message) for f in findings]
    return out + check_balance(source if source is not None else text)


def plain_text_problem(value: str) -> str | None:
    """A field that must be plain text (a title, a name): None, or what is wrong."""
    parser = lxml.etree.HTMLParser(recover=True)
    root = lxml.etree.fromstring(f"<html><body>{value}</body></html>", parser)
    tags = sorted({el.tag for el in root.iter() if isinstance(el.tag, str)} - {"html", "body"}) if root is not None else []
    if tags or any("misplaced" in e.message for e in parser.error_log):
        shown = ", ".join(f"<{t}>" for t in tags) or "HTML"
        return f"contains HTML ({shown}): write plain text here; HTML is not allowed in this field"
    return None


def check_svg(data: bytes) -> list[tuple[int | None, str]]:
    """(line, message) for what an SVG file in docs/ may not carry: opened on its own, a browser runs
    its scripts and loads what it points at, as if it were a page of the site."""
    try:
        root = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except lxml.etree.XMLSyntaxError as e:
        return [(e.lineno, f"is not a readable SVG image ({e.msg}): save it again from the drawing program")]
    out: list[tuple[int | None, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = lxml.etree.QName(el).localname.lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object"):
            out.append((el.sourceline, f"<{tag}> is not allowed in an image: opened on its own, it would run in the site"))
        for attr, value in el.attrib.items():
            name = lxml.etree.QName(attr).localname.lower()
            if name.startswith("on"):
                out.append((el.sourceline, f"the {name} attribute is not allowed in an image: it runs a script"))
            elif name == "href" and _elsewhere(value):
                out.append((el.sourceline, f"<{tag}> points at '{_short(value)}': an image may only refer to its own parts (#id)"))
            elif name == "style" and CSS_ELSEWHERE.search(value):
                out.append((el.sourceline, "the image loads a file from another site (url() or @import in a style)"))
        if tag == "style" and CSS_ELSEWHERE.search(el.text or ""):
            out.append((el.sourceline, "the image loads a file from another site (url() or @import in a style)"))
    return out

