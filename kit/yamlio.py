"""Reading the editor's files: UTF-8 text (a BOM is accepted) and YAML that keeps line numbers,
refuses duplicate keys and never raises anything but our own errors."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems


# libyaml's parser when PyYAML has it (ten times faster; the same nodes, marks and errors), with
# PyYAML's own resolver and constructor, so what the text means is decided here either way.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text (we check them ourselves, with clear messages), keeps a
    number written with a leading 0 or + as written (a phone number such as 01632960000 is not an
    octal number), and tolerates the tags MkDocs configs use (!ENV, !!python/name)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AS_WRITTEN = re.compile(r"^(?:\+|[-+]?0[\d_])")


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    if _AS_WRITTEN.match(node.value):
        return node.value
    return loader.construct_yaml_int(node)


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.add_multi_constructor("!", _unknown_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


class YamlError(ValueError):
    """One or more problems, each (line, message); `line` and str() give the first."""

    def __init__(self, line: int, message: str, more: list[tuple[int, str]] | None = None):
        self.line = line
        self.problems = [(line, message), *(more or [])]
        super().__init__(message)

    def add_to(self, p: Problems, file: str, prefix: str = "") -> None:
        for line, message in self.problems:
            p.add(file, f"line {line}", prefix + message)


def _duplicates(node: yaml.Node, first_line: int, path: str = "") -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else ""
            line = key.start_mark.line + first_line
            where = f"{path}.{name}" if path else name
            if name and name != "<<":  # "<<" merges an anchor's keys: not a key of its own
                if name in seen:
                    found.append((line, f"'{where}' is given twice, on line {seen[name]} and on line {line}: "
                                        "the second would silently replace the first; keep only one"))
                else:
                    seen[name] = line
            found += _duplicates(value, first_line, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            found += _duplicates(item, first_line, f"{path}[{i}]" if path else f"[{i}]")
    return found


def load(text: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Parse YAML text whose first line is line `first_line` of its file (front matter starts on
    line 2); return the data and the line of each top-level key. Errors name lines of the file."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # parsed once: the keys' lines, the duplicates, then the data
        dupes = _duplicates(node, first_line) if node is not None else []
        if dupes:
            raise YamlError(dupes[0][0], dupes[0][1], dupes[1:])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + first_line if mark else first_line
        lines = text.splitlines()
        tab = " (this line has a tab in it: YAML indents with spaces only)" if mark and mark.line < len(lines) and "\t" in lines[mark.line] else ""
        raise YamlError(line, f"the YAML cannot be read ({e.problem or e}){tab}; check the indentation and quote any text "
                              "containing ': '") from None
    except yaml.YAMLError as e:
        raise YamlError(first_line, f"the YAML cannot be read ({e})") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines[str(key.value)] = key.start_mark.line + first_line
    return data, lines


def read_text(path: Path, rel: str, p: Problems, missing: str = "the file is missing") -> str | None:
    """The text of an editor's file, or None after saying why it cannot be read. A UTF-8 byte-order
    mark (which some Windows editors add) is accepted and dropped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        p.add(rel, "", missing)
        return None
    except OSError as e:
        p.add(rel, "", f"the file cannot be opened ({e.strerror or e})")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        p.add(rel, f"line {line}", f"is not saved as UTF-8 text: the character at position {column} of this line "
              f"(byte {e.start + 1} of the file) cannot be read. Open the file and save it again as UTF-8")
        return None
