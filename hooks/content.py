"""MkDocs-only glue (Zensical needs none): check everything before MkDocs builds, and tell the kit's
Markdown extension (kit.build.extension, which fills every page under either engine) which page it
is filling."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from kit.build import extension
from kit.errors import ContentError


def on_config(config: Any) -> Any:
    if os.environ.get("SG_SERVE") == "1":
        return config  # while serving, a problem is shown on its page (kit.build.extension), not fatal
    try:  # every problem at once, before any page is built (the extension would stop at the first page)
        extension.project_for(Path(config.config_file_path).parent.resolve())
    except ContentError as e:
        raise PluginError(e.report()) from None
    return config


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    extension.set_current_page(page.file.src_uri)
    return markdown
