"""Shared fixtures: the real project, built once per test session into a temporary folder.

One build of the whole kit (`site`), one Zensical build (`zensical_site`) and one browser
(`browser`, Debian's Chromium) serve every test that only reads them. Tests that edit a copy
build only the step they test; `with_caches` gives a copy the session build's caches, and
`edited_builds` is one edit built incrementally and cold.

Markers: a test that builds, renders with WeasyPrint or drives the browser is `slow` (marked here
from the fixtures it uses, or by hand in its module); `make test-fast` (`pytest --fast`) runs the
rest: the model, loader, check and HTML-policy tests.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import copy
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from kit import yamlio
from kit.checks import load_project
from kit.model import Project
from kit.build import pipeline as build_script
from kit.dates import commit_epoch
from kit.outputs import DOCUMENT_CACHE, GUIDE_CACHE, POSTER_MANIFEST, ZIP_CACHE
from kit.repro import copy_sources
from scripts.bench_support import EDITED as EDITED_TOPIC, edit_topic  # the edit `make bench` times

# What the first build would set (kit/build/pipeline.py), set before any test: every build of the
# session, on every pytest-xdist worker and whichever runs first, dates its outputs from this
# repository's last commit (a copy of the project is not in git and would get the fixed date).
os.environ.setdefault("SOURCE_DATE_EPOCH", commit_epoch(ROOT))

# The YAML reader is a pure function of its text, and most tests load a copy of the project in
# which one file at most was edited: within a session each distinct text is parsed once (by the
# real reader), and every later reader gets its own copy of that result. A text that fails is read
# again each time (its error is raised afresh). Outside the tests nothing changes.
_read_yaml = yamlio.load
_yaml_read: dict[tuple[str, int], tuple[object, dict[str, int]]] = {}


def _read_yaml_once(text: str, first_line: int = 1) -> tuple[object, dict[str, int]]:
    key = (text, first_line)
    if key not in _yaml_read:
        _yaml_read[key] = _read_yaml(text, first_line)
    return copy.deepcopy(_yaml_read[key])


yamlio.load = _read_yaml_once

# A test using any of these builds, renders or drives the browser (directly or through a fixture
# that depends on one): it is `slow`.
SLOW_FIXTURES = frozenset({"site", "zensical_site", "fork", "future_site", "broken_build", "browser", "edited_builds"})
FAST_MINIMUM = 100  # `make test-fast` fails rather than pass with fewer tests than this
FAST_FORBIDDEN = ("weasyprint", "playwright")  # never imported by the fast tests


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fast", action="store_true",
                     help="only the tests that neither build, render nor drive the browser (make test-fast)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--fast"):
        config.option.markexpr = "not slow and not external"


# Under pytest-xdist (`make test` runs two workers, --dist loadgroup), the tests that share an
# expensive fixture which cannot be handed from one worker to another (the browser's visits, a
# module's build) run on one worker, so it is made once; the session's builds are shared across
# workers on disk instead (`made_once`).
GROUP_FIXTURES = {"http_visit": "visits", "offline_visits": "visits"}
GROUP_MODULES = frozenset({"test_fork", "test_guide_chapters", "test_links", "test_reviews", "test_serve_preview"})


def _group(item: pytest.Item) -> str | None:
    names = set(getattr(item, "fixturenames", ()))
    module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
    return next((g for f, g in GROUP_FIXTURES.items() if f in names), module if module in GROUP_MODULES else None)


def pytest_itemcollected(item: pytest.Item) -> None:
    # here, before any pytest_collection_modifyitems: pytest-xdist reads the xdist_group marks in its own
    if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.slow)
    group = _group(item)
    if group:
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_run_order)


def _run_order(item: pytest.Item) -> tuple[int, int]:
    """The longest first, so that the workers end together: the fork's build (which needs no session
    build, so it runs while another worker makes that), the other slow tests, the fast ones, then the
    many short browser tests, the visits of every page first among them. (pytest-xdist hands out
    groups of tests before single ones, whatever this order: a worker may open the browser, whose
    sync API keeps an event loop running in its thread, before its other tests; the online link
    check runs its own loop on a thread of its own then.) The sort is stable: each module's tests
    keep their order."""
    names = set(getattr(item, "fixturenames", ()))
    if "browser" in names:
        return 3, 0 if names & set(GROUP_FIXTURES) else 1
    if "fork" in names:
        return 0, 0
    return (1 if item.get_closest_marker("slow") else 2), 0


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    whole = config.args_source == pytest.Config.ArgsSource.TESTPATHS  # not a file or test named on the command line
    if config.getoption("--fast") and whole and not config.getoption("collectonly") and len(session.items) < FAST_MINIMUM:
        raise pytest.UsageError(f"--fast selected {len(session.items)} tests, fewer than {FAST_MINIMUM}: "
                                "the `slow` marking or the selection is broken")


@pytest.fixture(scope="session", autouse=True)
def fast_tests_stay_fast(request: pytest.FixtureRequest) -> Iterator[None]:
    """With --fast: an error, at the end of the session (of each worker under pytest-xdist), when a
    fast test imported WeasyPrint or Playwright: that test must be marked `slow`."""
    yield
    if request.config.getoption("--fast"):
        loaded = [m for m in FAST_FORBIDDEN if m in sys.modules]
        if loaded:
            raise AssertionError(f"--fast: the fast tests imported {', '.join(loaded)}: mark the test that does `slow`")


@pytest.fixture(scope="session")
def project() -> Project:
    return load_project(ROOT)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole kit (site, posters, documents) built from this repository, as `make build` does."""
    return made_once(tmp_path_factory, "build", lambda folder: build_script.build(ROOT, folder / "site")) / "site"


@pytest.fixture(scope="session")
def zensical_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole kit built again with Zensical making the pages (`make build ENGINE=zensical`). After
    `site`, so its posters come from the cache that build filled, as on a machine that built before."""
    return made_once(tmp_path_factory, "zensical",
                     lambda folder: build_script.build(ROOT, folder / "site", engine="zensical")) / "site"


@dataclass(frozen=True)
class EditedBuilds:
    """`edited_builds`: one edit built twice, incrementally and cold."""
    warm: Path  # the project copy with the session build's caches, edited, built into its own site/
    cold: Path  # the same sources copied elsewhere, built in another process with no caches
    made: dict[str, list[str]]  # per cache folder, the entries the warm build made


def cache_entries(root: Path, folder: Path) -> set[str]:
    """A cache's files, each with when it was written: an entry made again (under a new key, or under
    the same key because a file it read changed) is a new member of the set."""
    files = sorted(p for p in (root / folder).iterdir() if p.is_file()) if (root / folder).is_dir() else []
    return {f"{p.name}@{p.stat().st_mtime_ns}" for p in files}


@pytest.fixture(scope="session")
def edited_builds(site: Path, tmp_path_factory: pytest.TempPathFactory) -> EditedBuilds:
    """A topic page edited (`edit_topic`) and the whole kit built twice from it:

    - `warm`: a copy with the session build's caches, built in this process into the copy's own
      site/, as `make build` does on a machine that built before: it renders only what the edit
      changes, and every other output is the session build's own file, from the cache;
    - `cold`: the same sources copied into another folder and built there by scripts/build.py in
      another process, with no caches and the same SOURCE_DATE_EPOCH (a copy is not in git).

    The same bytes from both prove the incremental build exact and the build reproducible: each
    output the edit leaves alone was rendered by the session build and again by `cold`, and each
    it changes was rendered twice, in two processes and folders (tests/test_incremental.py,
    test_build_reliability.py, test_documents.py)."""
    import json
    import subprocess

    def build_both(base: Path) -> None:
        warm = with_caches(copy_project(base / "warm"), site)
        edit_topic(warm)
        before = {str(c): cache_entries(warm, c) for c in CACHES}
        build_script.build(warm, warm / "site")
        made = {str(c): sorted(cache_entries(warm, c) - before[str(c)]) for c in CACHES}
        (base / "made.json").write_text(json.dumps(made), encoding="utf-8")
        cold = copy_sources(warm, base / "cold")
        assert not (cold / ".cache").exists()
        env = same_date({**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(cold)})
        env.pop("SG_DEBUG", None)
        result = subprocess.run([sys.executable, str(cold / "scripts" / "build.py")], cwd=cold,
                                capture_output=True, text=True, env=env, timeout=900)
        assert result.returncode == 0, result.stderr

    base = made_once(tmp_path_factory, "edited", build_both)
    made = json.loads((base / "made.json").read_text(encoding="utf-8"))
    return EditedBuilds(base / "warm", base / "cold", made)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (the browser tests run last, see above)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, launch

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); "
                    "never `playwright install`")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def base_url(site: Path, project: Project) -> str:
    """The built site served on 127.0.0.1 under its published path (404.html links to that path)."""
    from tests.browser_support import serve, site_prefix

    with serve(site, site_prefix(project.board.site_url)) as url:
        yield url


@pytest.fixture(scope="session")
def offline_copy(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/downloads/offline-site.zip unzipped into a fresh folder; returns its top-level folder."""
    import zipfile

    from kit.outputs import OFFLINE_ZIP

    archive = site / OFFLINE_ZIP
    assert archive.is_file(), f"the build did not make {OFFLINE_ZIP}"
    dest = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(dest)
    folders = [p for p in dest.iterdir()]
    assert len(folders) == 1 and folders[0].is_dir(), f"the zip should hold one folder, not {folders}"
    return folders[0]


@pytest.fixture(scope="session")
def http_visit(browser, site: Path, base_url: str):
    """Every page of the built site over http, and the 404 page as the answer for a missing address
    in a sub-folder, loaded once at 1280 px (tests/browser_support.py visit_all_at_once): what
    they asked for and which CSP violations they had. Read by the privacy and CSP tests."""
    from tests.browser_support import built_pages, visit_all_at_once

    urls = [base_url + rel for rel in built_pages(site)] + [base_url + "topics/nope.html"]
    return visit_all_at_once(browser, urls, viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def offline_visits(browser, site: Path, offline_copy: Path):
    """Every page of the offline copy opened from file:// (not 404.html: only ever served by a web
    server), loaded once at each width (1280 and 320 px): {width: Visit}."""
    from tests.browser_support import WIDTHS, built_pages, visit_all_at_once

    urls = [offline_copy.joinpath(rel).as_uri() for rel in built_pages(site) if rel != "404.html"]
    heights = {1280: 900, 320: 640}
    return {w: visit_all_at_once(browser, urls, viewport={"width": w, "height": heights[w]}) for w in WIDTHS.values()}


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """A new folder filled by `make(folder)` once per test run, even with pytest-xdist's workers:
    the first worker to ask makes it while holding a lock, the others wait for it and then read it.
    A worker that finds it failed fails too (the first one has the error)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent / "made-once"  # the run's folder, above each worker's own
    shared.mkdir(exist_ok=True)
    folder, done, failed = shared / name, shared / f"{name}.done", shared / f"{name}.failed"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(f"{name}: it failed on the worker that made it ({failed.read_text()}); see that worker's error")
        if not done.exists():
            folder.mkdir()
            try:
                make(folder)
            except BaseException as e:
                failed.write_text(f"{worker}: {type(e).__name__}")
                raise
            done.touch()
    return folder


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project's sources, for tests that edit content."""
    return copy_sources(ROOT, dest)


CACHES = (POSTER_MANIFEST.parent, DOCUMENT_CACHE, GUIDE_CACHE, ZIP_CACHE)


def with_caches(root: Path, site: Path) -> Path:
    """Give a copy of the project the caches of the session's build (`site` must have been built):
    posters, documents, the guide's parts and zip entries, as on a machine that built before, so
    that its build renders only what its edits change. For tests that are not about a cold build;
    the cache keys cover every input, so whatever an edit changes still renders. Build the copy
    with `same_date(env)`: a copy is not in git, and the outputs carry their build date."""
    assert site.is_dir()
    for cache in CACHES:
        if (ROOT / cache).is_dir():
            shutil.copytree(ROOT / cache, root / cache)
    return root


def page_images(pdf: Path) -> list[bytes]:
    """Every page of a PDF drawn by pdfium (at 72 dpi), as raw RGB: two PDFs that look the same give the same."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=1).to_pil().convert("RGB").tobytes() for i in range(len(document))]
    finally:
        document.close()


def same_date(env: dict[str, str]) -> dict[str, str]:
    """`env` with the SOURCE_DATE_EPOCH of the session's build (the last commit's date), for a
    build of a copy of the project, which is not in git."""
    from kit.dates import commit_epoch

    return {**env, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(ROOT)}


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
