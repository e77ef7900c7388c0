"""Filling {{ … }} in the editor's pages: a sandboxed Jinja that can only show the documented names.

Content is data, never code. Two locks, so that no page can run anything during a build:
- the template is parsed first, and only plain expressions are allowed: a name, its fields, a
  filter, a call of a documented function with plain values, text in quotes, and
  {% if name %}…{% endif %}. No other {% … %} statements (loops, includes, imports, macros,
  assignments), no operators;
- it is then rendered by Jinja's ImmutableSandboxedEnvironment with no globals (no range, cycler,
  lipsum, namespace…), a short list of filters, and the page's documented names only. The sandbox
  refuses every attribute that starts with "_" (the usual way out, `x.__init__.__globals__`).
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import types
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..dates import long_date
from ..errors import Problems

FILTERS = {"long_date": long_date, "upper": str.upper, "lower": str.lower, "capitalize": str.capitalize,
           "trim": str.strip}
# The only node types a page's template may contain.
ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Getattr,
                 nodes.Call, nodes.Filter, nodes.Keyword, nodes.If, nodes.Not)
HOW_TO = "the names you can use are listed on the How to edit page"


def _what(value: Any) -> str:
    """A value's name as an editor knows it."""
    if dataclasses.is_dataclass(value):
        return f"'{type(value).__name__.lower()}'"
    return "this value"


def _fields(value: Any) -> list[str]:
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value)]
    return []


class _Undefined(jinja2.StrictUndefined):
    """A misspelt name or field: say which names exist, in plain words."""

    __slots__ = ()
    names: tuple[str, ...] = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        name = str(self._undefined_name)
        if self._undefined_obj is jinja2.utils.missing:
            choices = list(self.names)
            what = f"'{name}' is not a name a page can use"  # caught before rendering; kept for safety
        else:
            choices = _fields(self._undefined_obj)
            what = f"{_what(self._undefined_obj)} has no field '{name}'"
        close = difflib.get_close_matches(name, choices, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise jinja2.UndefinedError(f"{what}: {hint}the ones there are: {', '.join(choices) or 'none'}")

    # Jinja binds these to the base class's function when its class is made: point them at ours.
    __str__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = _fail_with_undefined_error  # type: ignore[assignment]


@functools.lru_cache(maxsize=8)
def _environment(names: tuple[str, ...]) -> ImmutableSandboxedEnvironment:
    undefined = type("Undefined", (_Undefined,), {"__slots__": (), "names": names})
    # "{#" starts a Jinja comment by default but is common in Markdown attribute lists ({#id}).
    env = ImmutableSandboxedEnvironment(undefined=undefined, autoescape=False, keep_trailing_newline=True,
                                        comment_start_string="{##", comment_end_string="##}")
    env.globals.clear()
    env.filters = dict(FILTERS)
    env.tests = {}
    return env


def _shape_problems(env: jinja2.Environment, text: str, context: dict[str, Any]) -> list[tuple[int, str]]:
    """Everything in a page's template that is more than a plain expression of documented names,
    found before anything is rendered."""
    found: list[tuple[int, str]] = []
    names = sorted(context)
    for node in env.parse(text).find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            found.append((node.lineno, f"this {{{{ … }}}} or {{% … %}} is not allowed in a page ({_describe(node)}): "
                          f"a page may only show a name, such as {{{{ board.name }}}}; {HOW_TO}"))
        elif isinstance(node, nodes.Name) and node.name not in names:
            close = difflib.get_close_matches(node.name, names, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            found.append((node.lineno, f"'{node.name}' is not a name a page can use: {hint}the names there are: {', '.join(names)}"))
        elif isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            found.append((node.lineno, f"'.{node.attr}' is not allowed: names starting with _ are not part of a page's data"))
        elif (isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name in context
              and (known := _fields(context[node.node.name])) and node.attr not in known):
            close = difflib.get_close_matches(node.attr, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            found.append((node.lineno, f"'{node.node.name}' has no field '{node.attr}': {hint}its fields are: {', '.join(known)}"))
        elif isinstance(node, nodes.Filter) and node.name not in FILTERS:
            found.append((node.lineno, f"'| {node.name}' is not a filter a page can use: the ones there are: "
                          + ", ".join(sorted(FILTERS))))
        elif isinstance(node, nodes.Call) and (node.dyn_args or node.dyn_kwargs):
            found.append((node.lineno, "a call in {{ … }} may only be given plain values, like formerly(\"iwf\")"))
    return found


def _describe(node: nodes.Node) -> str:
    kind = type(node).__name__
    return {"For": "a loop", "If": "a condition", "Include": "an include", "Import": "an import",
            "FromImport": "an import", "Extends": "a template", "Macro": "a macro", "Assign": "a setting",
            "AssignBlock": "a setting", "Block": "a block", "Getitem": "[…] after a name"}.get(kind, "an operator or statement")


def _line_in_template(tb: types.TracebackType | None) -> int | None:
    """The template line an error happened on (Jinja rewrites its tracebacks to point at it)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def fill(text: str, context: dict[str, Any], file: str, first_line: int, p: Problems) -> str:
    """The page's text with {{ … }} filled from `context`; on a problem, it is reported (file and
    line) and the text is returned unfilled."""
    if "{{" not in text and "{%" not in text and "{##" not in text:
        return text  # nothing for Jinja to do (it keeps the text as it is, trailing newline too)
    env = _environment(tuple(context))

    def report(line: int | None, message: str) -> str:
        p.add(file, f"line {first_line + (line or 1) - 1}" if line else "", message)
        return text

    try:
        if shape := _shape_problems(env, text, context):
            for line, message in shape:
                report(line, message)
            return text
        return env.from_string(text).render(**context)
    except jinja2.TemplateSyntaxError as e:
        return report(e.lineno, f"the {{{{ … }}}} expression cannot be read ({e.message})")
    except jinja2.UndefinedError as e:
        return report(_line_in_template(e.__traceback__), f"{e.message}; {HOW_TO}")
    except SecurityError as e:
        return report(_line_in_template(e.__traceback__), f"this {{{{ … }}}} is not allowed ({e}); {HOW_TO}")
    except Exception as e:  # a documented function given bad data, e.g. formerly("no-such-id")
        return report(_line_in_template(e.__traceback__), f"a {{{{ … }}}} expression failed: {e}")
