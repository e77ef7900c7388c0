"""MkDocs hook for the whole-guide PDF plugin (mkdocs-to-pdf, on when GUIDE_PDF=1).

Under --strict the plugin checks that every relative link of the combined document points to a
page inside it. It cannot tell a link to a downloadable file (a poster, the Word policy) from a
link to a page, nor allow for the pages the PDF leaves out, so it fails on links the site needs.
Its check is switched off for the plugin alone: MkDocs' own --strict is unaffected (its warning
counter is in place before any plugin runs and the setting is restored before the build). The
links are resolved and checked instead by scripts/documents.py when it renders the PDF: a link to
a page in the PDF stays inside the PDF, any other goes to the board's published site, and a link
that resolves to nothing fails the build.
"""
from __future__ import annotations

from typing import Any

from mkdocs.plugins import event_priority

PLUGIN = "to-pdf"
_strict: bool | None = None


@event_priority(100)  # before the plugin reads the config
def on_config(config: Any) -> Any:
    global _strict
    if PLUGIN in config.plugins:
        _strict = config.strict
        config.strict = False
    return config


def on_pre_build(config: Any) -> None:  # after every plugin's on_config
    global _strict
    if _strict is not None:
        config.strict = _strict
        _strict = None
