"""Every place editor text reaches HTML, checked with kit/html_policy.py: pages (after their {{ … }}
names), the fragments in docs/includes/, front matter, docs/data/*.yml and extra.board in mkdocs.yml.

Fields (titles, names, notes, the points of What's new) are plain text: no HTML at all, and their
Markdown may not link to code or show images from other sites."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

import markdown

from .. import yamlio
from ..model.data import link_definitions
from ..html_policy import url_problem
from ..markup_checks import check_markdown, check_svg, markdown_converter, plain_text_problem

UNKNOWN_CONFIG_EXTENSIONS = ("attr_list", "md_in_html")  # mkdocs.yml unreadable: the ones that let text make HTML
PLAIN_FRONT_MATTER = ("title", "description", "headline", "qualifier", "second_headline", "source_note")


def _field(value: Any, file: str, where: str, md: markdown.Markdown, p: Any, seen: set[str]) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    why = plain_text_problem(value)
    if why:
        p.add(file, where, why)
        seen.update(m for _, m in check_markdown(value, md))
        return
    for _line, message in check_markdown(value, md):  # Markdown in the field: [x](javascript:…), ![x](https://…)
        p.add(file, where, message)
        seen.add(message)


def _strings(value: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            yield from _strings(v, f"{path}[{i}]")


def _key_line(text: str, key: str, last: int) -> int | None:
    lines = text.splitlines()[:last]
    return next((i for i, line in enumerate(lines, start=1) if re.match(rf"^{re.escape(key)}\s*:", line)), None)


def check_project(project: Any, p: Any) -> None:
    """Add a problem for every piece of HTML (or Markdown link or image) editor text may not publish."""
    raw = project.config.raw if project.config else {}
    md = markdown_converter(raw.get("markdown_extensions") or UNKNOWN_CONFIG_EXTENSIONS)
    seen: set[str] = set()  # messages already given for a field or a fragment: not repeated where it is shown
    _config(raw, md, p, seen)
    _data(project, md, p, seen)
    _files(project.root / "docs", md, p, seen)
    _pages(project, md, p, seen)


def _config(raw: dict[str, Any], md: markdown.Markdown, p: Any, seen: set[str]) -> None:
    for key in ("site_name", "site_description"):
        _field(raw.get(key), "mkdocs.yml", f"field {key}", md, p, seen)
    extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
    for name in ("board", "origin"):
        for path, value in _strings(extra.get(name), f"extra.{name}"):
            _field(value, "mkdocs.yml", f"field {path}", md, p, seen)
            why = url_problem(value, "a", "href") if path.endswith((".url", ".site_url")) else None
            if why:
                p.add("mkdocs.yml", f"field {path}", why)


def _data(project: Any, md: markdown.Markdown, p: Any, seen: set[str]) -> None:
    link_lines: dict[str, int] = {}
    try:
        link_lines = yamlio.load((project.root / "docs/data/links.yml").read_text(encoding="utf-8"))[1]
    except (OSError, UnicodeDecodeError, yamlio.YamlError):
        pass
    for link in project.links.values():
        line = link_lines.get(link.id)
        for name in ("title", "note"):
            where = f"line {line} (link {link.id}, field {name})" if line else f"link {link.id} field {name}"
            _field(getattr(link, name), "docs/data/links.yml", where, md, p, seen)
    for o in project.offences.rows:
        for name in ("offence", "statute", "section", "summary", "indictment", "note"):
            _field(getattr(o, name), "docs/data/offences.yml", f"offence {o.id} field {name}", md, p, seen)
        for c in o.changes:
            for name in ("was", "now", "by"):
                _field(getattr(c, name), "docs/data/offences.yml", f"offence {o.id} field change.{name}", md, p, seen)
    for news in project.whats_new:
        _field(news.title, "docs/data/changes.yml", f"line {news.line} (field title)", md, p, seen)
        for item in news.changes:
            _field(item.text, "docs/data/changes.yml", f"line {item.line} (field changes)", md, p, seen)


def _files(docs: Path, md: markdown.Markdown, p: Any, seen: set[str]) -> None:
    """The fragments pages include, and files MkDocs would publish as they are (SVG images, HTML)."""
    for f in sorted(docs.rglob("*")):
        rel = f"docs/{f.relative_to(docs).as_posix()}"
        if rel.startswith("docs/includes/") and f.suffix == ".md":
            for line, message in check_markdown(f.read_text(encoding="utf-8", errors="replace"), md, "", docs):
                p.add(rel, f"line {line}" if line else "", message)
                seen.add(message)
        elif f.suffix.lower() in (".html", ".htm", ".xhtml"):
            p.add(rel, "", "an HTML file in docs/ would be published as it is, unchecked: write the page in Markdown (.md) instead")
        elif f.suffix.lower() == ".svg":
            for line, message in check_svg(f.read_bytes()):
                p.add(rel, f"line {line}" if line else "", message)


def _pages(project: Any, md: markdown.Markdown, p: Any, seen: set[str]) -> None:
    for page in project.pages.values():  # front matter first: a page showing another's title then says nothing new
        try:
            file_text = (project.root / page.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            file_text = ""
        for key in PLAIN_FRONT_MATTER:
            line = _key_line(file_text, key, page.body_line)
            _field(page.meta.get(key), page.file, f"line {line} (field {key})" if line else f"field {key}", md, p, seen)
    definitions = link_definitions(project.links)
    aliases: dict[str, list[str]] = {}
    for link in project.links.values():
        aliases.setdefault(link.url, []).extend([f"][{link.id}]", f"[{link.id}]"])
    for rel, page in project.pages.items():
        published = project.rendered.get(rel, page.body) + "\n\n" + definitions
        page_dir = PurePosixPath(rel).parent.as_posix() if "/" in rel else ""
        for line, message in check_markdown(published, md, page_dir, project.root / "docs", page.body, aliases):
            if line is not None:
                p.add(page.file, f"line {page.body_line + line - 1}", message)
            elif message not in seen:
                p.add(page.file, "", f"{message} (it is written by a {{{{ … }}}} expression or comes from a data file)")
                seen.add(message)
