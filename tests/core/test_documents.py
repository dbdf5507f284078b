"""The official-document .docx writer (GB/T 9704 layout), read back with python-docx:
A4 and its margins, the 文号 centred over a red rule, the addressee flush left, body
paragraphs indented two characters."""

import io

from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from parkops.documents import Document


def _letter():
    doc = Document("催缴通知书")
    doc.title("催缴通知书", red=True)
    doc.issue_number("财催〔2026〕3号")
    doc.addressee("某某物业公司:")
    doc.paragraph("贵单位尚欠……")
    return read_docx(io.BytesIO(doc.to_bytes()))


def _paragraph(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def _bottom_rule(paragraph) -> dict[str, str]:
    """The paragraph's bottom border attributes ({"val", "color", …}), {} when none."""
    bottom = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    if bottom is None:
        return {}
    return {key.split("}")[1]: value for key, value in bottom.attrib.items()}


def test_a_letter_is_on_a4_with_the_official_margins():
    section = _letter().sections[0]
    sizes = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    # .docx keeps twentieths of a point: whole millimetres come back a hair off.
    assert [round(length.mm) for length in sizes] == [210, 297]
    assert [round(length.mm) for length in margins] == [37, 35, 28, 26]


def test_the_issue_number_is_centred_over_a_red_rule_and_only_it_is_ruled():
    doc = _letter()
    number = _paragraph(doc, "财催〔2026〕3号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = _bottom_rule(number)
    assert (rule["val"], rule["color"]) == ("single", "C00000")
    assert [p.text for p in doc.paragraphs if _bottom_rule(p)] == ["财催〔2026〕3号"]
    # Word rejects a pPr out of schema order: the border comes before spacing and jc.
    tags = [child.tag for child in number._p.pPr]
    assert tags.index(qn("w:pBdr")) < tags.index(qn("w:spacing")) < tags.index(qn("w:jc"))


def test_the_addressee_is_flush_left_and_the_body_indented_two_characters():
    doc = _letter()
    addressee = _paragraph(doc, "某某物业公司:")
    assert addressee.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert addressee.paragraph_format.first_line_indent == 0
    body = _paragraph(doc, "贵单位尚欠……")
    assert body.paragraph_format.first_line_indent == Pt(32)  # two 16 pt characters
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"


def test_a_tables_rows_keep_the_first_rows_format_whatever_their_number():
    """Rows after the first are copies of it: each keeps 宋体 五号, its column's width and
    alignment, and a cell's line breaks become paragraphs; no row is lost or empty."""
    doc = Document("整改台账")
    rows = [(str(n), f"问题{n}\n第二行 {n}", "逾期" if n % 2 else "") for n in range(1, 31)]
    doc.table(("序号", "问题", "状态"), rows, (10, 60, 30), centered=(0, 2))
    (table,) = read_docx(io.BytesIO(doc.to_bytes())).tables
    assert len(table.rows) == 31
    for n, row in enumerate(table.rows[1:], start=1):
        number, problem, state = row.cells
        assert number.text == str(n) and state.text == ("逾期" if n % 2 else "")
        assert [p.text for p in problem.paragraphs] == [f"问题{n}", f"第二行 {n}"]
        assert number.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert problem.paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.LEFT
        assert [c.width for c in row.cells] == [c.width for c in table.rows[1].cells]
        run = problem.paragraphs[1].runs[0]
        assert run.font.size == Pt(10.5)
        assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    empty = Document("空表")
    empty.table(("序号",), [], (1,))
    assert len(read_docx(io.BytesIO(empty.to_bytes())).tables[0].rows) == 1
