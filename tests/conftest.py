"""Shared fixtures: the real project, built once per test session into a temporary folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from kit.checks import load_project
from kit.model import Project
from kit.build import pipeline as build_script
from kit.repro import copy_sources


@pytest.fixture(scope="session")
def project() -> Project:
    return load_project(ROOT)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole kit (site, posters, documents) built from this repository, as `make build` does."""
    out = tmp_path_factory.mktemp("build") / "site"
    build_script.build(ROOT, out)
    return out


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project's sources, for tests that edit content."""
    return copy_sources(ROOT, dest)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
