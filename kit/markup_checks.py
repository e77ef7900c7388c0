"""Checks of the markup editors write, with the rules of kit/html_policy.py: a page's Markdown (converted
with the site's own extensions, each finding traced back to a source line), unclosed and stray HTML tags,
plain-text fields and SVG images.

Fenced blocks are NOT code on this site (no fenced_code extension), so only what Markdown itself
escapes is text. Unclosed and stray HTML tags are found on the source, with Python's HTML parser, the
one Markdown uses to find HTML blocks.
"""
from __future__ import annotations

import html.parser
import re
from pathlib import Path
from typing import Any, Iterable

import lxml.etree
import markdown

from .html_policy import CSS_ELSEWHERE, VOID, Finding, check_html, html_links, points_elsewhere, short_url

CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


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
    md = markdown.Markdown(extensions=names, extension_configs=configs)
    md.sg_setup = repr((names, configs))  # type: ignore[attr-defined] - what its output depends on, besides the text
    return md


# Converted text by (converter set-up, text): without snippets or the kit's extension the HTML is a
# function of those two alone, and a process that reads the project again (serve after each save,
# the tests' edited copies) converts only what changed.
_CONVERTED: dict[tuple[str, str], str] = {}
_CONVERTED_MAX = 50_000


def converted(md: markdown.Markdown, text: str) -> str:
    key = (getattr(md, "sg_setup", ""), text)
    html = _CONVERTED.get(key) if key[0] else None
    if html is None:
        md.reset()
        html = md.convert(text)
        if key[0]:
            if len(_CONVERTED) >= _CONVERTED_MAX:
                _CONVERTED.clear()
            _CONVERTED[key] = html
    return html


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
    findings = check_html(converted(md, text), page_dir, docs)
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
            elif name == "href" and points_elsewhere(value):
                out.append((el.sourceline, f"<{tag}> points at '{short_url(value)}': an image may only refer to its own parts (#id)"))
            elif name == "style" and CSS_ELSEWHERE.search(value):
                out.append((el.sourceline, "the image loads a file from another site (url() or @import in a style)"))
        if tag == "style" and CSS_ELSEWHERE.search(el.text or ""):
            out.append((el.sourceline, "the image loads a file from another site (url() or @import in a style)"))
    return out

