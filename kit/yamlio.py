"""YAML reading that keeps line numbers and never raises anything but our own errors."""
from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as text (we check them ourselves, with clear messages)
    and tolerates the tags MkDocs configs use (!ENV, !!python/name)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _unknown_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


class YamlError(ValueError):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def load(text: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML text; return the data and the 1-based line of each top-level key."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"the YAML cannot be read ({e.problem or e}); check the indentation and quote any text containing ': '") from None
    except yaml.YAMLError as e:
        raise YamlError(1, f"the YAML cannot be read ({e})") from None
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines[str(key.value)] = key.start_mark.line + 1
    return data, lines
