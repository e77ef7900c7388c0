"""Builds are atomic (a failed build leaves the previous site/ exactly as it was) and reproducible
(two builds of the same commit are byte-identical: HTML, PDFs, DOCX, zips, images)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, EditedBuilds, copy_project, same_date, with_caches
from kit.build import pipeline as build_script
from kit.build import cli, engines, extension
from kit.dates import commit_epoch

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("SG_DEBUG", None)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its content hash and modification time (ns)."""
    return {f.relative_to(folder).as_posix(): (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
            for f in sorted(folder.rglob("*")) if f.is_file()}


def run_build(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(root / "scripts" / "build.py"), *args], cwd=root,
                          capture_output=True, text=True, env={**(env or ENV), "PYTHONPATH": str(root)}, timeout=900)


@pytest.fixture()
def previous_site(site: Path, tmp_path: Path) -> Path:
    """A copy of a good build, standing in for the site/ already published."""
    import shutil

    out = tmp_path / "out" / "site"
    shutil.copytree(site, out)
    return out


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".site-building-")]


def with_previous_site(root: Path, site: Path) -> Path:
    """Put a good build (the session's) where the project's site/ goes, as if published before."""
    import shutil

    shutil.copytree(site, root / "site")
    return root / "site"


def test_content_error_leaves_previous_site_untouched(site: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    before = snapshot(with_previous_site(root, site))
    assert "index.html" in before
    page = root / "docs" / "topics" / "email.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## Safe practice", "## Safe practise"), encoding="utf-8")
    failed = run_build(root)
    assert failed.returncode == 1
    assert "docs/topics/email.md" in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(root / "site") == before
    assert not leftovers(root)


def test_failing_mkdocs_leaves_previous_site_untouched(site: Path, tmp_path: Path) -> None:
    """A failure inside the MkDocs step, after the steps before it have written into the temporary
    folder (a broken theme template): named with its file and line, no traceback, nothing published.
    (The copy gets the session build's caches: the posters and documents steps still write them into
    the temporary folder, from the caches.)"""
    root = with_caches(copy_project(tmp_path / "project"), site)
    before = snapshot(with_previous_site(root, site))
    with (root / "overrides" / "main.html").open("a", encoding="utf-8") as f:
        f.write("\n{% if %}\n")
    failed = run_build(root, env=same_date(ENV))
    assert failed.returncode == 1 and "The previous site/ is unchanged" in failed.stderr
    assert "overrides/main.html: line" in failed.stderr and "TemplateSyntaxError" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(root / "site") == before
    assert not leftovers(root)


@pytest.mark.parametrize("error", [engines.BuildFailed("a later step failed"), RuntimeError("a bug in a step")])
def test_failing_later_step_leaves_previous_site_untouched(previous_site: Path, monkeypatch: pytest.MonkeyPatch,
                                                           error: Exception) -> None:
    """A step that fails after the site has been written into the temporary folder (the posters,
    documents and offline copy run after it) must not publish anything."""
    before = snapshot(previous_site)
    real_site_building = engines.site_building

    @contextmanager
    def site_then_fail(root: Path, out: Path, *args: object, **kwargs: object) -> Iterator[None]:
        # the engine is handed the build's check, as it sees the sources (it does not check again)
        assert kwargs["checked"] == extension.checked_sources(root)
        with real_site_building(root, out, *args, **kwargs):
            yield
        assert (out / "index.html").exists()
        (out / "half-written.txt").write_text("x")
        raise error

    monkeypatch.setattr(build_script, "site_building", site_then_fail)
    with pytest.raises(type(error)):
        build_script.build(ROOT, previous_site)
    assert snapshot(previous_site) == before
    assert not leftovers(previous_site.parent)


@pytest.mark.slow  # the build loads WeasyPrint and forks the posters' process
def test_a_source_edited_while_the_site_is_built_fails_the_build(site: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages would not match the posters and documents made from what was checked: build again.
    (The copy gets the session build's caches: its posters' process need not render them all first.)"""
    project_copy = with_caches(copy_project(tmp_path / "project"), site)
    @contextmanager
    def edited_meanwhile(root: Path, out: Path, *args: object, **kwargs: object) -> Iterator[None]:
        yield
        out.mkdir(parents=True)
        (out / "index.html").write_text("<p>pages</p>")
        about = root / "docs" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")

    monkeypatch.setattr(build_script, "site_building", edited_meanwhile)
    with pytest.raises(engines.BuildFailed, match="changed while the site was being built: build again"):
        build_script.build(project_copy, tmp_path / "site")
    assert not (tmp_path / "site").exists() and not leftovers(tmp_path)


def test_unexpected_error_is_reported_without_traceback(previous_site: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(previous_site)
    monkeypatch.delenv("SG_DEBUG", raising=False)

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("simulated")

    monkeypatch.setattr(build_script, "site_building", broken)
    assert cli.main(["--site-dir", str(previous_site)]) == 2
    err = capsys.readouterr().err
    assert "unexpected error (KeyError: 'simulated')" in err and "previous site/ is unchanged" in err
    assert "Traceback" not in err
    assert snapshot(previous_site) == before


def test_source_date_epoch_comes_from_the_last_commit(tmp_path: Path) -> None:
    git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    if git.returncode == 0 and git.stdout.strip():
        assert commit_epoch(ROOT) == git.stdout.strip()
    (tmp_path / "not-git").mkdir()
    assert commit_epoch(tmp_path / "not-git") == "1795564800"  # fixed when not in git


# --- reproducible ----------------------------------------------------------------------------------


def explain(a: Path, b: Path) -> str:
    """A short hint at why two versions of a file differ."""
    if a.suffix in (".zip", ".docx"):
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            ia = {i.filename: (i.date_time, i.CRC) for i in za.infolist()}
            ib = {i.filename: (i.date_time, i.CRC) for i in zb.infolist()}
            diff = sorted(n for n in set(ia) | set(ib) if ia.get(n) != ib.get(n))
            return f"entries differ: {diff[:5]}" + (f" e.g. {ia.get(diff[0])} vs {ib.get(diff[0])}" if diff else "")
    da, db = a.read_bytes(), b.read_bytes()
    if len(da) != len(db):
        return f"sizes {len(da)} vs {len(db)}"
    i = next(i for i in range(len(da)) if da[i] != db[i])
    return f"first difference at byte {i}: {da[max(0, i - 40):i + 40]!r} vs {db[max(0, i - 40):i + 40]!r}"


def test_a_build_elsewhere_in_another_process_writes_the_same_bytes(edited_builds: EditedBuilds) -> None:
    """Reproducible: the build of an edited copy (every output the edit leaves alone is the session
    build's own file, from its caches; the rest rendered in this process) against a build of the same
    sources in another folder and another process with cold caches, nothing shared
    (tests/conftest.py `edited_builds`): every file the same, HTML, PDFs, DOCX, zips and images."""
    first, second = snapshot(edited_builds.warm / "site"), snapshot(edited_builds.cold / "site")
    assert sorted(first) == sorted(second), f"different files: {sorted(set(first) ^ set(second))}"
    differing = [rel for rel in first if first[rel][0] != second[rel][0]]
    assert not differing, "not reproducible:\n" + "\n".join(
        f"  {rel}: {explain(edited_builds.warm / 'site' / rel, edited_builds.cold / 'site' / rel)}" for rel in differing)
    kinds = {Path(rel).suffix for rel in first}
    assert {".html", ".pdf", ".docx", ".zip", ".png"} <= kinds, kinds


def test_sitemap_dates_come_from_source_date_epoch(site: Path) -> None:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or commit_epoch(ROOT))
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date().isoformat()
    lastmods = set(re.findall(r"<lastmod>([^<]+)</lastmod>", (site / "sitemap.xml").read_text(encoding="utf-8")))
    assert lastmods == {day}
