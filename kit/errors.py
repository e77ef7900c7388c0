"""Problems found in the content, reported all at once with file and line or field."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the project root
    where: str  # "line 12" or "field next_review" (may be "")
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so an editor can fix them in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.report())

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
