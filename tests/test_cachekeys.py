"""How cache entries name the files a render read (kit/cachekeys.py): by the folder that holds
them, so a copy of the project, or a site built in a temporary folder, finds the same entries."""
from __future__ import annotations

from pathlib import Path

from kit.cachekeys import Folders


def test_a_file_is_named_from_the_innermost_folder_that_holds_it(tmp_path: Path) -> None:
    project = tmp_path / "project"
    site = project / ".site-building-x1y2z3" / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "site.css").write_text("a {}", encoding="utf-8")
    (project / "docs").mkdir()
    (project / "docs" / "fonts.css").write_text("b {}", encoding="utf-8")
    folders = Folders([project, site])
    assert folders.name(site / "assets" / "site.css") == "1:assets/site.css"
    assert folders.name(project / "docs" / "fonts.css") == "0:docs/fonts.css"
    assert folders.name(tmp_path / "elsewhere.css") == f"-:{(tmp_path / 'elsewhere.css').as_posix()}"
    # the next build's temporary folder has another name: the entry still reads the same files
    reads = folders.reads([site / "assets" / "site.css", project / "docs" / "fonts.css"])
    later = project / ".site-building-q9r8s7" / "site"
    (site.parent).rename(later.parent)
    assert Folders([project, later]).unchanged(reads)
    (later / "assets" / "site.css").write_text("a { color: red }", encoding="utf-8")
    assert not Folders([project, later]).unchanged(reads)
