"""The check every generated answer passes before it is shown."""

from __future__ import annotations

from retrieval.citation_check import (
    check_citations,
    complete_sentences,
    split_generated,
)


def test_sentences_carry_the_citations_written_before_or_after_their_full_stop():
    text = "JITs are set up by agreement [1]. Art. 19 applies to them. [2] Both say so [1, 3]."
    assert [(body, cited) for body, cited, _ in split_generated(text)] == [
        ("JITs are set up by agreement.", (1,)),
        ("Art. 19 applies to them.", (2,)),
        ("Both say so.", (1, 3)),
    ]


def test_a_fully_cited_answer_is_kept_as_written():
    check = check_citations("A JIT needs an agreement [1]. It lasts a fixed period [2].", {1, 2, 3})
    assert check.verdict == "kept"
    assert check.text() == "A JIT needs an agreement [1]. It lasts a fixed period [2]."


def test_invented_and_missing_citations_are_removed():
    text = "A JIT needs an agreement [1]. It lasts a period [2]. It is free [7]. Everyone agrees."
    check = check_citations(text, {1, 2, 3})
    assert check.verdict == "trimmed"
    assert check.text() == "A JIT needs an agreement [1]. It lasts a period [2]."
    assert check.validity == 0.5


def test_a_sentence_citing_one_real_and_one_invented_passage_is_removed():
    check = check_citations("Claim [1][9]. Other claim [2]. Third claim [3].", {1, 2, 3})
    assert check.text() == "Other claim [2]. Third claim [3]."
    assert check.removed == 1 and check.verdict == "trimmed"


def test_less_than_half_surviving_means_fallback():
    assert check_citations("One [1]. Two. Three.", {1}).verdict == "fallback"
    assert check_citations("No citations at all.", {1}).verdict == "fallback"
    assert check_citations("", {1}).verdict == "fallback"


def test_the_model_saying_the_passages_do_not_answer_is_an_abstention():
    assert check_citations("NOT_IN_PASSAGES", {1}).verdict == "not_answered"
    assert check_citations("**NOT_IN_PASSAGES.**", {1}).verdict == "not_answered"


def test_bullets_and_markers_on_their_own_line():
    check = check_citations("- First point [1]\n- Second point\n[2]", {1, 2})
    assert check.verdict == "kept"
    assert [s.cited for s in check.kept] == [(1,), (2,)]


def test_streaming_shows_only_finished_checked_sentences():
    assert complete_sentences("First claim [1]. Invented [8]. Uncited one. Still wri", {1}) == (
        "First claim [1]."
    )
    assert complete_sentences("First claim [1", {1}) == ""


def test_an_uncited_sentence_cannot_hide_behind_a_footnote_number_or_a_number():
    # a cited sentence must not carry an uncited one along with it
    for text in (
        "JITs are formed by agreement.¹⁰ They are always free of charge [1].",
        "JITs need an agreement under article 5. They are always free of charge [1].",
        "See no. They are always free of charge [1].",
    ):
        check = check_citations(text, {1})
        assert check.removed == 1, text
        assert check.text() == "They are always free of charge [1]."


def test_abbreviations_do_not_split_a_sentence():
    for text in ("Under art. 19 of the Convention, teams may be set up [1].",
                 "Dr. Rossi and J. Smith lead the team [1].",
                 "Several States, e.g. Italy, use them [1]."):
        assert check_citations(text, {1}).verdict == "kept", text
