"""A poster's HTML for one paper size: the layout's template (posters/<layout>/template.html) filled
with the spec, in the kit's own Jinja environment (the poster templates only), with its QR code inline."""
from __future__ import annotations

import datetime as dt
import functools
import html as html_lib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import build_time, long_date
from ..templates import kit_templates
from .sizes import SIZES
from .spec import PosterSpec, footer_line, short_address

if TYPE_CHECKING:
    from ..model import Project

NO_DATE = dt.date(2000, 1, 1)  # a poster of a page with no review date (a layout's example)


def inline(text: str, links: dict[str, str] | None = None) -> Any:
    """Markdown inline text as safe HTML: bold and italics kept; a link to an address of
    docs/data/links.yml (`links`: id -> address) stays a link, other links keep their text only."""
    from markupsafe import Markup

    def link(m: re.Match[str]) -> str:
        url = (links or {}).get(m.group(2))
        return f'<a href="{html_lib.escape(url)}">{m.group(1)}</a>' if url else m.group(1)

    out = html_lib.escape(str(text), quote=False)
    out = re.sub(r"\[([^\]]+)\]\[([^\]]*)\]", link, out)
    out = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", out)
    out = re.sub(r"`([^`]+)`", r"\1", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    return Markup(out)


def balance(items: list[str], line: int = 46) -> int:
    """Where to split a list into two columns of about the same height (at least one point each).
    A point's height is estimated in lines of about `line` characters (a column at the usual fitted
    size), half a line for its ragged end, and the space after it."""
    heights = [len(i) / line + 0.5 + 0.3 for i in items]
    total = sum(heights)
    return min(range(1, len(items)), key=lambda k: (abs(total - 2 * sum(heights[:k])), k))


@functools.lru_cache(maxsize=4)
def _jinja(poster_dir: Path, links: tuple[tuple[str, str], ...] = ()):  # noqa: ANN202 - a jinja2.Environment
    """One environment per folder and links in a process, so each template is compiled once (Jinja
    compiles it again when its file has changed: it checks the file's time on each use)."""
    env = kit_templates(poster_dir)
    addresses = dict(links)
    env.filters["inline"] = lambda text: inline(text, addresses)
    env.filters["balance"] = balance
    return env


def qr_svg(url: str, alt: str) -> Any:
    """The QR code as inline SVG; its <title> becomes the figure's alternative text in the PDF."""
    import segno
    from markupsafe import Markup

    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, title=alt,
                                                 dark="#000000", light="#ffffff", svgclass="foot__qr")
    return Markup(svg)


def document_date(spec: PosterSpec) -> str:
    """The PDF's creation date: the build's time (kit.dates.build_time), else the poster's review date."""
    return build_time(spec.last_reviewed or NO_DATE).isoformat(timespec="seconds")


def poster_html(project: Project, spec: PosterSpec, size: str, data: dict[str, Any] | None = None,
                footer: str | None = None) -> str:
    """The poster's HTML for one paper size, with a `/*FIT*/` marker where the fit's CSS goes."""
    paper = SIZES[size]
    board = project.board
    url = board.page_url(spec.html_path)
    poster_dir = project.root / "posters"
    env = _jinja(poster_dir, tuple(sorted((key, link.url) for key, link in project.links.items())))
    context = {
        "board": board,
        "site_name": project.config.site_name,
        "title": spec.title,
        "doc_title": f"{spec.title}: {project.config.site_name} ({paper.label} poster)",
        "description": spec.description,
        "date": document_date(spec),
        "reviewed": f"Last reviewed {long_date(spec.last_reviewed)}" if spec.last_reviewed else "",
        "footer_line": footer if footer is not None else footer_line(project),
        "example_identity": project.config.example_identity,
        "qr_svg": qr_svg(url, f"QR code: opens {short_address(url)}, the {spec.title} page of the guidance"),
        "short_url": short_address(url),
        "page_url": url,
        "logo_url": (project.root / "docs" / board.logo).as_uri(),
        "layout": spec.layout,
        "size": size,
        spec.layout: data if data is not None else spec.data,
    }
    return env.get_template(f"{spec.layout}/template.html").render(**context)
