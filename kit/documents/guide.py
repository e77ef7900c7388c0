"""The whole guide as a PDF: the book guide_pages.py assembles from the built site's pages (no engine
plugin), finished here (our head with the print styles and fixed dates, the cover from extra.board,
icons as artifacts) and rendered once."""
from __future__ import annotations

import re
import urllib.parse
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Tag

from .. import pdf_tags
from ..dates import long_date
from ..model.text import tagline
from ..outputs import GUIDE_CACHE, TOKENS
from .content import document_date, document_next_review, language
from .guide_pages import combined_guide_html, guide_pages
from .guide_chapters import build_guide
from .render import Rendered, css_urls, metadata, templates

if TYPE_CHECKING:
    from ..model import Project


def _icon_colours(site_css: str) -> dict[str, str]:
    return dict(re.findall(r"--sg-(best|safe|poor):\s*(#[0-9a-fA-F]{3,8})", site_css))


def _artifact_icons(soup: BeautifulSoup, colours: dict[str, str]) -> None:
    """Decorative inline SVG icons become CSS background images of the element they are in (the
    band's heading): in a tagged PDF those are artifacts, where an inline SVG would be a figure
    without alternative text (and an empty element of their own, an empty Span)."""
    for svg in soup.select('svg[aria-hidden="true"]'):
        band = svg.find_parent(class_=re.compile(r"^sg-band--"))
        key = next((c.removeprefix("sg-band--") for c in (band.get("class") or []) if c.startswith("sg-band--")), "") if band else ""
        colour = colours.get(key, "#0b0c0c")
        svg["xmlns"] = "http://www.w3.org/2000/svg"
        for attr in ("aria-hidden", "focusable", "class"):
            del svg[attr]
        markup = str(svg).replace("currentColor", colour).replace("viewbox=", "viewBox=")
        holder = svg.parent
        holder["class"] = [*(holder.get("class") or []), "sg-iconed"]
        holder["style"] = f"background-image: url('data:image/svg+xml,{urllib.parse.quote(markup)}')"
        svg.decompose()


def finish_guide_html(project: Project, combined: str, site_dir: Path) -> str:
    """The guide assembled from the built pages (guide_pages.py), made ready to print: our head
    (language, title, author, fixed dates, print styles), the cover from extra.board, icons as
    artifacts, list items WeasyPrint can tag."""
    soup = BeautifulSoup(combined, "html.parser")
    board = project.board
    title = project.config.site_name
    description = str(project.config.raw.get("site_description") or "")
    pages = guide_pages(project)
    meta = metadata(project, title, pages, description)

    html_el = soup.find("html")
    assert isinstance(html_el, Tag)
    html_el["lang"] = language(project)
    head = soup.find("head")
    if head is not None:
        head.decompose()
    head = soup.new_tag("head")
    head.append(soup.new_tag("meta", attrs={"charset": "utf-8"}))
    title_el = soup.new_tag("title")
    title_el.string = title
    head.append(title_el)
    for name in ("author", "description"):
        head.append(soup.new_tag("meta", attrs={"name": name, "content": meta[name]}))
    head.append(soup.new_tag("meta", attrs={"name": "dcterms.created", "content": meta["created"]}))
    head.append(soup.new_tag("meta", attrs={"name": "dcterms.modified", "content": meta["modified"]}))
    site_css = site_dir / "assets" / "stylesheets" / "site.css"
    for href in [site_css.resolve().as_uri(), *css_urls(project, "guide/guide.css")]:
        head.append(soup.new_tag("link", attrs={"rel": "stylesheet", "href": href}))
    style = soup.new_tag("style")
    style.string = f":root {{ --sg-board: {board.colour}; }}"
    head.append(style)
    html_el.insert(0, head)

    body = soup.find("body")
    assert isinstance(body, Tag)
    body["data-sg-footer"] = f"{board.short_name} · {title}"
    cover = templates(project).get_template("guide/cover.html").render(
        board=board, title=title, description=description, tagline=tagline(project.rendered.get("index.md", "")),
        example_identity=project.config.example_identity,
        logo_url=(project.root / "docs" / board.logo).resolve().as_uri(),
        last_reviewed=long_date(document_date(project, pages)),
        next_review=long_date(document_next_review(project, pages)),
        site_address=board.site_url.split("://", 1)[-1].rstrip("/"))
    body.insert(0, BeautifulSoup(cover, "html.parser"))
    tokens = project.root / TOKENS
    _artifact_icons(soup, _icon_colours(tokens.read_text(encoding="utf-8") if tokens.is_file() else ""))
    pdf_tags.unwrap_list_paragraphs(soup)
    return str(soup)


def guide_pdf(project: Project, site_dir: Path, out: Path, *, executor: Executor | None = None,
              cache_dir: Path | None = None) -> Rendered:
    """The whole guide, from the finished site folder (any engine's pages), rendered chapter by
    chapter through a cache (kit/documents/guide_chapters.py); the chapters to render run on
    `executor` when one is given (processes forked from this one), in this process otherwise."""
    html = finish_guide_html(project, combined_guide_html(project, site_dir), site_dir)
    built = build_guide(project, html, site_dir.resolve().as_uri() + "/", out, (site_dir,),
                        cache_dir=cache_dir or project.root / GUIDE_CACHE, executor=executor)
    return Rendered(out, built.pages, cached=not built.rendered)
