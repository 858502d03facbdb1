"""Spreadsheet cells that cannot run as formulas (OWASP CSV-injection rule).

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (also after leading spaces), or with a
tab or carriage return, is read as a formula by Excel and LibreOffice. Exports prefix such a
cell with an apostrophe, which spreadsheets show as text; imports remove that one apostrophe
again, so an export is still re-importable as is.
"""

from __future__ import annotations

FORMULA_LEADS = ("=", "+", "-", "@")
CONTROL_LEADS = ("\t", "\r")


def is_formula_like(text: str) -> bool:
    if not text:
        return False
    if text.startswith(CONTROL_LEADS):
        return True
    return text.lstrip(" \t\r\n").startswith(FORMULA_LEADS)


def neutralised(value: object) -> object:
    """The value to write in an exported cell: text that could run as a formula gets a leading '."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def restored(text: str) -> str:
    """Undo :func:`neutralised` on an imported cell (only where the export would have added it)."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def write_text_as_text(cells) -> None:
    """Mark the text cells of an openpyxl row as strings: openpyxl would store "=..." as a formula.

    A string cell in an .xlsx file is never evaluated, so it needs no apostrophe (a phone
    number "+31 ..." stays as it is).
    """
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
