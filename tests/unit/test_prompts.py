"""Versioned prompt files, loaded by name."""

from __future__ import annotations

import pytest

from prompts import PromptError, available, load_prompt


def test_grounded_answer_prompt_loads_with_its_version():
    prompt = load_prompt("grounded_answer")
    assert prompt.id == "grounded_answer.v3"
    assert "NOT_COVERED" in prompt.system  # v2: say what the passages do not cover
    assert prompt.placeholders == {"passages", "question"}
    assert "[1]" in prompt.system and "NOT_IN_PASSAGES" in prompt.system
    assert "language of the question" in prompt.system
    # the system message is fixed text: nothing in it is filled in per question
    assert "{" not in prompt.system


def test_newest_version_wins_and_a_version_can_be_asked_for(tmp_path):
    for version, word in ((1, "old"), (2, "new")):
        (tmp_path / f"greet.v{version}.md").write_text(
            f"---\nname: greet\nversion: {version}\n---\n## System\n{word}\n## User\nHi {{name}}\n"
        )
    assert available(tmp_path) == {"greet": [1, 2]}
    assert load_prompt("greet", directory=tmp_path).system == "new"
    assert load_prompt("greet.v1", directory=tmp_path).system == "old"
    with pytest.raises(PromptError, match="no version 3"):
        load_prompt("greet", 3, directory=tmp_path)
    with pytest.raises(PromptError, match="no prompt named"):
        load_prompt("farewell", directory=tmp_path)


def test_front_matter_must_match_the_file_name(tmp_path):
    (tmp_path / "greet.v2.md").write_text("---\nname: greet\nversion: 1\n---\n## System\nx\n## User\ny\n")
    with pytest.raises(PromptError, match="front matter says greet.v1"):
        load_prompt("greet", directory=tmp_path)


def test_render_fills_placeholders_once():
    prompt = load_prompt("grounded_answer")
    user = prompt.render(passages="text mentioning {question}", question="Q?")
    assert "text mentioning {question}" in user  # a value is never substituted again
    assert "<question>\nQ?\n</question>" in user
    with pytest.raises(PromptError, match="needs values for: question"):
        prompt.render(passages="p")
