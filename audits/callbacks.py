"""Customer call-backs without the database: read a customer list, draw the
sample, compute the rates. Plain functions on plain values, so they are
tested by tables and behave the same on every database.

A customer list is CSV (UTF-8 with or without BOM, or GB18030) or XLSX with
a header row naming the columns name, contact, product and date of service,
in Chinese or English. Rows that cannot be used are kept with their row
number and the reasons (codes, labelled when shown), never dropped.
"""

import csv
import io
import random
import re
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

SAMPLE_MIN = 10
SAMPLE_MAX = 20
# A list far beyond any sample's needs is a mistake (a whole CRM export);
# the limit (the setting CUSTOMER_LIST_MAX_ROWS) keeps one upload from
# storing hundreds of thousands of rows. Blank rows count: a small file can
# hold a million of them.
DEFAULT_MAX_ROWS = 20000
MAX_CELL = 255
# Columns read from each row: the four named ones sit among the first few,
# and a row spread over 16,384 columns must not cost 16,384 cells.
MAX_COLUMNS = 26
# An XLSX is a zip: a few kilobytes can unpack to gigabytes of XML.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
# Files read within the request (well under a second); larger ones are read
# by a background task. An XLSX is measured unpacked.
INLINE_CSV_BYTES = 256 * 1024
INLINE_XLSX_UNPACKED = 1024 * 1024

COLUMNS = ("name", "contact", "product", "service_date")
# Header spellings, compared after normalising (case, spaces, underscores).
HEADERS = {
    "name": {"姓名", "name", "客户姓名", "customer name"},
    "contact": {"联系方式", "contact", "联系电话", "电话"},
    "product": {"产品", "product"},
    "service_date": {"服务日期", "service date", "date of service"},
}
HEADER_LABELS = {
    "name": "姓名 / name",
    "contact": "联系方式 / contact",
    "product": "产品 / product",
    "service_date": "服务日期 / service date",
}

PROBLEMS = {
    "name_missing": _("the name is missing"),
    "contact_missing": _("the contact is missing"),
    "date_missing": _("the date of service is missing"),
    "date_invalid": _("the date of service cannot be read"),
}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class CustomerListError(ValueError):
    """The file as a whole cannot be read (no header, unknown encoding, …)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedRow:
    row_number: int  # as a spreadsheet shows it: the header is row 1
    name: str
    contact: str
    product: str
    service_date: date | None
    service_date_text: str
    problems: tuple[str, ...] = ()

    @property
    def is_good(self):
        return not self.problems


@dataclass
class ParsedList:
    kind: str
    encoding: str
    rows: list[ParsedRow] = field(default_factory=list)

    @property
    def good(self):
        return [row for row in self.rows if row.is_good]

    @property
    def bad(self):
        return [row for row in self.rows if not row.is_good]


def _normalise_header(value):
    text = _cell_text(value).lower().replace("_", " ").replace("\u3000", " ")
    return " ".join(text.split())


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into a spreadsheet arrive as numbers.
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()[:MAX_CELL]


def parse_service_date(value):
    """A date from a cell: a spreadsheet date, or text such as 2026-01-05,
    2026/1/5, 2026.1.5, 2026年1月5日 or 20260105 (a time after it is ignored).
    None when it cannot be read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    head = text.split(" ")[0].split("T")[0]
    match = _DATE.match(text) or _DATE.match(head) or _COMPACT_DATE.match(head)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _header_map(cells):
    found = {}
    for index, cell in enumerate(cells):
        header = _normalise_header(cell)
        for column, spellings in HEADERS.items():
            if header in spellings and column not in found:
                found[column] = index
    missing = [column for column in COLUMNS if column not in found]
    if missing:
        raise CustomerListError(
            _("The first row must name the columns (%(headers)s); not found: %(missing)s.")
            % {
                "headers": ", ".join(HEADER_LABELS[c] for c in COLUMNS),
                "missing": ", ".join(HEADER_LABELS[c] for c in missing),
            }
        )
    return found


def parse_rows(records: Iterable[tuple[int, Sequence]], *, kind, encoding="", max_rows=DEFAULT_MAX_ROWS):
    """Rows of cells, each with its row number, into a ParsedList. The first
    row with any content is the header; wholly blank rows are skipped (they
    are no customer) but count towards `max_rows`."""
    parsed = ParsedList(kind=kind, encoding=encoding)
    columns = None
    for row_number, cells in records:
        if row_number > max_rows + 1:
            raise CustomerListError(
                _("The list has more than %(limit)s rows (blank rows count too); upload at most %(limit)s rows.")
                % {"limit": max_rows}
            )
        cells = list(cells[:MAX_COLUMNS])
        if not any(_cell_text(cell) for cell in cells):
            continue
        if columns is None:
            columns = _header_map(cells)
            continue

        values = {
            column: cells[index] if index < len(cells) else None for column, index in columns.items()
        }
        name, contact, product = (_cell_text(values[c]) for c in ("name", "contact", "product"))
        raw_date = values["service_date"]
        date_text = _cell_text(raw_date)
        service_date = parse_service_date(raw_date)
        problems = []
        if not name:
            problems.append("name_missing")
        if not contact:
            problems.append("contact_missing")
        if not date_text:
            problems.append("date_missing")
        elif service_date is None:
            problems.append("date_invalid")
        parsed.rows.append(
            ParsedRow(
                row_number=row_number,
                name=name,
                contact=contact,
                product=product,
                service_date=service_date,
                service_date_text=date_text,
                problems=tuple(problems),
            )
        )
    if columns is None:
        raise CustomerListError(_("The file has no rows."))
    if not parsed.rows:
        raise CustomerListError(_("The file has a header row but no customers."))
    return parsed


def decode_text(data: bytes):
    """(text, encoding): UTF-8 (a BOM is dropped) first, then GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise CustomerListError(_("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 and try again."))


def parse_csv(data: bytes, max_rows=DEFAULT_MAX_ROWS):
    text, encoding = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return parse_rows(enumerate(reader, start=1), kind="csv", encoding=encoding, max_rows=max_rows)
    except csv.Error as exc:
        raise CustomerListError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def xlsx_unpacked_size(data: bytes):
    """The bytes an XLSX's parts take unpacked (as its zip directory says)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CustomerListError(_("The workbook cannot be opened; save it again as XLSX.")) from exc


def check_size(data: bytes, kind: str):
    """Refuse a workbook that unpacks to more than any real list needs."""
    if kind == "xlsx" and xlsx_unpacked_size(data) > MAX_XLSX_UNPACKED:
        raise CustomerListError(
            _("The workbook unpacks to more than %(size)s MB; save only the customer list in it.")
            % {"size": MAX_XLSX_UNPACKED // (1024 * 1024)}
        )


def reads_slowly(data: bytes, kind: str):
    """Whether reading the file takes long enough to leave to a background task."""
    if kind == "xlsx":
        return xlsx_unpacked_size(data) > INLINE_XLSX_UNPACKED
    return len(data) > INLINE_CSV_BYTES


def parse_xlsx(data: bytes, max_rows=DEFAULT_MAX_ROWS):
    """The first worksheet of a workbook, with cell values (not formulas)."""
    import openpyxl  # imported here: only XLSX uploads need it

    check_size(data, "xlsx")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CustomerListError(_("The workbook cannot be opened; save it again as XLSX.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong size into the file; read what is there.
        sheet.reset_dimensions()
        return parse_rows(
            enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1),
            kind="xlsx",
            max_rows=max_rows,
        )
    except CustomerListError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read, in many ways
        raise CustomerListError(_("The workbook cannot be read; save it again as XLSX.")) from exc
    finally:
        workbook.close()


def parse_customer_list(data: bytes, kind: str, max_rows=DEFAULT_MAX_ROWS):
    """Parse a file whose kind (csv or xlsx) was decided by its bytes."""
    if kind == "xlsx":
        return parse_xlsx(data, max_rows)
    if kind == "csv":
        return parse_csv(data, max_rows)
    raise CustomerListError(_("Upload the customer list as CSV or XLSX."))


# --- the sample ----------------------------------------------------------------------


def new_seed():
    """A fresh seed for a sample: 63 random bits, so it fits a signed bigint
    on every database."""
    return secrets.randbits(63)


def sample_positions(positions: Sequence[int], size: int, seed: int):
    """The positions drawn, in the order drawn.

    `positions` are the good rows' positions in uploaded order; the draw is
    Python's `random.Random(seed).sample`, so the same seed and list give
    the same sample whatever stored them. Fewer rows than the size: all.
    """
    positions = list(positions)
    if positions != sorted(positions):
        raise ValueError("positions must be in uploaded order")
    return random.Random(seed).sample(positions, min(size, len(positions)))


# --- the rates -----------------------------------------------------------------------

HUNDREDTH = Decimal("0.01")


def percentage(part, whole):
    """part ÷ whole × 100, exact, rounded half-up to two decimals; None when
    whole is 0."""
    if not whole:
        return None
    hundredths = Fraction(part * 100 * 100, whole)
    # Half-up for the non-negative values here: floor(x + ½).
    rounded = (hundredths.numerator * 2 + hundredths.denominator) // (hundredths.denominator * 2)
    return (Decimal(rounded) / 100).quantize(HUNDREDTH)


@dataclass(frozen=True)
class Call:
    reached: bool
    satisfaction: int | None = None
    resolved_first_contact: bool | None = None


@dataclass(frozen=True)
class Rates:
    calls: int
    reached: int
    unreached: int
    satisfied: int  # reached customers rating 4 or 5
    resolved: int  # reached customers resolved at first contact
    satisfaction: Decimal | None
    first_time_resolution: Decimal | None


def callback_rates(calls: Iterable[Call]):
    """Satisfaction % = reached customers rating 4 or 5 ÷ reached customers;
    first-time resolution % = reached customers resolved at first contact ÷
    reached customers. Unreached calls are counted, not rated."""
    calls = list(calls)
    reached = [call for call in calls if call.reached]
    satisfied = sum(1 for call in reached if (call.satisfaction or 0) >= 4)
    resolved = sum(1 for call in reached if call.resolved_first_contact)
    return Rates(
        calls=len(calls),
        reached=len(reached),
        unreached=len(calls) - len(reached),
        satisfied=satisfied,
        resolved=resolved,
        satisfaction=percentage(satisfied, len(reached)),
        first_time_resolution=percentage(resolved, len(reached)),
    )
