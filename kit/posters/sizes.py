"""The paper sizes and their size sheets (posters/a4.css, a3.css: the page size and the type-size range)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..outputs import POSTER_SIZES

PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class PaperSize:
    key: str
    label: str
    width_mm: float
    height_mm: float

    @property
    def width_pt(self) -> float:
        return self.width_mm * 72 / 25.4

    @property
    def height_pt(self) -> float:
        return self.height_mm * 72 / 25.4


_MM = {"a4": (210, 297), "a3": (297, 420)}
SIZES = {key: PaperSize(key, label, *_MM[key]) for key, label in POSTER_SIZES.items()}


def size_range(poster_dir: Path, size: str) -> tuple[float, float, float]:
    """(start, floor, max) body text sizes in pt, read from the size sheet (posters/a4.css)."""
    css = (poster_dir / f"{size}.css").read_text(encoding="utf-8")

    def pt(name: str) -> float:
        m = re.search(rf"--{name}:\s*([\d.]+)pt\s*;", css)
        if not m:
            raise ValueError(f"posters/{size}.css must set --{name} in pt")
        return float(m.group(1))

    return pt("body"), pt("body-floor"), pt("body-max")
