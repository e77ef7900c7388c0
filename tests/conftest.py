"""Shared fixtures: the real project, built once per test session into a temporary folder.

One build of the whole kit (`site`), one Zensical build (`zensical_site`) and one browser
(`browser`, Debian's Chromium) serve every test that only reads them. Tests that edit a copy
build only the step they test; `with_poster_cache` gives a copy the session build's posters.

Markers: a test that builds, renders with WeasyPrint or drives the browser is `slow` (marked here
from the fixtures it uses, or by hand in its module); `make test-fast` (`pytest --fast`) runs the
rest: the model, loader, check and HTML-policy tests.
"""
from __future__ import annotations

from collections.abc import Iterator

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
from kit.repro import copy_sources

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
SLOW_FIXTURES = frozenset({"site", "zensical_site", "fork", "future_site", "broken_build", "browser", "rebuilt_copy"})
FAST_MINIMUM = 100  # `make test-fast` fails rather than pass with fewer tests than this
FAST_FORBIDDEN = ("weasyprint", "playwright")  # never imported by the fast tests


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fast", action="store_true",
                     help="only the tests that neither build, render nor drive the browser (make test-fast)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--fast"):
        config.option.markexpr = "not slow and not external"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # The browser tests last: Playwright's sync API keeps an event loop running in this thread while
    # the session's browser is open, and other tests call asyncio.run(), which refuses to run inside
    # one. The sort is stable: each module's tests keep their order.
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


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
    out = tmp_path_factory.mktemp("build") / "site"
    build_script.build(ROOT, out)
    return out


@pytest.fixture(scope="session")
def zensical_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole kit built again with Zensical making the pages (`make build ENGINE=zensical`). After
    `site`, so its posters come from the cache that build filled, as on a machine that built before."""
    out = tmp_path_factory.mktemp("zensical") / "site"
    build_script.build(ROOT, out, engine="zensical")
    return out


@pytest.fixture(scope="session")
def rebuilt_copy(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole kit built a second time, as independently of `site` as can be: from a copy of the
    sources in another folder, by scripts/build.py in another process, with cold caches (the copy
    has no .cache/) and the same SOURCE_DATE_EPOCH (the copy is not in git). For the
    reproducibility tests (every file of the build, and the documents), which compare it with `site`."""
    import subprocess

    base = tmp_path_factory.mktemp("rebuilt")
    root = copy_project(base / "elsewhere")
    out = base / "again" / "site"
    env = same_date({**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(root)})
    env.pop("SG_DEBUG", None)
    result = subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--site-dir", str(out)], cwd=root,
                            capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stderr
    return out


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


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project's sources, for tests that edit content."""
    return copy_sources(ROOT, dest)


def with_poster_cache(root: Path, site: Path) -> Path:
    """Give a copy of the project the poster cache of the session's build (`site` must have been
    built), so that its build renders only the posters its edits change. For tests that are not
    about the posters or their cache; the cache keys cover every input, so an edited poster still
    renders. Build the copy with `same_date(env)`: a copy is not in git, and a poster carries its
    build date."""
    assert site.is_dir()
    cache = ROOT / ".cache" / "posters"
    shutil.copytree(cache, root / ".cache" / "posters")
    return root


def same_date(env: dict[str, str]) -> dict[str, str]:
    """`env` with the SOURCE_DATE_EPOCH of the session's build (the last commit's date), for a
    build of a copy of the project, which is not in git."""
    from kit.dates import commit_epoch

    return {**env, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(ROOT)}


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
