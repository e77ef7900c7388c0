"""Content loader and validator shared by the site hook, the posters and the documents."""
from .errors import ContentError, Problem
from .project import Project, Topic, load_project

__all__ = ["ContentError", "Problem", "Project", "Topic", "load_project"]
