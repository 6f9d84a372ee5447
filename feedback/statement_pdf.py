"""The statement of unpaid work (feedback.statement) as a PDF, made with reportlab's platypus:
real text in an embedded font, a title, the program's terms, the unpaid contributions, the
totals and what the program gave. Everything the artist or the program typed is escaped
before reportlab's paragraph markup reads it.

The font is DejaVu Sans where it is installed (Debian's fonts-dejavu-core: Latin, Greek and
Cyrillic scripts in full), else Bitstream Vera, which ships with reportlab (Western European
letters only). A name to print with letters the font cannot draw is refused with a message
(`undrawable`) rather than printed as empty boxes on a claim."""

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from feedback.statement import SENDS_NOTHING, Received, Statement, UnpaidLine

FONT, BOLD = "StatementSans", "StatementSans-Bold"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_BUNDLED = Path(reportlab.__file__).parent / "fonts"
# (regular, bold) files, the first pair present wins.
FONT_FILES = (
    (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    (_BUNDLED / "Vera.ttf", _BUNDLED / "VeraBd.ttf"),
)


@functools.cache
def _font() -> TTFont:
    regular, bold = next(pair for pair in FONT_FILES if pair[0].exists() and pair[1].exists())
    font = TTFont(FONT, str(regular))
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return font


def undrawable(text: str) -> str:
    """The characters of `text` the PDF's font has no letter for ("" when it can draw them all)."""
    drawable = _font().face.charToGlyph
    missing = dict.fromkeys(c for c in text if not c.isspace() and ord(c) not in drawable)
    return "".join(missing)


def _styles() -> dict[str, ParagraphStyle]:
    sample = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sample["BodyText"], fontName=FONT, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=sample["Title"], fontName=BOLD, fontSize=17, leading=21),
        "heading": ParagraphStyle("heading", parent=sample["Heading2"], fontName=BOLD, fontSize=12, leading=15),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "total": ParagraphStyle("total", parent=body, fontName=BOLD, fontSize=11, leading=14),
    }


def _table(rows: list[list], widths: list[float], *, numeric_from: int | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
    ]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _money(amount, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _hours(hours) -> str:
    return f"{hours:.2f}"


def _unpaid_rows(lines: list[UnpaidLine], cell: ParagraphStyle) -> list[list]:
    rows = [["Date", "Pay due by", "Kind", "Title", "Hours"]]
    for line in lines:
        title = escape(line.title) + (" <i>(requested by the program)</i>" if line.requested_by_program else "")
        rows.append(
            [
                line.occurred_on.isoformat(),
                line.due_on.isoformat(),
                line.kind,
                Paragraph(title, cell),
                _hours(line.hours),
            ]
        )
    return rows


def _received_rows(items: list[Received], currency: str) -> list[list]:
    rows = [["Date", "Kind", "For contributions", "Amount"]]
    rows += [
        [item.paid_on.isoformat(), item.kind, str(item.contributions), _money(item.amount, currency)] for item in items
    ]
    return rows


def statement_pdf(statement: Statement, *, name: str = "") -> bytes:
    """The statement as PDF bytes; `name` is printed instead of the handle when given."""
    _font()
    styles = _styles()
    body, cell = styles["body"], styles["cell"]
    program, currency = statement.program, statement.currency
    who = name or statement.artist_handle
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Statement of unpaid work: {program.name}",
        author=who,
        creator="Early-Access Tracker",
    )
    width = document.width
    story = [
        Paragraph(f"Statement of unpaid work: {escape(program.name)}", styles["title"]),
        Paragraph(
            f"Prepared by <b>{escape(who)}</b>, tester of {escape(program.name)} "
            f"({escape(program.organization.name)}). "
            f"As of {statement.as_of.isoformat()}; generated on "
            f"{statement.generated_at:%Y-%m-%d at %H:%M} UTC from the artist’s own ledger.",
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph("The program’s published terms", styles["heading"]),
        _table(
            [["Term", "As published"]]
            + [[Paragraph(escape(term.label), cell), Paragraph(escape(term.value), cell)] for term in statement.terms],
            [0.3 * width, 0.7 * width],
        ),
        Spacer(1, 4 * mm),
        Paragraph("Work due and unpaid", styles["heading"]),
        Paragraph(
            f"Work is due once the program’s payment terms ({program.payment_terms_days} days) have passed since it "
            "was done. It is unpaid while no cash or stipend has been allocated to it: credits, free access and "
            "gifts are not pay. Work that received some cash is not counted here, even if paid below the rate.",
            body,
        ),
        Spacer(1, 2 * mm),
    ]
    if statement.due_unpaid:
        widths = [0.14 * width, 0.14 * width, 0.17 * width, 0.43 * width, 0.12 * width]
        story.append(_table(_unpaid_rows(statement.due_unpaid, cell), widths, numeric_from=4))
    else:
        story.append(Paragraph("No work is due and unpaid.", body))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(f"Rate used: {escape(statement.rate_sentence)}", body),
        Paragraph(f"Total owed: {escape(statement.total_sentence)}", styles["total"]),
        Spacer(1, 2 * mm),
    ]
    if statement.not_yet_due:
        story.append(Paragraph(escape(statement.not_yet_due_sentence), body))
    story += [Spacer(1, 4 * mm), Paragraph("What the program paid", styles["heading"])]
    if statement.payments:
        widths = [0.2 * width, 0.25 * width, 0.25 * width, 0.3 * width]
        story.append(_table(_received_rows(statement.payments, currency), widths, numeric_from=2))
        story.append(Paragraph(f"Paid in cash or stipends: {_money(statement.cash_paid, currency)}", body))
    else:
        story.append(Paragraph("No cash or stipend recorded.", body))
    if statement.not_pay:
        widths = [0.2 * width, 0.25 * width, 0.25 * width, 0.3 * width]
        story += [
            Spacer(1, 3 * mm),
            Paragraph("Given, but not pay (credits, free access, gifts, other)", styles["heading"]),
            _table(_received_rows(statement.not_pay, currency), widths, numeric_from=2),
            Paragraph(f"Value given that is not pay: {_money(statement.other_value, currency)}", body),
        ]
    story += [Spacer(1, 6 * mm), Paragraph(escape(SENDS_NOTHING), body)]
    document.build(story)
    return buffer.getvalue()
