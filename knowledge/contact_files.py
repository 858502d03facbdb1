"""Reading and writing directory files: CSV (UTF-8, with or without BOM, comma or semicolon)
and Excel .xlsx, with every problem reported by row and column before anything is stored.

Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import pycountry

from .contacts import FIELDS, REQUIRED
from .countries import country_name, is_country_code, resolve_country
from .spreadsheet_cells import neutralised, restored, write_text_as_text

#: Other spellings of our column names seen in network exports ("updated" is last verified).
HEADER_ALIASES = {
    "updated": "last_verified", "last_verified_date": "last_verified", "verified": "last_verified",
    "last_updated": "last_verified", "iso": "country_code", "code": "country_code",
    "country_name": "country", "e_mail": "email", "mail": "email", "telephone": "phone",
    "tel": "phone", "urgent": "urgent_line", "urgent_phone": "urgent_line",
    "channel": "secure_channel", "language": "languages", "topic": "topics",
}

_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s()./-]{6,}$")
_ID = re.compile(r"^[A-Za-z0-9._-]+$")


class ContactFileError(ValueError):
    """A file that cannot be read as a directory at all (format, encoding, empty)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def line(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class CheckedFile:
    """Valid records (canonical columns only) and the problems of the other rows."""

    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)
    rows: int = 0

    @property
    def invalid_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row > 1})

    @property
    def header_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row == 1]


# --- reading ----------------------------------------------------------------------------
def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header cells and (row number, cells) for each non-empty row of a .csv or .xlsx file."""
    path = Path(path)
    if not path.is_file():
        raise ContactFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path)
    elif suffix == ".xls":
        raise ContactFileError(f"{path.name}: old .xls workbooks are not supported; save it as .xlsx or CSV")
    else:
        raise ContactFileError(f"{path.name}: expected a .csv or .xlsx file")
    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(table, start=1)]
    numbered = [(n, cells) for n, cells in numbered if any(cells)]
    if not numbered:
        raise ContactFileError(f"{path.name}: the file is empty")
    (_, header), rows = numbered[0], numbered[1:]
    while header and not header[-1]:
        header.pop()
    return header, rows


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContactFileError(
            f"{path.name}: not UTF-8 text; in Excel use 'Save as: CSV UTF-8', or save as .xlsx"
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[restored(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ContactFileError(f"{path.name}: not a readable .xlsx workbook") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row_number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for column_number, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    # a formula's cached value is not data we can trust (or may be empty)
                    raise ContactFileError(
                        f"{path.name}: row {row_number}, column {get_column_letter(column_number)}"
                        f"{_header_name(table, column_number)}: holds a formula; type the value instead"
                    )
                cells.append(_cell_text(cell.value))
            table.append(cells)
        return table
    finally:
        workbook.close()


def _header_name(table: list[list[str]], column_number: int) -> str:
    if table and column_number <= len(table[0]) and table[0][column_number - 1]:
        return f" ({table[0][column_number - 1]})"
    return ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restored(str(value))


# --- checking ---------------------------------------------------------------------------
def canonical_column(name: str) -> str:
    key = re.sub(r"[\s-]+", "_", name.strip().lower())
    return HEADER_ALIASES.get(key, key)


def check_rows(
    header: list[str], rows: Iterable[tuple[int, list[str]]], *, today: date
) -> CheckedFile:
    """Validate every row; a row with any problem contributes no record."""
    checked = CheckedFile()
    columns = [canonical_column(h) for h in header]
    for position, (raw, column) in enumerate(zip(header, columns), start=1):
        if not raw:
            checked.problems.append(Problem(1, f"column {position}", "has no name"))
        elif column not in FIELDS:
            checked.problems.append(
                Problem(1, raw, f"unknown column; known columns: {', '.join(FIELDS)} (or 'updated')")
            )
        elif columns.index(column) != position - 1:
            checked.problems.append(Problem(1, raw, "appears twice"))
    for required in REQUIRED:
        if required not in columns:
            checked.problems.append(Problem(1, required, "required column is missing"))
    first_row_of: dict[str, int] = {}
    for number, cells in rows:
        checked.rows += 1
        if len(cells) > len(header) and any(cells[len(header):]):
            checked.problems.append(
                Problem(number, "", f"{len(cells)} cells but the header has {len(header)} columns")
            )
            continue
        values = {c: v for c, v in zip(columns, cells) if c in FIELDS}
        record, problems = _check_record(values, number, today)
        contact_id = values.get("id", "")
        if contact_id in first_row_of:
            problems.append(Problem(number, "id", f"duplicate id {contact_id} (also on row {first_row_of[contact_id]})"))
        elif contact_id:
            first_row_of[contact_id] = number
        if problems:
            checked.problems.extend(problems)
            if contact_id:
                checked.invalid_ids.add(contact_id)
        else:
            checked.records.append(record)
    if checked.header_problems:
        checked.records = []
    return checked


def _check_record(values: dict[str, str], row: int, today: date) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(row, column, message))

    for column in REQUIRED:
        if column in values and not values[column]:
            problem(column, "required value is empty")
    record = dict(values)
    if record.get("id") and not _ID.match(record["id"]):
        problem("id", f"'{record['id']}' may only contain letters, digits, '.', '_' and '-'")
    code = record.get("country_code", "").upper()
    if code:
        if not is_country_code(code):
            problem("country_code", f"'{record['country_code']}' is not an ISO 3166 alpha-2 country code")
        else:
            record["country_code"] = code
            named = record.get("country", "")
            resolved = resolve_country(named) if named else code
            if resolved and resolved != code:
                problem("country", f"'{named}' is {country_name(resolved)} ({resolved}), not {code}")
            record["country"] = named or country_name(code)
    email = record.get("email", "")
    if email and not _EMAIL.match(email):
        problem("email", f"'{email}' is not an email address")
    for column in ("phone", "urgent_line"):
        if record.get(column) and not _PHONE.match(record[column]):
            problem(column, f"'{record[column]}' is not a phone number")
    verified = record.get("last_verified", "")
    if verified:
        try:
            day = date.fromisoformat(verified)
        except ValueError:
            problem("last_verified", f"'{verified}' is not a date written YYYY-MM-DD")
        else:
            record["last_verified"] = day.isoformat()
            if day > today:
                problem("last_verified", f"{verified} is in the future")
    if record.get("languages"):
        codes = [c.strip().lower() for c in re.split(r"[;,]", record["languages"]) if c.strip()]
        for unknown in [c for c in codes if not _is_language_code(c)]:
            hint = _language_code_for(unknown)
            problem("languages", f"'{unknown}' is not an ISO 639 language code"
                    + (f" (did you mean '{hint}'?)" if hint else ""))
        record["languages"] = ";".join(codes)
    if record.get("topics"):
        record["topics"] = ";".join(t.strip() for t in re.split(r";", record["topics"]) if t.strip())
    return record, problems


def _is_language_code(code: str) -> bool:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


def _language_code_for(name: str) -> str | None:
    try:
        language = pycountry.languages.lookup(name)
    except LookupError:
        return None
    return getattr(language, "alpha_2", None) or language.alpha_3


def check_file(path: Path, *, today: date) -> CheckedFile:
    header, rows = read_table(path)
    return check_rows(header, rows, today=today)


# --- writing ----------------------------------------------------------------------------
def write_csv(rows: Iterable[dict], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([neutralised(row.get(name, "")) for name in FIELDS])


def write_xlsx(rows: Iterable[dict], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "contacts"
    sheet.append(list(FIELDS))
    for row in rows:
        values: list[object] = [row.get(name, "") for name in FIELDS]
        index = FIELDS.index("last_verified")
        if values[index]:
            values[index] = date.fromisoformat(values[index])  # a real date cell in Excel
        sheet.append(values)
        if values[index]:
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = "yyyy-mm-dd"
        write_text_as_text(sheet[sheet.max_row])
    sheet.freeze_panes = "A2"
    workbook.save(path)
