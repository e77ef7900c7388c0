"""The whole guide as one HTML document, assembled from the BUILT pages of a site folder.

No engine plugin is involved: any engine that writes Material-like pages (MkDocs + Material,
Zensical) gives the same book. The pages come in nav order, without those the guide leaves out
(GUIDE_LEAVES_OUT, below); from each page only its content (`article.md-content__inner`),
without the theme's chrome. Ids are made unique the way the PDF's named destinations have always
been written: a page starts at '<path>/:', its title is '<path>/', an anchor is '<path>/:<anchor>'
('.:' and '.' for the home page). Links to a page (and anchor) in the book stay in the book; links
to a page left out or to a file (a poster, the Word policy) go to the board's published site; a
link that resolves to nothing fails, naming the page. guide.py adds the cover, head and print
styles and renders it.
"""
from __future__ import annotations

import posixpath
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup, Tag

from ..errors import ContentError, Problem
from ..model.topics import BUILDER_PAGE, CHECKLIST_PAGE
from .content import page_url

if TYPE_CHECKING:
    from ..model import Project

# Pages the whole-guide PDF leaves out, and why (they make no sense on paper); links to them go to the
# board's site. The one list (no engine plugin is involved).
GUIDE_LEAVES_OUT = {
    "downloads.md": "a list of files to download",
    "posters.md": "the posters are their own PDFs",
    CHECKLIST_PAGE: "interactive; checklist.pdf is its paper version",
    BUILDER_PAGE: "interactive; it runs in the browser",
    "how-to-edit.md": "for the board's editor, not for readers",
    "adapting.md": "for another board adapting this kit, not for readers",
    "review-schedule.md": "for the board's editor; each page shows its own review dates",
}

ARTICLE_START = '<article class="md-content__inner'  # CONTENT's first choice, as both engines write it
# an <article> or </article> tag, and what may hold the text of one without being one
ARTICLE_TAG = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(/?)article(?=[\s>/])", re.I | re.S)
CONTENT = ("article.md-content__inner", "article.md-typeset", "main article", "article")
# The theme's chrome inside the content: edit/view buttons, "¶" permalinks, page dates, scripts, forms.
CHROME = "script, style, noscript, form, .md-content__button, .headerlink, .md-source-file, .md-feedback, [hidden], a#__skip"
ID_REFS = ("aria-labelledby", "aria-describedby", "aria-controls", "for", "headers")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # https:, mailto:, tel:, data:
FILE = re.compile(r"\.[A-Za-z0-9]{2,5}$")


class GuideBookFailed(Exception):
    """The site folder lacks what the guide is made from (a fault of the build, not of the content)."""


@dataclass
class Chapter:
    title: str  # the nav section's title, or "" for a page at the top level of the nav
    pages: list[str] = field(default_factory=list)


def guide_leaves_out(project: Project) -> list[str]:
    """The nav pages the guide PDF leaves out (GUIDE_LEAVES_OUT), in nav order."""
    return [p for p in project.nav if p in GUIDE_LEAVES_OUT]


def guide_pages(project: Project) -> list[str]:
    """The pages in the guide PDF, in nav order."""
    return [p for p in project.nav if p not in GUIDE_LEAVES_OUT]


def _nav_pages(entry: Any) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [p for item in entry for p in _nav_pages(item)]
    if isinstance(entry, dict):
        return [p for value in entry.values() for p in _nav_pages(value)]
    return []


def chapters(project: Project) -> list[Chapter]:
    """The top level of the nav, each entry a chapter: a section (its pages inside) or one page."""
    included = set(guide_pages(project))
    out: list[Chapter] = []
    for entry in project.config.raw.get("nav") or []:
        title = ""
        if isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry.values())), list):
            title = str(next(iter(entry)))
        pages = [p for p in _nav_pages(entry) if p in included]
        if pages:
            out.append(Chapter(title, pages))
    return out


def html_path(page: str) -> str:
    return re.sub(r"\.md$", ".html", page)


def page_prefix(page: str) -> str:
    """The id of a page's title in the book ('.' for the home page); its start is this + ':'."""
    return "." if page == "index.md" else page.removesuffix(".md") + "/"


def _content(soup: BeautifulSoup) -> Tag | None:
    for selector in CONTENT:
        if (found := soup.select_one(selector)) is not None:
            return found
    return None


def _content_html(html: str) -> str:
    """The theme's content article of a built page, cut out as it stands (the parser, not knowing
    any context, reads the same tree from it; parsing the whole page, the theme's navigation with
    it, takes five times as long); the whole page when there is no such article to cut out."""
    start = html.find(ARTICLE_START)
    if start < 0:
        return html
    depth = 0
    for tag in ARTICLE_TAG.finditer(html, start):
        if tag.group(2) is None:  # a comment, a script or a style: skipped whole
            continue
        depth += -1 if tag.group(2) else 1
        if depth == 0:
            end = html.find(">", tag.end())
            return html[start:end + 1] if end >= 0 else html
    return html


def _read_page(site_dir: Path, page: str, demote: bool) -> tuple[Tag, str]:
    """A page's content, cleaned, its ids prefixed, its headings one level down when it is inside a
    section. Returns it and its title (the text of its first heading)."""
    file = site_dir / html_path(page)
    if not file.is_file():
        raise GuideBookFailed(f"the built page {html_path(page)} (from docs/{page}) is not in {site_dir}")
    soup = BeautifulSoup(_content_html(file.read_text(encoding="utf-8")), "html.parser")
    content = _content(soup)
    if content is None:
        raise GuideBookFailed(f"{html_path(page)} has no <article> with the page's content")
    for el in content.select(CHROME):
        el.decompose()
    prefix = page_prefix(page)
    title_el = content.find("h1")
    for el in content.find_all(id=True):
        el["id"] = f"{prefix}:{el['id']}"
    for el in content.find_all(lambda t: any(t.has_attr(a) for a in ID_REFS)):
        for attr in ID_REFS:
            if el.has_attr(attr):
                el[attr] = " ".join(f"{prefix}:{i}" for i in str(el[attr]).split())
    if isinstance(title_el, Tag):
        title_el["id"] = prefix
    if demote:
        for heading in content.find_all(re.compile(r"^h[1-5]$")):
            heading.name = f"h{int(heading.name[1]) + 1}"
    for el in content.find_all(src=True):  # images: from the page's folder to the site's root (the base URL)
        src = str(el["src"])
        if not EXTERNAL.match(src) and not src.startswith("/"):
            el["src"] = posixpath.normpath(posixpath.join(posixpath.dirname(html_path(page)), src))
    wrapper = soup.new_tag("section" if demote else "article", attrs={"class": "md-typeset", "id": f"{prefix}:", "data-page": page})
    wrapper.extend(list(content.children))
    title = " ".join(title_el.get_text(" ").split()) if isinstance(title_el, Tag) else page
    return wrapper, title


def _retarget(project: Project, href: str, page: str, ids: set[str], in_book: set[str]) -> str | None:
    """Where a link of `page` goes in the book, or None when it resolves to nothing."""
    if EXTERNAL.match(href) or href.startswith("//"):
        return href
    path, _, fragment = href.partition("#")
    fragment = urllib.parse.unquote(fragment)
    here = html_path(page)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(here), urllib.parse.unquote(path))) if path else here
    if target in (".", "") or target.endswith("/"):
        target = posixpath.join(target, "index.html").removeprefix("./")
    source = re.sub(r"\.html$", ".md", target)
    if target.endswith(".html") and source in in_book:
        anchor = f"{page_prefix(source)}:{fragment}"
        return f"#{anchor}" if anchor in ids else None
    if target.endswith(".html") and source in project.pages:
        return page_url(project, source, fragment)
    if not target.endswith(".html") and FILE.search(target) and not target.startswith(".."):
        return project.board.site_url + target + (f"#{fragment}" if fragment else "")
    return None


def _contents(soup: BeautifulSoup, entries: list[tuple[str, str, list[tuple[str, str]]]]) -> Tag:
    """The contents list: each chapter, with its pages (or a single page's sections) below it; the
    page numbers come from guide.css (target-counter)."""
    toc = soup.new_tag("article", attrs={"id": "doc-toc"})
    heading = soup.new_tag("h1")
    heading.string = "Contents"
    toc.append(heading)
    top = soup.new_tag("ul")
    for anchor, title, children in entries:
        li = soup.new_tag("li")
        link = soup.new_tag("a", attrs={"href": f"#{anchor}"})
        link.string = title
        li.append(link)
        if children:
            sub = soup.new_tag("ul")
            for child_anchor, child_title in children:
                item = soup.new_tag("li")
                child = soup.new_tag("a", attrs={"href": f"#{child_anchor}"})
                child.string = child_title
                item.append(child)
                sub.append(item)
            li.append(sub)
        top.append(li)
    toc.append(top)
    return toc


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chapter"


def combined_guide_html(project: Project, site_dir: Path) -> str:
    """The guide's body (contents, then one chapter per top-level nav entry) from the pages built
    in `site_dir`, every link resolved. Raises ContentError naming each page with a link that goes
    nowhere."""
    soup = BeautifulSoup("<!DOCTYPE html><html><head></head><body></body></html>", "html.parser")
    body = soup.find("body")
    assert isinstance(body, Tag)
    in_book = set(guide_pages(project))
    entries: list[tuple[str, str, list[tuple[str, str]]]] = []
    articles: list[Tag] = []
    for chapter in chapters(project):
        if chapter.title:
            anchor = f"chapter:{_slug(chapter.title)}"
            article = soup.new_tag("article", attrs={"class": "md-typeset sg-chapter", "id": f"{anchor}:"})
            heading = soup.new_tag("h1", attrs={"id": anchor})
            heading.string = chapter.title
            article.append(heading)
            children = []
            for page in chapter.pages:
                section, title = _read_page(site_dir, page, demote=True)
                article.append(section)
                children.append((page_prefix(page), title))
            entries.append((anchor, chapter.title, children))
        else:
            (page,) = chapter.pages
            article, title = _read_page(site_dir, page, demote=False)
            subheads = [(str(h["id"]), " ".join(h.get_text(" ").split())) for h in article.find_all("h2", id=True)]
            entries.append((page_prefix(page), title, subheads))
        articles.append(article)
    body.append(_contents(soup, entries))
    for article in articles:
        body.append(article)
    ids = {str(el["id"]) for el in soup.find_all(id=True)}
    problems: list[Problem] = []
    for a in soup.find_all("a", href=True):
        holder = a.find_parent(attrs={"data-page": True})
        if holder is None:  # the contents list: its own anchors
            continue
        page = str(holder["data-page"])
        href = _retarget(project, str(a["href"]), page, ids, in_book)
        if href is None:
            problems.append(Problem(f"docs/{page}", "", f"in the guide PDF, the link to '{a['href']}' goes nowhere: "
                                    "no page, section or file of the site has that address"))
        else:
            a["href"] = href
    if problems:
        raise ContentError(sorted(set(problems), key=str))
    return str(soup)
