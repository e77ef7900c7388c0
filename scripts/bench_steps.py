"""`make bench`'s view inside one build: the time of each step of kit/build/pipeline.py, run in this
process with a timer around each step it calls (scripts/bench.py --steps SITE)."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STEPS = (  # (label, attribute path in kit/build/pipeline.py) of the build's steps in this process
    ("load and check the content", "load_project"),
    ("site pages (the engine; WeasyPrint loads meanwhile)", "site_building"),
    ("documents (guide PDF, DOCX, PDFs)", "build_documents"),
    ("copy the posters into downloads/", "poster_kit.publish"),
    ("fill in the file sizes", "fill_site_sizes"),
    ("Content Security Policy", "protect_site"),
    ("offline zip", "make_offline_zip"),
)
BLOCKS = {"site_building"}  # steps that run while the block inside them runs (context managers)
POSTERS = "posters (their own process, beside the site and documents)"


def step_breakdown(root: Path, site: Path, env: dict[str, str]) -> tuple[float, list[tuple[str, float]]]:
    """Build `root` into `site` and return the total and each step's time. The posters' figure is
    the time their process ran, which overlaps the steps after it."""
    from kit.build import pipeline

    spent: dict[str, float] = {}
    steps: list[Any] = []
    undo = []

    def timer(label: str, fn: Any) -> Any:
        def wrapped(*a: Any, **k: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
        return wrapped

    def block_timer(label: str, fn: Any) -> Any:
        @contextmanager
        def wrapped(*a: Any, **k: Any) -> Iterator[Any]:
            start = time.perf_counter()
            try:
                with fn(*a, **k) as value:
                    yield value
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
        return wrapped

    def keep_step(fn: Any) -> Any:
        @contextmanager
        def wrapped(*a: Any, **k: Any) -> Iterator[Any]:
            with fn(*a, **k) as step:
                steps.append(step)
                yield step
        return wrapped

    wrap = [(label, path, block_timer if path in BLOCKS else timer) for label, path in STEPS] + [("", "alongside", None)]
    for label, path, how in wrap:
        owner: Any = pipeline
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
        if owner is not None and callable(getattr(owner, name, None)):
            fn = getattr(owner, name)
            undo.append((owner, name, fn))
            setattr(owner, name, how(label, fn) if how else keep_step(fn))
    saved = dict(os.environ)
    os.environ.update(env)
    start = time.perf_counter()
    try:
        pipeline.build(root, site)
    finally:
        total = time.perf_counter() - start
        os.environ.clear()
        os.environ.update(saved)
        for owner, name, fn in undo:
            setattr(owner, name, fn)
    rows = [(label, spent[label]) for label, _ in STEPS if label in spent]
    rows += [(POSTERS, s.seconds) for s in steps]
    rows.append(("the rest (waiting for the posters, swap into place)", total - sum(spent.values())))
    return total, rows
