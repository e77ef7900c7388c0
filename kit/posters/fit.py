"""Fitting a poster to its page and rendering it (WeasyPrint, through kit.weasy's fetcher).

The body text size (--body, the root font size) is searched between the size sheet's --body-floor
and --body-max by laying the poster out and measuring the height it needs (the footer is absolutely
placed, so overflow runs under it or onto a second page and is measured either way); the spare
height is then shared out between the sections so the page is filled. The search is deterministic,
so the same content gives the same bytes. WeasyPrint is imported only when rendering.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .. import weasy
from .sizes import PX_PER_MM, SIZES

FILL_TARGET = 0.96  # stop searching once the content fills this share of the page height
SPREAD_BELOW = 0.98  # below this share, the spare height is shared out between the sections (one more layout)
REF_CHARS = 2000
GROWTH = 2.2  # near the fit, the height grows about as body size ** 2.2 (taller lines, and more of them)


class FitJob(Protocol):
    """What the fit reads of a job (kit.posters.jobs.Job)."""
    size: str
    html: str
    base_url: str
    start_pt: float
    floor_pt: float
    max_pt: float
    chars: int
    roots: tuple[str, ...]


class Overflow(Exception):
    def __init__(self, overflow_share: float, fixed_share: float):
        self.overflow_share = overflow_share  # how much of the page's height is too much, at the floor
        self.fixed_share = fixed_share  # masthead + footer, which do not shrink with the text


def _find(box: Any, element_id: str) -> Any:
    stack = [box]
    while stack:
        b = stack.pop()
        el = getattr(b, "element", None)
        if el is not None and el.get("id") == element_id and getattr(b, "element_tag", None) is not None:
            return b
        stack.extend(getattr(b, "children", []) or [])
    return None


def _fit_css(body_pt: float, slack_px: float = 0.0) -> str:
    return f":root {{ --body: {body_pt:.2f}pt; --slack: {slack_px:.3f}px; }}"


RENDER_OPTIONS = {"pdf_variant": "pdf/ua-1"}
@dataclass
class _Layout:
    doc: Any
    needed_px: float  # height the poster needs: masthead + main + footer (more than the page when it overflows)
    gaps: int  # spaces that share any spare height (between and around main's sections)
    fixed_px: float  # masthead + footer

    def fits(self, page_px: float) -> bool:
        return len(self.doc.pages) == 1 and self.needed_px <= page_px


def render_fitted(html: str, base_url: str, url_fetcher: Any, body_pt: float, slack_px: float,
                  options: dict[str, Any]) -> Any:
    """The poster laid out at a given fit (a weasyprint Document): the print-shop posters use the screen's."""
    from weasyprint import HTML

    return HTML(string=html.replace("/*FIT*/", _fit_css(body_pt, slack_px)), base_url=base_url,
                url_fetcher=url_fetcher).render(font_config=weasy.font_config(url_fetcher.roots), **options)


def _layout(job: FitJob, served: list[Path] | None, body_pt: float, slack_px: float = 0.0) -> _Layout:
    """Lay the poster out on its real page. The footer is absolutely placed at the foot of the page, so
    the content that does not fit either runs under it or onto a second page: both are measured."""
    from weasyprint import HTML

    page_px = SIZES[job.size].height_mm * PX_PER_MM
    html = job.html.replace("/*FIT*/", _fit_css(body_pt, slack_px))
    doc = HTML(string=html, base_url=job.base_url, url_fetcher=weasy.local_fetcher(map(Path, job.roots), served)).render(
        font_config=weasy.font_config(job.roots), **RENDER_OPTIONS)
    boxes = [p._page_box for p in doc.pages]
    masthead = _find(boxes[0], "masthead")
    foot = next(f for f in (_find(b, "foot") for b in boxes) if f is not None)
    mains = [(i, m) for i, m in ((i, _find(b, "main")) for i, b in enumerate(boxes)) if m is not None]
    last_page, main_last = mains[-1]
    bottom = main_last.position_y + main_last.margin_height()
    needed = last_page * page_px + bottom + foot.margin_height()
    gaps = len([c for c in mains[0][1].children if getattr(c, "element_tag", None)]) + 1
    return _Layout(doc, needed, gaps, masthead.margin_height() + foot.margin_height())


def fit_and_render(job: FitJob, served: list[Path] | None = None) -> tuple[bytes, float, float, int, float]:
    """Find the largest body size (in 0.05 pt steps, up to the size sheet's maximum) at which the
    poster fits on its page, share the spare height between the sections, and write the PDF.
    Returns (pdf bytes, body pt, fill, number of layouts, slack px: the height added to each gap);
    each file the renders read is added to `served`."""
    page_px = SIZES[job.size].height_mm * PX_PER_MM
    tried: dict[float, _Layout] = {}

    def q(pt: float) -> float:
        return round(min(max(pt, job.floor_pt), job.max_pt) * 20) / 20

    target = page_px * (FILL_TARGET + 1) / 2
    # first guess: the size sheet's --body suits a poster of REF_CHARS characters; measured on these
    # layouts, the size that fits goes as characters ** -0.38
    pt = q(job.start_pt * (REF_CHARS / max(job.chars, 1)) ** 0.38)
    for _ in range(8):
        tried[pt] = _layout(job, served, pt)
        fits = [p for p, lay in tried.items() if lay.fits(page_px)]
        over = [p for p, lay in tried.items() if not lay.fits(page_px)]
        lo, hi = (max(fits) if fits else None), (min(over) if over else None)
        if lo is not None and (tried[lo].needed_px >= page_px * FILL_TARGET or lo >= job.max_pt):
            break
        if hi is not None and hi <= job.floor_pt:
            break
        if lo is not None and hi is not None:
            # interpolate in log-log space inside the bracket
            h_lo, h_hi = tried[lo].needed_px, tried[hi].needed_px
            k = max(0.5, math.log(h_hi / h_lo) / math.log(hi / lo)) if h_hi > h_lo else GROWTH
            nxt = q(lo * (target / h_lo) ** (1 / k))
            if not lo < nxt < hi:
                nxt = q((lo + hi) / 2)
            if not lo < nxt < hi:
                break
        else:
            # all on one side so far: step by the growth rate seen between the last two tries, if any
            k = GROWTH
            if len(tried) > 1:
                (p1, l1), (p2, l2) = list(tried.items())[-2:]
                if p1 != p2 and l1.needed_px != l2.needed_px:
                    k = min(3.0, max(1.5, math.log(l2.needed_px / l1.needed_px) / math.log(p2 / p1)))
            nxt = q(pt * (target / tried[pt].needed_px) ** (1 / k))
        if nxt in tried:
            break
        pt = nxt
    fits = [p for p, lay in tried.items() if lay.fits(page_px)]
    if not fits:
        if job.floor_pt not in tried:
            tried[job.floor_pt] = _layout(job, served, job.floor_pt)
        lay = tried[job.floor_pt]
        if not lay.fits(page_px):
            raise Overflow((lay.needed_px - page_px) / page_px, lay.fixed_px / page_px)
        fits = [job.floor_pt]
    best = max(fits)
    lay = tried[best]
    fill = lay.needed_px / page_px
    spare = page_px - lay.needed_px
    slack = 0.0
    if fill < SPREAD_BELOW:  # share the spare height between the sections, so the page is filled evenly
        spread = _layout(job, served, best, (spare - 1) / lay.gaps)
        if spread.fits(page_px):
            lay, slack = spread, (spare - 1) / lay.gaps
    return lay.doc.write_pdf(**RENDER_OPTIONS), best, fill, len(tried) + (lay is not tried[best]), slack
