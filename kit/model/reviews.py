"""Review dates: which pages are overdue or due soon, judged against "today" (SG_TODAY fixes it)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dates import today

if TYPE_CHECKING:
    from .project import Project

DUE_SOON_DAYS = 30
OVERDUE, DUE_SOON, CURRENT = "overdue", "due soon", "current"


def status(next_review: dt.date, on: dt.date | None = None) -> str:
    days = (next_review - (on or today())).days
    return OVERDUE if days < 0 else DUE_SOON if days <= DUE_SOON_DAYS else CURRENT


@dataclass(frozen=True)
class Review:
    path: str  # under docs/
    file: str  # from the project root
    title: str
    last_reviewed: dt.date | None
    next_review: dt.date | None
    status: str  # overdue, due soon, current (or "no date" when a date is missing)
    days_left: int  # negative when overdue

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def schedule(project: Project, on: dt.date | None = None) -> list[Review]:
    """Every page with its review dates and status, in navigation order (pages outside the nav last)."""
    on = on or today()
    order = [p for p in project.nav if p in project.pages] + sorted(set(project.pages) - set(project.nav))
    rows = []
    for rel in order:
        page = project.pages[rel]
        nxt = page.next_review
        rows.append(Review(
            path=rel, file=page.file, title=str(page.meta.get("title") or rel),
            last_reviewed=page.last_reviewed, next_review=nxt,
            status=status(nxt, on) if nxt else "no date", days_left=(nxt - on).days if nxt else 0,
        ))
    return rows


def overdue_and_due_soon(project: Project, on: dt.date | None = None) -> tuple[list[Review], list[Review]]:
    rows = schedule(project, on)
    by_date = sorted((r for r in rows if r.next_review), key=lambda r: (r.next_review, r.path))
    return [r for r in by_date if r.status == OVERDUE], [r for r in by_date if r.status == DUE_SOON]
