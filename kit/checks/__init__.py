"""Everything an editor can get wrong, found before anything is rendered, all at once: the
model's own checks, the filling of every page, links between pages, and the HTML allow-list."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..errors import ContentError, Problems
from ..model import Project, read_project
from ..site.filled import fill_project
from .html_check import check_project as check_html
from .internal import check_internal_links

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def check(project: Project, p: Problems) -> Project:
    """The filled project (or, without readable settings, the project as written), with every
    problem added to `p`."""
    if project.config is not None:
        project = fill_project(project, p)
    else:  # the pages cannot be filled without the settings: check the rest of their text
        project = dataclasses.replace(project, rendered={rel: JINJA.sub("", text) for rel, text in project.rendered.items()})
    check_internal_links(project, p)
    check_html(project, p)  # HTML, links and images editor text may not publish
    return project


def load_project(root: Path) -> Project:
    """Read, check and fill in the whole project; raise ContentError listing every problem."""
    p = Problems()
    try:
        project = check(read_project(Path(root), p), p)
    except ContentError:
        raise
    except Exception:
        # Code that fills pages in may trip over content already found wrong (an empty title, a
        # broken list): report the content problems, which the editor can fix, not the fault.
        if p.items:
            raise ContentError(p.items) from None
        raise
    p.raise_if_any()
    return project


def load_checked_project(root: Path) -> Project:
    """The project as load_project gives it, without checking it again: for the engine's process,
    started by a build whose own load_project has just checked these very sources."""
    p = Problems()
    project = fill_project(read_project(Path(root), p), p)
    p.raise_if_any()
    return project
