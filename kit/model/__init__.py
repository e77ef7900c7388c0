"""The model: the project's sources read into a frozen Project. Knows no engine and no renderer."""
from .project import Project, load_project, read_project
from .topics import Lists, Topic

__all__ = ["Lists", "Project", "Topic", "load_project", "read_project"]
