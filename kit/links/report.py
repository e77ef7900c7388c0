"""What the offline link check found: one `LinkProblem` per failure, gathered in a `Report`."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LinkProblem:
    page: str  # the file in the site the link is in (or docs/… for source files)
    link: str  # the link as written (for PDFs: "page N: …")
    why: str  # what is wrong and what to do
    source: str = ""  # the Markdown page that produced `page`, if there is one
    level: str = "error"  # "error" fails the check; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.page} (from {self.source})" if self.source else self.page
        link = f": {self.link}" if self.link else ""
        return f"{where}{link}: {self.why}"


@dataclass
class Report:
    problems: list[LinkProblem] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)  # links checked, by kind of file
    files: Counter = field(default_factory=Counter)  # files read, by kind
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # address -> pages
    qr_codes: list[tuple[str, int, str]] = field(default_factory=list)  # (PDF, page, what the code says)
    seconds: float = 0.0

    @property
    def errors(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[LinkProblem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def total(self) -> int:
        return sum(self.checked.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{n} in {k}" for k, n in sorted(self.checked.items()))
        files = sum(self.files.values())
        return (f"Checked {self.total} links ({kinds}) in {files} files in {self.seconds:.2f} s: "
                f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}, "
                f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}.")

    def text(self) -> str:
        lines = [self.summary()]
        for level in ("error", "warning"):
            items = sorted((p for p in self.problems if p.level == level), key=lambda p: (p.page, p.link, p.why))
            if items:
                lines.append(f"{level.capitalize()}s:")
                lines += [f"  - {p}" for p in items]
        return "\n".join(lines)
