"""What `make bench` (scripts/bench.py) prints its figures with: timings of whole processes (wall and
CPU), and the sizes of a built site; and the edit it times the incremental build after."""
from __future__ import annotations

import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from kit.sizes import size_parts

POSTER_MAX_BYTES = 200 * 1024
# the page the incremental build is timed after editing (and tests/conftest.py proves exact)
EDITED = "docs/topics/email.md"


def edit_topic(root: Path) -> None:
    """A real edit: one more word in the first point of the page."""
    f = root / EDITED
    text = f.read_text(encoding="utf-8")
    i = text.index("\n- ") + 3
    f.write_text(text[:i] + "Always " + text[i].lower() + text[i + 1:], encoding="utf-8")


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<64} {value:>10}  {note}".rstrip())


def secs(t: float | None) -> str:
    return "n/a" if t is None else f"{t:.1f} s"


def size(n: int) -> str:
    return " ".join(size_parts(n))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall-clock time of a command; its CPU time (all its processes) is left on the result as .cpu:
    unlike the wall clock it hardly changes when other work shares the machine."""
    cpu = children_cpu()
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    run.cpu = children_cpu() - cpu  # type: ignore[attr-defined]
    return elapsed, run


def cpu_note(run: subprocess.CompletedProcess[str]) -> str:
    return f"CPU {getattr(run, 'cpu', 0.0):.1f} s"


def best_of(cmd: list[str], cwd: Path, env: dict[str, str], runs: int,
            before: Callable[[], object]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The best of `runs` runs, each after `before()`, so a burst of other work on the machine does
    not decide the figure; a failed run ends it and is returned."""
    best: tuple[float, subprocess.CompletedProcess[str]] | None = None
    for _ in range(max(1, runs)):
        before()
        t, run = timed(cmd, cwd, env)
        if run.returncode:
            return t, run
        best = min(best or (t, run), (t, run), key=lambda x: x[0])
    assert best is not None
    return best


def timed_best(cmd: list[str], cwd: Path, env: dict[str, str], runs: int, out: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """The best of `runs` cold runs (caches and output removed before each)."""
    def cold() -> None:
        shutil.rmtree(cwd / ".cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    return best_of(cmd, cwd, env, runs, cold)


def failed(what: str, run: subprocess.CompletedProcess[str]) -> None:
    tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-8:])
    print(f"  {what} failed (exit {run.returncode}):\n    " + tail.replace("\n", "\n    "))


def sizes(site: Path) -> None:
    downloads = site / "downloads"
    poster_pdfs = sorted((downloads / "posters").glob("*.pdf")) if (downloads / "posters").is_dir() else []
    if poster_pdfs:
        worst = max(poster_pdfs, key=lambda p: p.stat().st_size)
        over = [p.name for p in poster_pdfs if p.stat().st_size > POSTER_MAX_BYTES]
        for p in poster_pdfs:
            n = p.stat().st_size
            line(f"poster {p.name}", size(n), "" if n <= POSTER_MAX_BYTES else "over 200 KB")
        line(f"largest poster ({worst.name})", size(worst.stat().st_size),
             f"goal <= 200 KB: {verdict(not over)}")
        pngs = sorted((downloads / "posters").glob("*.png"))
        if pngs:
            line(f"poster thumbnails ({len(pngs)} PNG), total", size(sum(p.stat().st_size for p in pngs)))
    else:
        line("posters", "not built yet")
    named = {"guide PDF": "guide.pdf"}
    for label, name in named.items():
        f = downloads / name
        line(label, size(f.stat().st_size) if f.is_file() else "not built yet")
    docx = sorted(downloads.glob("*.docx")) if downloads.is_dir() else []
    for f in docx:
        line(f"DOCX {f.name}", size(f.stat().st_size))
    if not docx:
        line("DOCX", "not built yet")
    for f in sorted(downloads.glob("*.pdf")) if downloads.is_dir() else []:
        if f.name not in named.values():
            line(f"PDF {f.name}", size(f.stat().st_size))
    zips = sorted(site.rglob("*.zip"))
    for f in zips:
        line(f"zip {f.relative_to(site)}", size(f.stat().st_size))
    if not any("offline" in f.name or "site" in f.name for f in zips):
        line("offline zip", "not built yet")
    files = [f for f in site.rglob("*") if f.is_file()]
    line(f"site total ({len(files)} files)", size(sum(f.stat().st_size for f in files)))
    index = site / "search" / "search_index.json"
    line("search index (search/search_index.json)", size(index.stat().st_size) if index.is_file() else "missing")


def plain_pdf_config(root: Path) -> Path | None:
    """mkdocs.yml with the whole-guide PDF plugin mkdocs-to-pdf on as the package gives it (it renders
    the guide itself, always on), every other setting unchanged: the plain pipeline. None when the
    plugin is not installed (`make bench` installs it from requirements-bench.txt)."""
    from importlib.metadata import entry_points

    import yaml

    from kit import yamlio

    if not any(e.name == "to-pdf" for e in entry_points(group="mkdocs.plugins")):
        return None
    config, _ = yamlio.load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [*(config.get("plugins") or []), {"to-pdf": {"output_path": "downloads/guide.pdf"}}]
    path = root / "mkdocs.bench-plain-pdf.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_suite_record(root: Path) -> None:
    """The last full test run on this machine, as tests/conftest.py records it."""
    import json

    from kit.outputs import TEST_SUITE_RECORD

    try:
        record = json.loads((root / TEST_SUITE_RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        line("last full run (make test)", "n/a", "no full run recorded yet: run make test, or bench --tests")
        return
    line(f"last full run ({record['tests']} tests, {record['outcome']})", secs(record["seconds"]),
         f"at {record['finished']} on commit {record['commit'][:10]}")
