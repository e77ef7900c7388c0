"""Running render jobs: in this process, or in forked worker processes (one per core), slowest first."""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

from ..weasy import preload_fonts


def run_jobs(run: Callable[[Any], dict[str, Any]], todo: Sequence[Any], workers: int | None = None) -> dict[str, dict[str, Any]]:
    """`run(job)` for each job (which has .key, .html and .size); returns each job's result by its key."""
    infos: dict[str, dict[str, Any]] = {}
    if not todo:
        return infos
    import weasyprint  # noqa: F401 - imported once here so forked workers inherit it

    n = min(workers or os.cpu_count() or 1, len(todo))
    if n <= 1:
        for j in todo:
            infos[j.key] = run(j)
        return infos
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # the slowest posters first, so the pool does not end waiting on one
    order = sorted(todo, key=lambda j: -len(j.html) * (2 if j.size == "a3" else 1))
    first = todo[0]
    preload_fonts(first.html, first.base_url, first.roots)
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
        for j, info in zip(order, pool.map(run, order)):
            infos[j.key] = info
    return infos
