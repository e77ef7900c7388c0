"""List every place where a fork still carries the original board's identity.

    python scripts/check_fork.py            # or: make check-fork
    python scripts/check_fork.py --root PATH

Looks in mkdocs.yml (except `extra.origin`, the credit to the original authors, which is meant
to stay), docs/ and every other source folder (templates, code), for the original board's name,
short name, area and web address, its example phone numbers and contact labels, and any file
that is still the original logo. The original identity is recorded in upstream-identity.yml.

Exits 0 when nothing is left to change, 1 with the list otherwise (2 if it cannot run).
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
IDENTITY_FILE = "upstream-identity.yml"
# Not part of what a fork publishes or builds from: the output, the tests (which may name the
# original board on purpose), tooling folders. Hidden files and folders are skipped too.
SKIP_DIRS = {"site", "tests", "node_modules", "__pycache__", "venv"}
MAX_TEXT_BYTES = 2_000_000


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the project root, with forward slashes
    line: int | None
    what: str
    fix: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"  {place}: {self.what}\n      -> {self.fix}"


@dataclass(frozen=True)
class Needle:
    pattern: re.Pattern[str]
    what: str
    only_in_config: bool = False


def _words(text: str) -> str:
    """A regex for `text` as whole words, case-insensitive, allowing any line break between words."""
    parts = [re.escape(w) for w in text.split()]
    return r"(?<![\w])" + r"\s+".join(parts) + r"(?![\w])"


def _phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)"


def needles(identity: dict[str, Any]) -> list[Needle]:
    out: list[Needle] = []
    if identity.get("name"):
        out.append(Needle(re.compile(_words(identity["name"]), re.I), f"the original board's name \"{identity['name']}\""))
    if identity.get("short_name"):
        out.append(Needle(re.compile(_words(identity["short_name"]), re.I), f"the original board's short name \"{identity['short_name']}\""))
    for word in identity.get("words") or []:
        out.append(Needle(re.compile(_words(str(word)), re.I), f"\"{word}\", which identifies the original board"))
    site_url = str(identity.get("site_url") or "")
    host = re.sub(r"^https?://(www\.)?", "", site_url).split("/")[0]
    if host:
        out.append(Needle(re.compile(_words(host), re.I), f"the original board's web address ({host})"))
    for contact in identity.get("contacts") or []:
        label = str(contact.get("label") or "")
        if label:
            out.append(Needle(re.compile(_words(label), re.I), f"the original board's contact \"{label}\""))
        phone = str(contact.get("phone") or "")
        if len(re.sub(r"\D", "", phone)) > 5:  # short national numbers (101, 999) are not the board's own
            out.append(Needle(re.compile(_phone(phone)), f"the original board's example phone number {phone}"))
    if identity.get("example_note"):
        out.append(Needle(re.compile(re.escape(str(identity["example_note"])), re.I),
                          "a contact still marked as an example (its note)", only_in_config=True))
    return out


def _origin_lines(config_text: str) -> range:
    """The 1-based lines of the `extra.origin` block of mkdocs.yml (the credit, which stays)."""
    try:
        node = yaml.compose(config_text)  # nodes only: MkDocs tags (!ENV, !!python/name) need no constructor
    except yaml.YAMLError:
        return range(0)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        if key.value == "extra" and isinstance(value, yaml.MappingNode):
            for k, v in value.value:
                if k.value == "origin":
                    return range(k.start_mark.line + 1, last_line(v) + 1)
    return range(0)


def last_line(node: yaml.Node) -> int:
    """The 1-based last line holding `node`'s content. (A block mapping's own end mark lies on the
    next key's line, and a block scalar's at the start of the line after it.)"""
    if isinstance(node, yaml.MappingNode) and node.value:
        return last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value:
        return last_line(node.value[-1])
    end = node.end_mark
    return end.line + (1 if end.column > 0 else 0)


def _fix(rel: str, what: str) -> str:
    if rel == "mkdocs.yml":
        return "put your board's details in extra.board in mkdocs.yml (name, short_name, logo_alt, site_url, contacts)"
    if rel.endswith(".md"):
        return "write {{ board.name }} or {{ board.short_name }} (or {{ board_contacts }}) instead, or reword it for your area"
    return "take it from the board's config (board.name, board.contacts, …) instead of writing it here"


def source_files(root: Path) -> list[Path]:
    files = [root / "mkdocs.yml"] if (root / "mkdocs.yml").is_file() else []
    for top in sorted(root.iterdir()):
        if top.is_dir() and not top.name.startswith(".") and top.name not in SKIP_DIRS:
            for f in sorted(top.rglob("*")):
                rel_parts = f.relative_to(root).parts
                if f.is_file() and not any(p.startswith(".") or p in SKIP_DIRS for p in rel_parts):
                    files.append(f)
    return files


def check(root: Path, identity: dict[str, Any]) -> tuple[list[Finding], list[str]]:
    """Every place in `root` that still carries `identity`, and notes that do not fail the check."""
    findings: list[Finding] = []
    notes: list[str] = []
    found = needles(identity)
    logo_hash = str(identity.get("logo_sha256") or "").lower()
    this_script = Path(__file__).resolve()
    for f in source_files(root):
        rel = f.relative_to(root).as_posix()
        data = f.read_bytes()
        if logo_hash and hashlib.sha256(data).hexdigest() == logo_hash:
            findings.append(Finding(rel, None, "is the original board's logo",
                                    "replace it with your board's logo, or point extra.board.logo at yours and delete this file"))
            continue
        if f.resolve() == this_script or len(data) > MAX_TEXT_BYTES or b"\0" in data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        skip = _origin_lines(text) if rel == "mkdocs.yml" else range(0)
        by_line: dict[int, list[str]] = {}
        for needle in found:
            if needle.only_in_config and rel != "mkdocs.yml":
                continue
            for m in needle.pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                if line not in skip and needle.what not in by_line.setdefault(line, []):
                    by_line[line].append(needle.what)
        for line, whats in sorted(by_line.items()):
            findings.append(Finding(rel, line, "; ".join(whats), _fix(rel, whats[0])))
    colour = str(identity.get("colour") or "").lower()
    if colour and (root / "mkdocs.yml").is_file():
        try:
            config = yaml.compose((root / "mkdocs.yml").read_text(encoding="utf-8"))
            board = _mapping(_mapping(config, "extra"), "board")
            current = _mapping(board, "colour")
            if isinstance(current, yaml.ScalarNode) and current.value.lower() == colour:
                notes.append(f"extra.board.colour is still the original board's colour ({identity['colour']}): "
                             "keep it only if you mean to")
        except yaml.YAMLError:
            pass
    return findings, notes


def _mapping(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def load_identity(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("name"):
        raise ValueError(f"{path.name} must give at least the original board's name")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this repository)")
    parser.add_argument("--identity", type=Path, default=None, help=f"the original identity (default: ROOT/{IDENTITY_FILE})")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    path = args.identity or root / IDENTITY_FILE
    try:
        identity = load_identity(path)
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"check-fork cannot run: {e}. Restore {IDENTITY_FILE} from the original repository.", file=sys.stderr)
        return 2
    findings, notes = check(root, identity)
    if findings:
        n = len(findings)
        print(f"This fork still carries the original board's identity in {n} place{'s' if n != 1 else ''}:\n")
        print("\n".join(str(f) for f in findings))
    for note in notes:
        print(f"\nNote: {note}.")
    if findings:
        print("\nChange these, then run `make check-fork` again. The credit to the original authors "
              "(extra.origin in mkdocs.yml, shown on the About page) stays on purpose and is not listed.")
        return 1
    print("No trace of the original board's identity is left (the credit to the original authors in "
          "extra.origin stays on purpose).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
