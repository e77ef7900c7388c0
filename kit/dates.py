"""Dates: how they are written, which day reviews are judged on, and the build's fixed time.

Every output takes its time stamps from `build_time()`: SOURCE_DATE_EPOCH (the build sets it from the
last commit, so two builds of a commit are byte-identical), or a date the caller gives.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from .errors import Problems

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FALLBACK_EPOCH = 1795564800  # 2026-11-25 00:00 UTC: outside git, with no SOURCE_DATE_EPOCH
ZIP_EPOCH_MIN = 315532800  # zip dates start in 1980


def long_date(value: dt.date | None) -> str:
    """25 November 2026: how dates are written on the site, posters and documents ("" when unset)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def today() -> dt.date:
    """The date reviews are judged against; SG_TODAY (YYYY-MM-DD) fixes it for reproducible builds and tests."""
    fixed = os.environ.get("SG_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass  # a mistyped SG_TODAY must not stop the build: judge against the real date
    return dt.date.today()


def parse_date(value: Any, file: str, name: str, line: int | None, p: Problems) -> dt.date | None:
    where = f"line {line} (field {name})" if line else f"field {name}"
    if value is None or value == "":
        p.add(file, where, "is missing: write the date as YYYY-MM-DD")
        return None
    text = str(value).strip()
    if not DATE.match(text):
        p.add(file, where, f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-25")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        p.add(file, where, f"'{text}' is not a real date (check the month and day)")
        return None


def commit_epoch(root: Path) -> str:
    """The time of the last commit (seconds since 1970), or a fixed date outside git."""
    try:
        run = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, timeout=30)
        if run.returncode == 0 and run.stdout.strip().isdigit():
            return run.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return str(FALLBACK_EPOCH)


def build_time(fallback: dt.date | None = None) -> dt.datetime:
    """The time written into every output: SOURCE_DATE_EPOCH when set, else midnight UTC of
    `fallback` (a review date), else the fixed date. Never 'now'."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    if fallback is not None:
        return dt.datetime(fallback.year, fallback.month, fallback.day, tzinfo=dt.timezone.utc)
    return dt.datetime.fromtimestamp(FALLBACK_EPOCH, tz=dt.timezone.utc)


def zip_date_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry's time stamp (zip dates start in 1980 and count seconds in twos)."""
    t = max(when, dt.datetime.fromtimestamp(ZIP_EPOCH_MIN, tz=dt.timezone.utc))
    return (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)
