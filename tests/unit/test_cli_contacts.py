"""`jitbot contacts` through click's CliRunner, with a temporary data directory (no model)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.services import Services
from bot.settings import load_settings
from tests import contact_rows
from tests.contact_rows import HEADER, ROWS


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def run(data_dir, *args):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "contacts", *args])


def stored_ids(data_dir) -> list[str]:
    """What the directory holds, read without `list` (which loads the samples on a fresh dir)."""
    return [r["id"] for r in Services(load_settings(data_dir=data_dir)).directory.rows()]


def listed(data_dir) -> list[dict]:
    result = run(data_dir, "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_then_list_by_country_in_another_language(data_dir, tmp_path):
    path = contact_rows.write_csv(tmp_path / "directory.csv", bom=True, delimiter=";")
    result = run(data_dir, "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("added    cp-022  Pieter van Dalsum (NL, JITs Network)")
    assert "6 added, 0 changed, 0 unchanged, 0 removed" in result.stderr
    text = run(data_dir, "list", "--country", "Alemanha").stdout
    assert "[cp-029] Katrin Oberländer" in text and "van Dalsum" not in text
    assert [c["id"] for c in json.loads(run(data_dir, "list", "--network", "WACAP", "--json").stdout)] == ["cp-010"]


def test_one_bad_row_and_nothing_is_applied(data_dir, tmp_path):
    run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "first.csv", ROWS[:2])))
    rows = [list(r) for r in ROWS]
    rows[2][HEADER.index("email")] = "not-an-email"
    rows[3][HEADER.index("country_code")] = "BRA"
    result = run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 1
    assert "row 4, email: 'not-an-email' is not an email address" in result.stderr
    assert "row 5, country_code: 'BRA' is not an ISO 3166 alpha-2 country code" in result.stderr
    assert "2 of 6 rows are invalid; nothing was changed" in result.stderr
    assert [c["id"] for c in listed(data_dir)] == ["cp-010", "cp-022"]


def test_skip_invalid_applies_the_valid_rows_and_lists_the_rest(data_dir, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][HEADER.index("updated")] = "yesterday"
    result = run(data_dir, "import", "--skip-invalid", str(contact_rows.write_csv(tmp_path / "d.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "row 4, last_verified: 'yesterday' is not a date written YYYY-MM-DD" in result.stderr
    assert "skipped 1 invalid rows" in result.stderr
    assert "cp-011" not in [c["id"] for c in listed(data_dir)] and len(listed(data_dir)) == 5


def test_unknown_column_stops_the_import_even_with_skip_invalid(data_dir, tmp_path):
    path = contact_rows.write_csv(tmp_path / "d.csv", [r + ["x"] for r in ROWS], HEADER + ["Fax number"])
    result = run(data_dir, "import", "--skip-invalid", str(path))
    assert result.exit_code == 1
    assert "row 1, Fax number: unknown column" in result.stderr
    assert stored_ids(data_dir) == []


def test_reimport_reports_changes_and_removes_only_with_replace(data_dir, tmp_path):
    run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "v1.csv")))
    rows = [list(r) for r in ROWS[1:]]
    rows[0][HEADER.index("phone")] = "+260 555 0999"
    path = contact_rows.write_csv(tmp_path / "v2.csv", rows)
    again = run(data_dir, "import", str(path))
    assert again.exit_code == 0
    assert again.stdout == "changed  cp-010  Mwila Chanda Phiri: phone\n"
    assert "1 contact points on file are not in v2.csv; --replace removes them" in again.stderr
    dry = run(data_dir, "import", "--replace", "--dry-run", str(path))
    assert dry.stdout == "removed  cp-022\n" and "dry run: nothing was changed" in dry.stderr
    assert len(listed(data_dir)) == 6
    replaced = run(data_dir, "import", "--replace", str(path))
    assert "0 added, 0 changed, 5 unchanged, 1 removed" in replaced.stderr
    assert "cp-022" not in [c["id"] for c in listed(data_dir)]


@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_export_and_reimport_round_trip(data_dir, tmp_path, name):
    run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "d.csv")))
    before = listed(data_dir)
    exported = run(data_dir, "export", "-o", str(tmp_path / name))
    assert exported.exit_code == 0 and "exported 6 contact points" in exported.stderr
    other = tmp_path / "other-data"
    result = run(other, "import", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert listed(other) == before
    assert "0 changed, 6 unchanged" in run(data_dir, "import", str(tmp_path / name)).stderr


def test_export_to_stdout_is_csv(data_dir, tmp_path):
    run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "d.csv")))
    lines = run(data_dir, "export").stdout.splitlines()
    assert lines[0].startswith("id,network,country_code,country,")
    assert len(lines) == 7


def test_find_by_country_name_and_no_entry(data_dir, tmp_path):
    run(data_dir, "import", str(contact_rows.write_csv(tmp_path / "d.csv")))
    found = run(data_dir, "find", "Zâmbia")
    assert found.stdout.splitlines()[0] == "2 contact points on file for Zambia."
    missing = json.loads(run(data_dir, "find", "--json", "Bhutan").stdout)
    assert missing["contacts"] == [] and missing["note"] == "No contact point on file for Bhutan."


@pytest.mark.parametrize(
    "args, message",
    [
        (["import", "missing.csv"], "missing.csv: no such file"),
        (["list", "--country", "Wakanda"], "'Wakanda' is not a country code or name I know"),
    ],
)
def test_bad_input_gets_one_clear_line(data_dir, tmp_path, args, message):
    result = run(data_dir, *[str(tmp_path / a) if a.endswith(".csv") else a for a in args])
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output
