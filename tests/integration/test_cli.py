"""`jitbot` through click's CliRunner with a temporary data directory (real model, real Chroma)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data directory initialised from the bundled samples by a first `ask`."""
    path = tmp_path_factory.mktemp("data")
    result = CliRunner().invoke(
        main, ["--data-dir", str(path), "ask", "--json", "What are proactive joint investigations?"]
    )
    assert result.exit_code == 0, result.output
    return path


def run(data_dir, *args, input=None):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], input=input)


def test_first_command_loads_the_samples_and_says_so(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "kb", "list"])
    assert result.exit_code == 0
    assert "loading the bundled sample knowledge base" in result.stderr
    assert "Best practices in joint investigations" in result.stdout
    again = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "kb", "list"])
    assert "loading" not in again.stderr


def test_ask_json_shape(data_dir):
    result = run(data_dir, "ask", "--json", "Where are integrated joint investigations usually located?")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["abstained"] is False
    assert data["contacts"] == []
    first = data["citations"][0]
    assert first["rank"] == 1 and first["locator"].startswith("para.")
    assert "usually located in the State of operation" in " ".join(c["text"] for c in data["citations"])


def test_ask_plain_prints_sources(data_dir):
    result = run(data_dir, "ask", "Does article 19 apply to the Trafficking in Persons Protocol?")
    assert result.exit_code == 0
    assert "Sources:" in result.stdout
    assert "[1] Best practices in joint investigations" in result.stdout


def test_ask_stdin_one_json_line_per_question(data_dir):
    questions = "What is Operation Webmaster?\n\nHow tall is Mount Everest?\n"
    result = run(data_dir, "ask", "--json", "-", input=questions)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == ["What is Operation Webmaster?", "How tall is Mount Everest?"]
    assert lines[0]["abstained"] is False and lines[1]["abstained"] is True


def test_too_long_question_is_refused(data_dir):
    result = run(data_dir, "ask", "x " * 3000)
    assert result.exit_code == 1
    assert "characters long" in result.stderr


def test_every_ask_is_logged_once_as_the_cli_front_end(data_dir):
    def logged() -> dict[int, dict]:
        return {r["id"]: r for r in json.loads(run(data_dir, "logs", "list", "--json", "--limit", "1000").stdout)}

    before = logged()
    result = run(data_dir, "ask", "--json", "-", input="What is Operation Webmaster?\n\n" + "x " * 3000 + "\n")
    assert result.exit_code == 0
    new = [row for query_id, row in sorted(logged().items()) if query_id not in before]
    assert [(r["question"][:28], r["error"] is None) for r in new] == [
        ("What is Operation Webmaster?", True), ("x x x x x x x x x x x x x x ", False)]
    assert all((r["front_end"], r["chat_type"], r["role"], r["user"]) == ("cli", "cli", "operator", None) for r in new)
    assert new[0]["citations"] and new[0]["citations"][0]["locator"]


def test_bad_files_fail_with_one_line_and_change_nothing(data_dir, tmp_path):
    before = run(data_dir, "kb", "list", "--json").stdout
    empty = tmp_path / "empty.md"
    empty.write_text("")
    fake_pdf = tmp_path / "scan.pdf"
    fake_pdf.write_text("this is not a pdf")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    for path in (empty, fake_pdf, exe, tmp_path / "missing.docx"):
        result = run(data_dir, "kb", "add", str(path))
        assert result.exit_code == 1, path
        error_lines = [line for line in result.stderr.splitlines() if line.startswith("failed")]
        assert len(error_lines) == 1 and path.name in error_lines[0]
    assert run(data_dir, "kb", "list", "--json").stdout == before


def test_add_a_new_document_then_readd_it(data_dir, tmp_path):
    guide = tmp_path / "extradition-guide.md"
    guide.write_text(
        "# Extradition guide\n\n"
        "1. Extradition requests between States parties are transmitted through the central "
        "authorities designated under article 16, which check that the request is complete "
        "before forwarding it to the competent judicial authority.\n\n"
        "2. Dual criminality is deemed fulfilled for trafficking offences covered by the "
        "Protocol, since every State party has criminalized the conduct it describes in its "
        "domestic law.\n\n"
        "3. A requested State that refuses extradition on the ground of nationality submits the "
        "case to its own competent authorities for prosecution without undue delay, as the "
        "principle aut dedere aut judicare requires.\n",
        encoding="utf-8",
    )
    first = run(data_dir, "kb", "add", str(guide), "--tags", "extradition")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("added")
    second = run(data_dir, "kb", "add", str(guide))
    assert second.stdout.startswith("unchanged")
    listed = run(data_dir, "kb", "list").stdout
    assert "Extradition guide" in listed
    answer = json.loads(run(data_dir, "ask", "--json", "How are extradition requests transmitted?").stdout)
    assert answer["citations"][0]["title"] == "Extradition guide"
    assert answer["citations"][0]["locator"] == "para. 1"


def test_ask_lang_words_the_fixed_texts_and_keeps_the_quote(data_dir):
    result = run(data_dir, "ask", "--lang", "es", "Where are integrated joint investigations usually located?")
    assert result.exit_code == 0
    assert "usually located in the State of operation" in result.stdout  # quoted verbatim, in English
    assert "Fuentes:" in result.stdout and "Sources:" not in result.stdout


def test_ask_answers_a_french_question_in_french_unless_told_otherwise(data_dir):
    question = "Quelle est la hauteur du mont Everest ?"
    result = run(data_dir, "ask", question)
    assert result.exit_code == 0
    assert result.stdout.startswith("Je n'ai pas trouvé cela dans la base de connaissances.")
    assert run(data_dir, "ask", "--lang", "en", question).stdout.startswith("I could not find this")
