"""File sizes a page shows ("A4 PDF (23 KB)") for files that are made while the page is built.

A page writes a placeholder naming the file (`size_placeholder`); once every file exists, the build
replaces each placeholder in the built site with the size of the file as published
(`fill_site_sizes`). So the posters can render while the engine builds the pages, and a size shown
is always the size of the file beside it. The placeholders are plain ASCII with nothing an engine
rewrites, so they come through to the pages and the search index alike, under either engine."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

PLACEHOLDER = re.compile(r"@@sg-size(-number|-unit)?:([A-Za-z0-9._/-]+)@@")
FILLED_IN = (".html", ".json", ".js")  # the pages, and the search index the engines write from them


class SizeMissing(Exception):
    """A page shows the size of a file the build did not make."""


def size_placeholder(path: str, *, nbsp: bool = False) -> str:
    """Stands for the size of `path` (relative to the site's root): "23 KB", or with `nbsp` the
    number and unit joined by a no-break space (written as &nbsp;, which each engine renders)."""
    if not nbsp:
        return f"@@sg-size:{path}@@"
    return f"@@sg-size-number:{path}@@&nbsp;@@sg-size-unit:{path}@@"


def size_parts(n: int) -> tuple[str, str]:
    return (f"{n / 1024:.0f}", "KB") if n < 1024 * 1024 else (f"{n / 1024 / 1024:.1f}", "MB")


def fill_sizes(text: str, size_of: Callable[[str], int | None], missing: str = "") -> str:
    """`text` with every placeholder replaced; a file `size_of` does not know gives `missing` (or
    raises SizeMissing when `missing` is empty)."""
    def replace(m: re.Match[str]) -> str:
        n = size_of(m.group(2))
        if n is None:
            if not missing:
                raise SizeMissing(m.group(2))
            return missing if m.group(1) != "-unit" else ""
        number, unit = size_parts(n)
        return {"-number": number, "-unit": unit}.get(m.group(1) or "", f"{number} {unit}")
    return PLACEHOLDER.sub(replace, text)


def file_sizes(site: Path) -> Callable[[str], int | None]:
    def size_of(path: str) -> int | None:
        f = site / path
        return f.stat().st_size if f.is_file() else None
    return size_of


def fill_site_sizes(site: Path) -> int:
    """Fill every placeholder in the built site with the sizes of its files; returns how many
    files changed. Raises SizeMissing naming a file a page shows but the build did not make."""
    changed = 0
    size_of = file_sizes(site)
    for f in sorted(site.rglob("*")):
        if f.suffix not in FILLED_IN or not f.is_file():
            continue
        text = f.read_text(encoding="utf-8")
        if "@@sg-size" not in text:
            continue
        try:
            f.write_text(fill_sizes(text, size_of), encoding="utf-8")
        except SizeMissing as e:
            raise SizeMissing(f"{f.relative_to(site).as_posix()} shows the size of {e}, which the build did not make") from None
        changed += 1
    return changed
