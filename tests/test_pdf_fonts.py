"""Merging the guide's per-part font subsets (kit/documents/pdf_fonts.py): what it reads of a font
dictionary, and the faces it leaves alone. The merge of real subsets, drawn page by page against the
parts' own, is in tests/test_guide_chapters.py."""
from __future__ import annotations

import pikepdf
import pytest

from kit.documents import pdf_fonts

CMAP = (pdf_fonts.CMAP_HEAD + b"2 beginbfchar\n<0003> <0020>\n<001c> <004e>\nendbfchar\n"
        b"1 beginbfrange\n<0029> <002b> <0061>\nendbfrange\n" + pdf_fonts.CMAP_TAIL)


def font(pdf: pikepdf.Pdf, widths: list, cmap: bytes = CMAP, name: str = "/ABCDEF+Face") -> pikepdf.Object:
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(name), Flags=4, FontBBox=[0, -290, 800, 950],
        Ascent=950, Descent=-290, ItalicAngle=0, CapHeight=950, StemV=80,
        FontFile2=pikepdf.Stream(pdf, b"not a font: never read when the widths disagree")))
    cid = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name(name),
                             CIDToGIDMap=pikepdf.Name.Identity, FontDescriptor=descriptor, W=pikepdf.Array(widths))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name(name), Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid)], ToUnicode=pikepdf.Stream(pdf, cmap)))


def test_widths_in_both_forms_and_back() -> None:
    pdf = pikepdf.new()
    widths = pdf_fonts._widths(font(pdf, [3, [280], 15, [690, 639], 20, 22, 500]))
    assert widths == {3: 280, 15: 690, 16: 639, 20: 500, 21: 500, 22: 500}
    again = pdf_fonts._widths(font(pdf, list(pdf_fonts._widths_array(widths))))
    assert again == widths


def test_text_mapping_from_single_codes_and_ranges() -> None:
    pdf = pikepdf.new()
    mapping = pdf_fonts._to_unicode(font(pdf, [3, [280]]))
    assert mapping == {3: b"0020", 0x1C: b"004e", 0x29: b"0061", 0x2A: b"0062", 0x2B: b"0063"}
    assert pdf_fonts._to_unicode(font(pdf, [3, [280]], pdf_fonts._cmap(mapping))) == mapping


def test_subsets_that_disagree_on_a_width_are_left_as_they_are() -> None:
    pdf = pikepdf.new()
    first, second = font(pdf, [3, [280], 15, [690]]), font(pdf, [15, [700]])
    for f in (first, second):
        page = pdf.add_blank_page()
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=f))
    assert pdf_fonts.merge_subsets(pdf) == 0
    assert [p.Resources.Font.F1.objgen for p in pdf.pages] == [first.objgen, second.objgen]


def test_other_kinds_of_font_are_not_candidates() -> None:
    pdf = pikepdf.new()
    type0 = font(pdf, [3, [280]])
    assert pdf_fonts._mergeable(type0)
    del pdf_fonts._descendant(type0)["/CIDToGIDMap"]
    assert not pdf_fonts._mergeable(type0)
    assert not pdf_fonts._mergeable(pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1)))


@pytest.mark.slow
def test_subsets_with_composite_glyphs_merge_draw_as_before_and_carry_no_date(tmp_path, monkeypatch) -> None:
    """Accented capitals are composite glyphs (a letter and an accent), named differently in each
    subset; the merged font has one date whatever the build's (the join's key has none)."""
    from conftest import ROOT, page_images
    from kit.documents import pdf_join
    from kit.documents.render import render_file

    fonts = (ROOT / "docs" / "assets" / "fonts" / "fonts.css").as_uri()

    def part(text: str, name: str):
        html = (f'<html lang="en"><head><title>{name}</title><link rel="stylesheet" href="{fonts}"><style>body '
                f'{{ font-family: "Atkinson Hyperlegible"; font-size: 40pt; }}</style></head><body><h1 id="{name}">{text}</h1></body></html>')
        layout = render_file(html, ROOT.as_uri() + "/", tmp_path / f"{name}.pdf", (ROOT,))
        assert not layout.errors and layout.refused is None
        return tmp_path / f"{name}.pdf"

    parts = [part("Ä Ö Ü é", "accents"), part("A O U bcd µ ¨", "letters")]
    joined = []
    for epoch in ("1700000000", "1760000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        joined.append(tmp_path / f"joined-{epoch}.pdf")
        pdf_join.join(parts, joined[-1], "sg-goto:")
    assert joined[0].read_bytes() == joined[1].read_bytes()
    with pikepdf.open(joined[0]) as pdf:
        fonts_used = {f.objgen for page in pdf.pages for _n, f in page.Resources.Font.items()}
        assert len(fonts_used) == 1, "the two subsets of the face were not merged"

    assert page_images(joined[0]) == page_images(parts[0]) + page_images(parts[1])
