"""The print-shop posters (issue 14): downloads/posters/print/<slug>-<size>.pdf from the session's real
build, checked as files: PDF/X-4 with a CMYK output intent, the trim at the paper size, at least 3 mm
of bleed with the art running into it, crop marks outside the bleed, one page, the screen poster's words."""
from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from kit import colour, posters
from kit.posters import printshop

MM = 72 / 25.4


@pytest.fixture(scope="session")
def poster_dir(site: Path) -> Path:
    return site / "downloads" / "posters"


def cases(project) -> list[tuple[str, str]]:
    return [(s.slug, size) for s in posters.poster_specs(project) for size in posters.SIZES]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).replace("\u00ad", ""))


def boxes(pdf: pikepdf.Pdf) -> dict[str, list[float]]:
    page = pdf.pages[0].obj
    return {k: [float(x) for x in page[f"/{k}"]] for k in ("MediaBox", "BleedBox", "TrimBox")}


def test_every_poster_has_a_print_version_and_nothing_else(project, poster_dir: Path) -> None:
    expected = {f"{slug}-{size}.pdf" for slug, size in cases(project)}
    assert len(expected) >= 20
    assert {p.name for p in (poster_dir / "print").iterdir()} == expected


def test_page_boxes_one_page_and_the_output_intent(project, poster_dir: Path) -> None:
    profile = printshop.CMYK_PROFILE.read_bytes()
    for slug, size in cases(project):
        path = poster_dir / "print" / f"{slug}-{size}.pdf"
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == 1, f"{path.name}: {len(pdf.pages)} pages"
            b = boxes(pdf)
            paper = posters.SIZES[size]
            assert b["TrimBox"] == pytest.approx([0, 0, paper.width_pt, paper.height_pt], abs=0.01), path.name
            trim, bleed, media = b["TrimBox"], b["BleedBox"], b["MediaBox"]
            for i, sign in enumerate((-1, -1, 1, 1)):  # left, bottom, right, top
                assert sign * (bleed[i] - trim[i]) >= 3 * MM - 0.01, f"{path.name}: less than 3 mm of bleed"
                # room for the crop marks outside the bleed
                assert sign * (media[i] - bleed[i]) >= 5 * MM, f"{path.name}: no room for crop marks outside the bleed"
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFX", path.name
            assert intents[0].DestOutputProfile.N == 4 and intents[0].DestOutputProfile.read_bytes() == profile
            with pdf.open_metadata() as xmp:
                assert xmp.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4", path.name


def test_the_words_are_the_screen_posters(project, poster_dir: Path) -> None:
    for slug, size in cases(project):
        screen = PdfReader(poster_dir / f"{slug}-{size}.pdf").pages[0].extract_text()
        printed = PdfReader(poster_dir / "print" / f"{slug}-{size}.pdf").pages[0].extract_text()
        assert squash(printed) == squash(screen), f"{slug}-{size}: the print version says something else"
        assert len(squash(screen)) > 200


def _pixels(path: Path, scale: float = 2.0):  # noqa: ANN202 - a PIL image and its page's offsets
    doc = pdfium.PdfDocument(path)
    try:
        return doc[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        doc.close()


@pytest.mark.parametrize("size", ["a4", "a3"])
def test_the_masthead_runs_into_the_bleed_and_the_marks_stay_outside_it(poster_dir: Path, size: str) -> None:
    path = poster_dir / "print" / f"email-{size}.pdf"
    with pikepdf.open(path) as pdf:
        b = boxes(pdf)
    scale = 2.0
    image = _pixels(path, scale)
    media, trim, bleed = b["MediaBox"], b["TrimBox"], b["BleedBox"]

    def px(x_pt: float, y_pt: float) -> tuple[int, int, int]:  # PDF points (origin bottom left) -> pixel
        return image.getpixel((round((x_pt - media[0]) * scale), round((media[3] - y_pt) * scale)))

    inside = px(trim[2] / 2, trim[3] - 2 * MM)  # the masthead, just inside the top edge
    assert inside != (255, 255, 255)
    # the same colour at the edge of the BleedBox, above the top and left of the left edge of the paper
    assert px(trim[2] / 2, bleed[3] - 0.5) == inside
    assert px(bleed[0] + 0.5, trim[3] - 2 * MM) == inside
    # between the trim and the BleedBox at the top-left corner: all masthead, no crop mark over it
    corner = [px(x, y) for x in range(int(bleed[0]) + 1, int(trim[0])) for y in range(int(trim[3]) + 1, int(bleed[3]))]
    assert corner and set(corner) == {inside}
    # outside the BleedBox, the crop marks (dark lines in line with the trim's edges)
    marks = [px(trim[0] + dx / 4, y) for dx in range(-6, 7) for y in range(int(bleed[3]) + 2, int(media[3]))]
    assert any(sum(p) < 384 for p in marks), "no crop mark above the top-left corner"


def test_colours_come_from_one_cmyk_mapping_and_the_board_colour_survives(project, poster_dir: Path) -> None:
    tokens = printshop.colour_tokens(project)
    assert tokens["board-bg"] == project.board.colour_accessible and len(tokens) >= 20
    for name, value in tokens.items():  # the mapping goes back to the design token within rounding
        back = printshop.rgb_of(*printshop.cmyk(value))
        assert all(abs(a - b) <= 3 for a, b in zip(back, colour.rgb(value))), f"{name}: {value} -> {back}"
    board = " ".join(f"{x:g}" for x in printshop.cmyk(project.board.colour_accessible)).encode()
    for slug, size in cases(project):
        with pikepdf.open(poster_dir / "print" / f"{slug}-{size}.pdf") as pdf:
            content = pdf.pages[0].obj.Contents.read_bytes()
        # the masthead is painted in the board's colour as CMYK, not as RGB
        assert re.search(rb"/DeviceCMYK cs\n" + re.escape(board) + rb" scn\n", content), f"{slug}-{size}"
        r, g, b = (c / 255 for c in colour.rgb(project.board.colour_accessible))
        assert not re.search(rf"{r:.6f} {g:.6f} {b:.6f} rg".encode(), content), f"{slug}-{size}: the board colour as RGB"


def test_the_print_zip_holds_every_print_file(project, site: Path, poster_dir: Path) -> None:
    with zipfile.ZipFile(site / "downloads" / "posters-print.zip") as z:
        assert z.namelist() == sorted(f"posters-print/{s}-{z_}.pdf" for s, z_ in cases(project))
        for info in z.infolist():
            assert z.read(info) == (poster_dir / "print" / Path(info.filename).name).read_bytes()


def test_print_versions_come_from_the_cache_unchanged(project, site: Path, poster_dir: Path, tmp_path: Path) -> None:
    posters.render_all(project, tmp_path, only=["email"])
    for size in posters.SIZES:
        assert (tmp_path / "print" / f"email-{size}.pdf").read_bytes() == (poster_dir / "print" / f"email-{size}.pdf").read_bytes()
