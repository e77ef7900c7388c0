"""The GitHub Actions workflows: each parses as YAML, runs only `make` targets the Makefile has and
scripts that exist, pins every action to a full commit SHA with its version in a comment, and the
publish workflow attaches files that the build really writes."""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in (workflow.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            yield job_id, step


def make_targets() -> set[str]:
    targets: set[str] = set()
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_./%-][A-Za-z0-9_./% -]*?)\s*::?(?!=)", line)
        if m and not line.startswith(("\t", "#")):
            targets.update(t for t in m.group(1).split() if not t.startswith("."))
    return targets


def make_calls(script: str) -> Iterator[str]:
    """The targets of every `make …` command in a shell script (options and VAR=value skipped)."""
    for command in re.split(r"&&|\|\||;|\n|\|", script):
        try:
            words = shlex.split(command, comments=True)
        except ValueError:
            words = command.split()
        while words and re.match(r"^\w+=", words[0]):  # VAR=value make …
            words.pop(0)
        if words[:1] == ["sudo"]:
            words.pop(0)
        if words[:1] != ["make"]:
            continue
        rest = iter(words[1:])
        for word in rest:
            if word in ("-C", "-f", "-j", "--directory", "--file"):
                next(rest, None)
            elif not word.startswith("-") and "=" not in word:
                yield word


def test_there_is_a_publish_workflow() -> None:
    assert (ROOT / ".github" / "workflows" / "publish.yml") in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_and_has_jobs(path: Path) -> None:
    data = load(path)
    assert data.get("on"), f"{path.name}: no `on:` triggers"
    assert data.get("jobs"), f"{path.name}: no jobs"
    for job_id, job in data["jobs"].items():
        assert job.get("runs-on") or job.get("uses"), f"{path.name}: job {job_id} has no runs-on"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_runs_only_make_targets_that_exist(path: Path) -> None:
    targets = make_targets()
    assert {"build", "test"} <= targets
    called = []
    for job_id, step in steps(load(path)):
        for target in make_calls(str(step.get("run") or "")):
            called.append(target)
            assert target in targets, f"{path.name}: job {job_id} runs `make {target}`, which is not a Makefile target"
    if path.name == "publish.yml":
        assert {"test", "build"} <= set(called)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_runs_only_scripts_that_exist(path: Path) -> None:
    for job_id, step in steps(load(path)):
        for script in re.findall(r"(?<![\w/.-])((?:scripts|tests|kit)/[\w./-]+\.(?:sh|py))", str(step.get("run") or "")):
            assert (ROOT / script).is_file(), f"{path.name}: job {job_id} runs {script}, which does not exist"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha(path: Path) -> None:
    uses = [(job_id, step["uses"]) for job_id, step in steps(load(path)) if "uses" in step]
    uses += [(job_id, job["uses"]) for job_id, job in load(path)["jobs"].items() if "uses" in job]
    for job_id, ref in uses:
        if ref.startswith("./"):
            continue  # an action in this repository
        assert SHA_PIN.match(ref), f"{path.name}: job {job_id} uses {ref}: pin it to a full 40-character commit SHA"
    # ... each with the version it stands for, so a reader (and Dependabot) knows what it is.
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.search(r"\buses:\s*(\S+)(.*)$", line)
        if m and not m.group(1).startswith("./"):
            assert re.search(r"#\s*v\d", m.group(2)), f"{path.name}: `{line.strip()}` needs a version comment like # v4.2.2"


def test_publish_workflow_triggers_pages_and_release() -> None:
    data = load(ROOT / ".github" / "workflows" / "publish.yml")
    push = data["on"]["push"]
    assert "main" in push["branches"] and any(t.startswith("v") for t in push["tags"])
    used = {step["uses"].split("@")[0] for _job, step in steps(data) if "uses" in step}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= used
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert data["permissions"] == {"contents": "read"}, "the default token should only read"
    release_runs = " ".join(str(s.get("run") or "") for s in data["jobs"]["release"]["steps"])
    assert "gh release create" in release_runs
    assert data["jobs"]["release"]["permissions"]["contents"] == "write"
    system = [s for _j, s in steps(data) if "system_deps.sh" in str(s.get("run") or "")]
    assert system and "sudo" in system[0]["run"] and "WITH_BROWSER=1" in system[0]["run"]


def test_release_files_are_written_by_the_build(site: Path) -> None:
    """The files the release attaches are the ones `make build` writes (paths under site/)."""
    data = load(ROOT / ".github" / "workflows" / "publish.yml")
    files = str(data["env"]["RELEASE_FILES"]).split()
    assert len(files) == 3, files
    missing = [f for f in files if not (site / f.removeprefix("site/")).is_file()]
    assert not missing, (f"the release would attach files the build does not write: {missing} "
                         f"(zips built: {[str(z.relative_to(site)) for z in site.rglob('*.zip')]})")


def test_pull_requests_get_annotations_and_a_preview() -> None:
    """Editors change pages in GitHub's web editor and open a pull request: its problems must show on
    the changed lines (`make check FORMAT=github`) and the built site must be attached to the run."""
    data = load(ROOT / ".github" / "workflows" / "pull-request.yml")
    assert "pull_request" in data["on"]
    runs = [str(step.get("run") or "") for _, step in steps(data)]
    assert any(re.search(r"\bmake check FORMAT=github\b", r) for r in runs) and any("make build" in r for r in runs)
    uploads = [step for _, step in steps(data) if str(step.get("uses", "")).startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "site"
