"""Samples are an explicit choice: fictional contact points never reach a new deployment."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main


def run(tmp_path, *args, samples: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args], env={"JITBOT_SAMPLES": samples})


def test_by_default_an_empty_knowledge_base_stays_empty_and_says_how_to_fill_it(tmp_path):
    result = run(tmp_path, "kb", "list", samples="off")
    assert result.exit_code == 0, result.output
    assert "jitbot kb add" in result.output and "jitbot kb samples" in result.output
    assert "best-practices" not in result.output
    contacts = run(tmp_path, "contacts", "find", "Zambia", samples="off")
    assert "Zambia" not in contacts.output.replace("No contact point on file for Zambia", "")


def test_kb_samples_loads_them_on_demand_and_kb_list_says_they_are_fictional(tmp_path):
    loaded = run(tmp_path, "kb", "samples", samples="off")
    assert loaded.exit_code == 0, loaded.output
    listed = run(tmp_path, "kb", "list", samples="off")
    assert "best-practices-joint-investigations" in listed.output
    assert "FICTIONAL" in listed.output


def test_with_samples_on_the_first_command_loads_them(tmp_path):
    result = run(tmp_path, "kb", "list", samples="on")
    assert "best-practices-joint-investigations" in result.output and "FICTIONAL" in result.output
