"""What the guide's parts take from the print styles (kit/documents/guide_parts.py): which page-margin
boxes the parts and the numbers sheet each draw, and what parts rendered apart cannot know."""
from __future__ import annotations

from pathlib import Path

import pytest

from kit.documents.guide_parts import page_rules


def test_page_rules_follow_imports_and_refuse_what_parts_cannot_know(tmp_path: Path) -> None:
    (tmp_path / "numbers.css").write_text('@page { @bottom-right { content: "p. " counter(page, lower-roman); } }', encoding="utf-8")
    (tmp_path / "print.css").write_text('@import url("numbers.css");\n@page { @top-left { content: string(title); } }',
                                        encoding="utf-8")
    rules = page_rules([tmp_path / "print.css"])
    assert rules.parts == ["@page { @bottom-right { visibility: hidden; } }", "@page { @top-left { visibility: visible; } }"]
    assert rules.sheet == ["@page { @bottom-right { visibility: visible; } }", "@page { @top-left { visibility: hidden; } }"]
    for css, said in (("@page :first { margin-top: 3cm; }", "first, left, right or blank"),
                      ("h1 { break-before: right; }", "first, left, right or blank"),
                      ('@page { @bottom-center { content: string(title) " " counter(page); } }', "a box of its own"),
                      ("p::after { content: counter(page); }", "outside the page margins")):
        (tmp_path / "print.css").write_text(css, encoding="utf-8")
        with pytest.raises(ValueError, match=said):
            page_rules([tmp_path / "print.css"])
