"""The printable PDFs, rendered with WeasyPrint, tagged (PDF/UA-1) and reproducible.

- the whole guide: assembled from the built site's pages by kit/guide_book.py (no engine plugin),
  finished here (cover, print styles, metadata) and rendered once;
- the model policy (with Appendix 1), the fillable declaration form and the managers' checklist:
  made from documents/<name>/template.html with the text of their pages.
"""
from __future__ import annotations

import logging
import posixpath
import re
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import jinja2
from bs4 import BeautifulSoup, Tag

from . import documents as model
from . import guide_book, pdf_tags, weasy
from .errors import ContentError, Problem
from .model.checklist import checklist_groups
from .model.text import tagline

if TYPE_CHECKING:
    from .model import Project

# pdf_identifier=True: a /ID made from the content (an MD5 of the objects), so it is the same in every build.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True}
LANG_DEFAULT = "en-GB"


class RenderError(Exception):
    """WeasyPrint reported an error: the document would be incomplete."""


@dataclass
class Rendered:
    path: Path
    pages: int


def documents_dir(project: Project) -> Path:
    return project.root / "documents"


def language(project: Project) -> str:
    theme = project.config.raw.get("theme")
    lang = theme.get("language") if isinstance(theme, dict) else None
    return str(lang or LANG_DEFAULT)


def templates(project: Project) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(documents_dir(project))),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def css_urls(project: Project, *names: str) -> list[str]:
    return [(documents_dir(project) / name).as_uri() for name in ("shared/print.css", *names)]


def metadata(project: Project, title: str, paths: list[str] | tuple[str, ...], description: str = "") -> dict[str, str]:
    """What the document's <head> tells WeasyPrint: title, author, dates (never 'now')."""
    when = model.build_time(project, paths).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"title": title, "author": project.board.name, "description": description, "created": when, "modified": when}


@contextmanager
def weasyprint_messages() -> Iterator[list[logging.LogRecord]]:
    """Collect WeasyPrint's warnings and errors while rendering one document."""
    from weasyprint import LOGGER

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.WARNING)
    previous = LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.WARNING)
    propagate, LOGGER.propagate = LOGGER.propagate, False
    try:
        yield records
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(previous)
        LOGGER.propagate = propagate


def _page_naming(project: Project, url: str) -> str:
    """The page (or data file) that holds an address, for a message; the document's name otherwise."""
    for page in project.pages.values():
        if url in page.body or url in str(page.meta):
            return page.file
    return ""


def render(project: Project, html: str, base_url: str, out: Path, roots: tuple[Path, ...], **options: Any) -> Rendered:
    """Render HTML to a tagged PDF, fetching only files inside the project and `roots`. WeasyPrint's
    errors stop the build; its CSS warnings (rules it does not support, from the site's screen
    styles) are left out."""
    from weasyprint import HTML

    opts = {**PDF_OPTIONS, **options}
    fetcher = weasy.local_fetcher((project.root, *roots))
    with weasyprint_messages() as records:
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**opts)
        except BaseException as e:
            if (url := weasy.refused_url(e)) is None:
                raise
            source = _page_naming(project, url)
            message = weasy.REFUSED.format(url=url)
            raise ContentError([Problem(source or out.name, "", f"while making {out.name}, {message}" if source else message)]) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(str(out), finisher=pdf_tags.pagination_artifacts, **opts)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    if errors:
        raise RenderError(f"{out.name}: " + "; ".join(sorted(set(errors))[:10]))
    return Rendered(out, len(document.pages))


# --------------------------------------------------------------------------------------------
# The whole guide
# --------------------------------------------------------------------------------------------

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
    """The guide assembled from the built pages (kit/guide_book.py), made ready to print: our head
    (language, title, author, fixed dates, print styles), the cover from extra.board, icons as
    artifacts, list items WeasyPrint can tag."""
    soup = BeautifulSoup(combined, "html.parser")
    board = project.board
    title = project.config.site_name
    description = str(project.config.raw.get("site_description") or "")
    pages = guide_book.guide_pages(project)
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
    style.string = f":root {{ --sg-brand: {board.colour_accessible}; }}"
    head.append(style)
    html_el.insert(0, head)

    body = soup.find("body")
    assert isinstance(body, Tag)
    body["data-sg-footer"] = f"{board.short_name} · {title}"
    cover = templates(project).get_template("guide/cover.html").render(
        board=board, title=title, description=description, tagline=tagline(project.rendered.get("index.md", "")),
        example_identity=project.config.example_identity,
        logo_url=(project.root / "docs" / board.logo).resolve().as_uri(),
        last_reviewed=model.long_date(model.document_date(project, pages)),
        next_review=model.long_date(model.document_next_review(project, pages)),
        site_address=board.site_url.split("://", 1)[-1].rstrip("/"))
    body.insert(0, BeautifulSoup(cover, "html.parser"))
    _artifact_icons(soup, _icon_colours(site_css.read_text(encoding="utf-8") if site_css.is_file() else ""))
    pdf_tags.unwrap_list_paragraphs(soup)
    return str(soup)


def guide_pdf(project: Project, site_dir: Path, out: Path) -> Rendered:
    """The whole guide, from the finished site folder (any engine's pages)."""
    html = finish_guide_html(project, guide_book.combined_guide_html(project, site_dir), site_dir)
    return render(project, html, site_dir.resolve().as_uri() + "/", out, (site_dir,))


# --------------------------------------------------------------------------------------------
# The policy, the declaration form and the checklist (from documents/<name>/template.html)
# --------------------------------------------------------------------------------------------

def _template_pdf(project: Project, template: str, css: str, out: Path, paths: tuple[str, ...], title: str,
                  description: str, *, forms: bool = False, **context: Any) -> Rendered:
    html = templates(project).get_template(template).render(
        lang=language(project), board=project.board, meta=metadata(project, title, paths, description),
        stylesheets=css_urls(project, css), footer=f"{title} · {project.board.short_name}", **context)
    return render(project, html, documents_dir(project).as_uri() + "/", out, (), pdf_forms=forms)


def _retarget(project: Project, blocks: list[model.Block], local: dict[str, str]) -> None:
    """Links between pages (written 'employee-declaration-form.md'): to a part of this document
    when it holds that page, otherwise to the page on the board's site."""
    for b in blocks:
        for r in b.runs:
            if r.href and not re.match(r"^[a-z]+:|^#", r.href):
                path, _, fragment = r.href.partition("#")
                target = posixpath.normpath(posixpath.join("policy", path))
                r.href = local.get(target) or model.page_url(project, target, fragment)


def policy_pdf(project: Project, out: Path) -> Rendered:
    policy = model.policy_document(project)
    form = model.form_document(project)
    local = {model.FORM_PAGE: "#sg-appendix", model.POLICY_PAGE: "#sg-policy"}
    for blocks in [policy.intro, form.before, form.after, *(s.blocks for s in policy.sections)]:
        _retarget(project, blocks, local)
    return _template_pdf(project, "policy/template.html", "policy/policy.css", out, (model.POLICY_PAGE, model.FORM_PAGE),
                         policy.title, str(project.pages[model.POLICY_PAGE].meta.get("description", "")),
                         policy=policy, appendix=form,
                         last_reviewed=model.long_date(model.document_date(project, (model.POLICY_PAGE, model.FORM_PAGE))))


def form_pdf(project: Project, out: Path) -> Rendered:
    form = model.form_document(project)
    for blocks in (form.before, form.after):
        _retarget(project, blocks, {})
    return _template_pdf(project, "declaration-form/template.html", "declaration-form/form.css", out, (model.FORM_PAGE,),
                         form.title, str(project.pages[model.FORM_PAGE].meta.get("description", "")), forms=True, form=form)


def checklist_pdf(project: Project, out: Path) -> Rendered:
    groups = checklist_groups(project.topics)
    items = {i.id: model.inline_html(project, i.markdown) for g in groups for i in g.items}
    paths = tuple(g.path for g in groups) + ((model.CHECKLIST_PAGE,) if model.CHECKLIST_PAGE in project.pages else ())
    page = project.pages.get(model.CHECKLIST_PAGE)
    title = str(page.meta.get("title")) if page else "Checklist: what should be in place"
    return _template_pdf(project, "checklist/template.html", "checklist/checklist.css", out, paths, title,
                         str(page.meta.get("description", "")) if page else "", forms=True, groups=groups, items=items,
                         site_url=model.page_url(project, model.CHECKLIST_PAGE),
                         last_reviewed=model.long_date(model.document_date(project, paths)))
