"""Problems found in the content, reported all at once with file and line or field."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the project root
    where: str  # "line 12" or "field next_review" (may be "")
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {self.message}"

    @property
    def line(self) -> int | None:
        """The line it is on, when `where` names one ("line 12", "line 12 (field title)")."""
        m = re.match(r"line (\d+)\b", self.where)
        return int(m.group(1)) if m else None

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command: shown on that line of a pull request's
        changed files (https://docs.github.com/actions/reference/workflow-commands-for-github-actions)."""
        def escape(text: str, properties: bool = False) -> str:
            text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return text.replace(":", "%3A").replace(",", "%2C") if properties else text
        where = f"file={escape(self.file, True)}" + (f",line={self.line}" if self.line else "")
        place = "" if self.line or not self.where else f"{self.where}: "
        return f"::error {where},title=Content problem::{escape(place + self.message)}"


class ContentError(Exception):
    """Raised with every problem found, so an editor can fix them in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.report())

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # Raised in a worker process (the posters render beside the site): it crosses back whole.
        return (ContentError, (self.problems,))

    def report(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the content:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class Problems:
    """Collects problems; `raise_if_any` raises one ContentError for all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, where: str, message: str) -> None:
        self.items.append(Problem(file, where, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)
