"""Benchmark the build on this machine and print every figure in one run (`make bench`).

    python scripts/bench.py            # everything (a few minutes on a 2-core machine)
    python scripts/bench.py --quick    # skip the per-poster render timings
    python scripts/bench.py --runs 1   # one cold run of each build instead of the best of two

Everything runs on a throwaway copy of the project (no .cache, no site/), so the cold figures are
cold and your own site/ and caches are not touched:

1. a bare `mkdocs build` of the same docs: no posters, no PDFs; 1b. a bare `zensical build`;
2. the plain pipeline: the same `mkdocs build` with the whole-guide PDF plugin mkdocs-to-pdf on, as
   the package gives it out of the box (installed for the bench only, requirements-bench.txt);
3. the full cold build (`scripts/build.py`, which `make build` runs) into a temporary folder;
   3b. the same with ENGINE=zensical;
4. their ratios (goal: the full cold build at most 1.0x the plain pipeline), CPU beside wall time;
5. after editing one topic page (best of --runs, each after an edit of its own, as the cold builds are
   the best of --runs): the full build again, each step's time, and its ratio to the cold
   build (goal: at most 0.3x); that topic's posters alone (goal: 2 s);
6. the render time of each poster (no cache, one process);
7. the sizes: each poster (goal: at most 200 KB), the guide PDF, the DOCX, the zips, the site, the
   search index; and
8. the test suite's time: the last full `make test` run on this machine (tests/conftest.py records
   it), or with --tests a run of it now on the copy.

Parts that another step has not delivered yet print "not built yet" instead of a figure.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench_steps import step_breakdown
from bench_support import (EDITED, best_of, cpu_note, edit_topic, failed, line, plain_pdf_config, secs, size, sizes,
                           test_suite_record, timed, timed_best, verdict)
from kit.dates import commit_epoch
from kit.repro import copy_sources

ROOT = Path(__file__).resolve().parent.parent

INCREMENTAL_GOAL_S = 2.0  # one topic's posters alone
RATIO_GOAL = 1.0  # full cold build / plain pipeline
INCREMENTAL_RATIO_GOAL = 0.3  # full build after a one-topic edit / full cold build
POSTERS_FOR_PAGE = r"""
import sys, time, tempfile
start = time.perf_counter()
from pathlib import Path
from kit import posters
from kit.checks import load_project
project = load_project(Path(sys.argv[1]))
loaded = time.perf_counter()
slugs = [s.slug for s in posters.poster_specs(project) if s.page == sys.argv[2]]
results = posters.render_all(project, Path(tempfile.mkdtemp()), only=slugs)
done = time.perf_counter()
print(f"{','.join(slugs)}|{loaded - start:.3f}|{done - loaded:.3f}|{sum(not r.cached for r in results)}")
"""


def per_poster_timings(root: Path, workdir: Path) -> list[Any] | None:
    try:
        from kit import posters
        from kit.checks import load_project
    except ImportError:
        return None
    project = load_project(root)
    return posters.render_all(project, workdir / "posters", workers=1, cache_dir=workdir / "cache", use_cache=False)


def cold_build(label: str, what: str, cmd: list[str], cwd: Path, env: dict[str, str], runs: int,
               out: Path) -> tuple[float | None, Any]:
    """The best of `runs` cold runs of `cmd`, printed as `label` (None when it failed, said as `what`)."""
    t, run = timed_best(cmd, cwd, env, runs, out)
    if run.returncode:
        failed(what, run)
    line(label, secs(None if run.returncode else t), cpu_note(run))
    return (None if run.returncode else t), run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the per-poster render timings")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print where it is")
    parser.add_argument("--runs", type=int, default=2, help="cold runs of each build; the best is shown (default 2)")
    parser.add_argument("--steps", type=Path, metavar="SITE", help="build this project into SITE, print each step's time (JSON)")
    parser.add_argument("--tests", action="store_true", help="also run the whole test suite on the copy and time it (minutes)")
    args = parser.parse_args(argv)
    if args.steps:
        total, steps = step_breakdown(ROOT, args.steps.resolve(), {})
        print(json.dumps(steps))
        return 0

    env = {k: v for k, v in os.environ.items() if k not in ("GUIDE_PDF", "SG_DEBUG")}
    env.update(NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    env.setdefault("SOURCE_DATE_EPOCH", commit_epoch(ROOT))
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="sg-bench-"))
    root = tmp / "project"
    copy_sources(ROOT, root)
    env["PYTHONPATH"] = str(root)  # the copy's own kit, for every process that builds the copy
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Benchmark: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load} at the start (other work on the machine slows every figure)\n"
          f"Copy of the project in {root}\n")
    try:
        print(f"Builds (each a fresh process, cold: no caches; best of {args.runs})")
        t_bare, run = cold_build("1. bare mkdocs build (no posters, no PDFs)", "bare mkdocs build",
                                 [py, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp / "bare")], root, env,
                                 args.runs, tmp / "bare")
        cpu_bare = getattr(run, "cpu", None)
        # Zensical takes no output folder on its command line: a copy of the config names one in the project.
        zconfig = root / ".zensical-bench.yml"
        zconfig.write_text((root / "mkdocs.yml").read_text(encoding="utf-8") + "\nsite_dir: .zensical-bench-site\n", encoding="utf-8")
        t_zbare, run = cold_build("1b. bare zensical build (the same docs and mkdocs.yml)", "bare zensical build",
                                  [py, "-m", "zensical", "build", "--strict", "--clean", "--config-file", str(zconfig)], root, env,
                                  args.runs, root / ".zensical-bench-site")
        if t_zbare and t_bare:
            line("   ratio bare zensical / bare mkdocs", f"{t_zbare / t_bare:.2f}x")
        zconfig.unlink()
        shutil.rmtree(root / ".zensical-bench-site", ignore_errors=True)

        t_plain, cpu_plain = None, None
        config = plain_pdf_config(root)
        if config is None:
            line("2. mkdocs build + whole-guide PDF plugin (plain pipeline)", "n/a",
                 "(mkdocs-to-pdf is not installed: `make bench` installs requirements-bench.txt)")
        else:
            t_plain, run = timed_best([py, "-m", "mkdocs", "build", "--config-file", str(config), "--site-dir", str(tmp / "plain")],
                                      root, env, args.runs, tmp / "plain")
            pdf = tmp / "plain" / "downloads" / "guide.pdf"
            if run.returncode or not pdf.is_file():
                failed("plain PDF pipeline", run)
                t_plain = None
            line("2. mkdocs build + whole-guide PDF plugin (plain pipeline)", secs(t_plain),
                 f"{cpu_note(run)}, guide.pdf {size(pdf.stat().st_size)}" if t_plain else "")
            cpu_plain = getattr(run, "cpu", None)
            config.unlink()
        shutil.rmtree(root / ".cache", ignore_errors=True)

        site = root / "site"  # where make build writes (the build's temporary folder is then inside the project)
        t_full, run = cold_build("3. full cold build (scripts/build.py = make build)", "full build",
                                 [py, "scripts/build.py", "--site-dir", str(site)], root, env, args.runs, site)
        cpu_full = getattr(run, "cpu", None)
        if t_full and t_bare:
            line("   ratio full / bare mkdocs", f"{t_full / t_bare:.2f}x")
        zsite = tmp / "full-zensical" / "site"
        shutil.rmtree(root / ".cache", ignore_errors=True)
        t_zfull, run = cold_build("3b. full cold build with Zensical (make build ENGINE=zensical)", "full build with Zensical",
                                  [py, "scripts/build.py", "--engine", "zensical", "--site-dir", str(zsite)], root, env,
                                  args.runs, zsite)
        if t_zfull and t_full:
            line("   ratio full zensical / full mkdocs", f"{t_zfull / t_full:.2f}x")
        if t_zfull and t_zbare:
            line("   ratio full zensical / bare zensical", f"{t_zfull / t_zbare:.2f}x")
        if t_full and t_plain:
            line("   ratio full cold / plain pipeline", f"{t_full / t_plain:.2f}x",
                 f"goal <= {RATIO_GOAL:g}x: {verdict(t_full / t_plain <= RATIO_GOAL)}")
        if t_plain and t_bare:
            line("   ratio plain pipeline / bare mkdocs", f"{t_plain / t_bare:.2f}x")
        if t_full and t_plain and cpu_full and cpu_plain and cpu_bare:
            line("   CPU time ratios: full / plain pipeline, full / bare", f"{cpu_full / cpu_plain:.2f}x",
                 f"{cpu_full / cpu_bare:.2f}x (work done, whatever else runs on the machine)")

        print(f"\nIncremental, after editing {EDITED} (best of {max(1, args.runs)}, each after an edit of its own)")
        # The copy's own scripts/bench.py, in a fresh process (as make build is), timing each step;
        # the best of as many edits as there were cold runs, so both figures are taken alike.
        t_inc, run = best_of([py, "scripts/bench.py", "--steps", str(site)], root, env, args.runs, lambda: edit_topic(root))
        if run.returncode or not run.stdout.strip():
            failed("incremental build", run)
        else:
            line("full build again (make build: every output up to date)", secs(t_inc), cpu_note(run))
            if t_full:
                line("   ratio incremental / full cold", f"{t_inc / t_full:.2f}x",
                     f"goal <= {INCREMENTAL_RATIO_GOAL:g}x: {verdict(t_inc / t_full <= INCREMENTAL_RATIO_GOAL)}")
            if cpu_full:
                line("   CPU time ratio incremental / full cold", f"{getattr(run, 'cpu', 0.0) / cpu_full:.2f}x")
            for name, t in json.loads(run.stdout.strip().splitlines()[-1]):
                line(f"   {name}", secs(t))
        # Its posters alone, as an editor previews them: the best of three edits (each edit makes
        # them out of date again), so a moment of load from elsewhere does not decide the figure.
        best: tuple[float, str] | None = None
        for _ in range(3):
            edit_topic(root)
            if (root / "scripts" / "posters.py").is_file():
                slug = Path(EDITED).stem
                t, run = timed([py, "scripts/posters.py", "--topic", slug, "--out", str(tmp / "one-topic")], root, env)
                what = f"its posters only (scripts/posters.py --topic {slug}: A4 + A3)"
            else:
                t, run = timed([py, "-c", POSTERS_FOR_PAGE, str(root), EDITED.removeprefix("docs/")], root, env)
                what = "its posters only (A4 + A3)"
            if run.returncode:
                failed("posters of the edited page", run)
                break
            best = min(best or (t, what), (t, what))
        if best:
            line(best[1], secs(best[0]), f"goal <= {INCREMENTAL_GOAL_S:g} s: {verdict(best[0] <= INCREMENTAL_GOAL_S)}")

        if not args.quick:
            print("\nPer poster (fit + render + thumbnail, no cache, one process)")
            try:
                results = per_poster_timings(root, tmp / "per-poster")
            except Exception as e:  # noqa: BLE001 - a bench reports, it does not stop
                print(f"  per-poster timings failed: {type(e).__name__}: {e}")
                results = []
            if results is None:
                line("posters", "not built yet")
            for r in results or []:
                line(f"{r.slug} {r.size.upper()} ({r.layouts} layouts, body {r.body_pt:g} pt)", f"{r.seconds:.2f} s", size(r.bytes))
            if results:
                total = sum(r.seconds for r in results)
                line(f"all {len(results)} posters one after another", secs(total), f"mean {total / len(results):.2f} s")

        print("\nSizes (from the full build)")
        if site.is_dir():
            sizes(site)
        else:
            line("site", "not built")

        print("\nTest suite (make test)")
        test_suite_record(ROOT)
        if args.tests:
            t, run = timed([py, "-m", "pytest", "-q", "-p", "no:cacheprovider"], root, env)
            last = (run.stdout.strip().splitlines() or [""])[-1]
            line("the whole suite now, on the copy", secs(t), f"{cpu_note(run)}; {last}")
    finally:
        if args.keep:
            print(f"\nKept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
