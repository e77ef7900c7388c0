"""List every page with its review dates; fail when any page is past its next_review date.

    python scripts/check_reviews.py                 # judged against today (or SG_TODAY)
    python scripts/check_reviews.py --today 2027-06-01

Exit status: 0 when no page is overdue, 1 when one is (or the content cannot be read), so a
fork's CI can run `make check-reviews` on a schedule and be told when reviews are due.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from kit.checks import load_project
from kit.errors import ContentError
from kit.model import reviews


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--today", help="judge against this date (YYYY-MM-DD) instead of today")
    args = parser.parse_args(argv)
    try:
        on = dt.date.fromisoformat(args.today) if args.today else reviews.today()
    except ValueError:
        print(f"--today {args.today!r} is not a date: write it as YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        project = load_project(args.root.resolve())
    except ContentError as e:
        print(e.report(), file=sys.stderr)
        print("Fix these problems first: the review dates cannot be checked until the content loads.", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - never a traceback for the editor
        if os.environ.get("SG_DEBUG"):
            raise
        print(f"Could not check the reviews: unexpected error ({type(e).__name__}: {e}). Run with SG_DEBUG=1 for details.", file=sys.stderr)
        return 2
    rows = reviews.schedule(project, on)
    order = {reviews.OVERDUE: 0, "no date": 1, reviews.DUE_SOON: 2, reviews.CURRENT: 3}
    rows.sort(key=lambda r: (order.get(r.status, 9), r.next_review or dt.date.max, r.path))
    cells = [["Page", "Last reviewed", "Next review", "Status"]]
    for r in rows:
        note = {reviews.OVERDUE: f"OVERDUE by {r.days_overdue} days", reviews.DUE_SOON: f"due soon (in {r.days_left} days)"}
        cells.append([r.file, str(r.last_reviewed or "-"), str(r.next_review or "-"), note.get(r.status, r.status)])
    print(f"Review dates on {on}:\n")
    print(table(cells))
    overdue = [r for r in rows if r.status == reviews.OVERDUE]
    soon = [r for r in rows if r.status == reviews.DUE_SOON]
    print()
    if soon:
        print(f"{len(soon)} page{'s' if len(soon) != 1 else ''} due for review within {reviews.DUE_SOON_DAYS} days.")
    if overdue:
        print(f"{len(overdue)} page{'s are' if len(overdue) != 1 else ' is'} overdue for review: review "
              f"{'them' if len(overdue) != 1 else 'it'}, then update last_reviewed and next_review in the front matter.",
              file=sys.stderr)
        return 1
    print("No page is overdue for review.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
