"""A project with every page's {{ … }} names filled in, and the structured pages read again from
the filled text: what the site, the posters and the documents publish."""
from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import Problems
from ..model import Project
from ..model.project import structure
from .context import base_names, widget_names
from .fill import fill


def _filled(project: Project, names: dict[str, Any], p: Problems) -> Project:
    rendered = {rel: fill(page.body, names, page.file, page.body_line, p) for rel, page in project.pages.items()}
    # The structure was checked (and its problems reported) when the pages were read as written.
    topics, summary, guidelines = structure(project.pages, rendered, project.nav, Problems())
    return dataclasses.replace(project, rendered=rendered, topics=topics, summary=summary, guidelines=guidelines, filled=True)


def context_for(project: Project) -> dict[str, Any]:
    """Every name a page may use. The checklist and the policy builder are made from other pages'
    filled-in text, so those pages are filled once without them first."""
    names = base_names(project)
    return {**names, **widget_names(_filled(project, names, Problems()))}


def fill_project(project: Project, p: Problems) -> Project:
    """Fill every page with every name, reporting each problem in `p`."""
    return _filled(project, context_for(project), p)
