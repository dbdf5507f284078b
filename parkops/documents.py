"""Writing .docx documents in the official format of Chinese government documents.

Follows the usual layout of 党政机关公文 (GB/T 9704): A4, margins 37/35/28/26 mm
(top/bottom/left/right), the title in 小标宋 (宋体 where absent) 二号 (22 pt)
centred, the 文号 centred over a red rule, the addressee (主送机关) flush left, body
text in 仿宋 三号 (16 pt) with a two-character first-line indent
and a fixed 28 pt line pitch, first-level headings in 黑体, second-level in 楷体,
tables in 宋体, page numbers "— n —" at the foot of each page. Every run sets its
East-Asian font (w:eastAsia), so Word and WPS show Chinese text in the named
font rather than the Latin one. The documents stay editable: plain paragraphs
and tables, no text boxes, no images.

Used by the weekly report and the public notice; the receivables' letters reuse it.
"""

import copy
import io
import re
from collections.abc import Sequence

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONTS = {1: "黑体", 2: "楷体"}
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
LINE_PITCH = Pt(28)
RED = RGBColor(0xC0, 0x00, 0x00)
# What may follow w:pBdr in a w:pPr, in the order ECMA-376 requires.
PBDR_SUCCESSORS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange")  # fmt: skip
# XML 1.0 cannot hold these; user text must never make a document fail.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text: str) -> str:
    return CONTROL.sub("", str(text))


def _fonts(run, east_asian: str, size: Pt, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _fill(tc, lines: list[str]) -> None:
    """Put ``lines`` in a copied table cell ``tc`` whose one paragraph holds one empty,
    formatted run: the first line in it, each further line in a copy of that paragraph."""
    (p,) = tc.p_lst
    for n, line in enumerate(lines):
        target = p if n == 0 else copy.deepcopy(p)
        (run,) = target.r_lst
        run.text = line
        if n:
            tc.append(target)


def _page_number(paragraph) -> None:
    """ "— n —": a PAGE field between dashes, in 宋体 四号 (14 pt)."""
    for text in ("— ", None, " —"):
        run = paragraph.add_run()
        _fonts(run, TABLE_FONT, Pt(14))
        if text is not None:
            run.text = text
            continue
        for kind, instr in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
            if instr:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = instr
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._element.append(element)


def _red_rule(paragraph) -> None:
    """A red rule under ``paragraph``: its bottom border, 1.5 pt, 4 pt below the text."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    # Word refuses a pPr whose children are out of the schema's order.
    paragraph._p.get_or_add_pPr().insert_element_before(border, *PBDR_SUCCESSORS)


class Document:
    """One official document: add its parts in order, then ``to_bytes()``.

    ``landscape`` turns the page for a wide table (the margins turn with it).
    """

    def __init__(self, title: str, *, landscape: bool = False):
        self.doc = new_document()
        self.doc.core_properties.title = clean(title)
        self.doc.core_properties.author = "ParkOps"
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin = Mm(26), Mm(24)
            section.left_margin, section.right_margin = Mm(30), Mm(30)
        section.footer_distance = Mm(20)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number(footer)
        normal = self.doc.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = BODY_SIZE
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        self.text_width = section.page_width - section.left_margin - section.right_margin

    def _paragraph(self, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False):
        p = self.doc.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(32)  # two characters of 16 pt
        return p

    def title(self, text: str, *, red: bool = False) -> None:
        """The document's title: 二号 小标宋, centred (red for a 简报's masthead)."""
        for line in clean(text).split("\n"):
            p = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.line_spacing = Pt(40)
            run = p.add_run(line)
            _fonts(run, TITLE_FONT, TITLE_SIZE)
            if red:
                run.font.color.rgb = RED
        if not red:
            self._paragraph()

    def centered(self, text: str, font: str = "楷体") -> None:
        """A centred line below the title (第N期, a date)."""
        p = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER)
        _fonts(p.add_run(clean(text)), font, BODY_SIZE)

    def masthead_line(self, left: str, right: str) -> None:
        """Under a 简报's title: the sender on the left, the date on the right of the next
        line, over a red rule."""
        _fonts(self._paragraph(WD_ALIGN_PARAGRAPH.LEFT).add_run(clean(left)), BODY_FONT, Pt(14))
        p = self._paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
        _fonts(p.add_run(clean(right)), BODY_FONT, Pt(14))
        _red_rule(p)
        self._paragraph()

    def issue_number(self, text: str) -> None:
        """The 文号 (“财催〔2026〕3号”): 楷体, centred under the title, over a red rule,
        then an empty line before the addressee."""
        p = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER)
        _fonts(p.add_run(clean(text)), "楷体", BODY_SIZE)
        _red_rule(p)
        self._paragraph()

    def addressee(self, text: str) -> None:
        """The 主送机关 (“某某公司:”): flush left, no first-line indent."""
        p = self._paragraph(WD_ALIGN_PARAGRAPH.LEFT)
        p.paragraph_format.first_line_indent = Pt(0)
        _fonts(p.add_run(clean(text)), BODY_FONT, BODY_SIZE)

    def heading(self, text: str, level: int = 1) -> None:
        """一、… in 黑体 (level 1); （一）… in 楷体 (level 2); 1.… in bold 仿宋 (level 3)."""
        p = self._paragraph(indent=True)
        font = HEADING_FONTS.get(level, BODY_FONT)
        _fonts(p.add_run(clean(text)), font, BODY_SIZE, bold=level > 2)

    def paragraph(self, text: str, *, lead: str = "") -> None:
        """Body text, indented; ``lead`` is a bold opening (“整改情况:”)."""
        for n, line in enumerate(clean(text).split("\n")):
            p = self._paragraph(indent=True)
            if lead and n == 0:
                _fonts(p.add_run(lead), BODY_FONT, BODY_SIZE, bold=True)
            _fonts(p.add_run(line), BODY_FONT, BODY_SIZE)

    def right(self, text: str) -> None:
        """A right-aligned line (the issuing body, the date), four characters in."""
        p = self._paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)
        _fonts(p.add_run(clean(text)), BODY_FONT, BODY_SIZE)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[int],
        centered: Sequence[int] = (),
    ) -> None:
        """A grid table in 宋体 五号; ``widths`` are relative column widths, ``centered`` the
        indexes of the columns whose cells are centred (numbers, dates, statuses).

        The header row repeats on each page; a row may break across pages. The first
        data row is built through python-docx and every other row is a copy of it with
        its texts replaced: python-docx re-finds each property's place in the schema's
        order for every run (4 ms a row of eight cells), a copy costs a tenth of that.
        """
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # fixed layout: Word, WPS and LibreOffice keep the widths
        unit = self.text_width / sum(widths)
        header = table.rows[0]
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(flag)
        for cell, text in zip(header.cells, headers, strict=True):
            self._cell(cell, text, bold=True, center=True)
        template = table.add_row()
        for n, cell in enumerate(template.cells):
            self._cell(cell, "", center=n in centered)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = int(unit * width)  # the grid LibreOffice reads
            for cell in column.cells:
                cell.width = int(unit * width)  # the cells Word reads
        model = template._tr
        table._tbl.remove(model)
        for values in rows:
            row = copy.deepcopy(model)
            for tc, text in zip(row.tc_lst, values, strict=True):
                _fill(tc, clean(text).split("\n"))
            table._tbl.append(row)
        self._paragraph()

    @staticmethod
    def _cell(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
        lines = clean(text).split("\n")
        first = cell.paragraphs[0]
        for n, line in enumerate(lines):
            p = first if n == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.15
            _fonts(p.add_run(line), TABLE_FONT if not bold else "黑体", TABLE_SIZE)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
