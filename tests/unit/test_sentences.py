from retrieval.sentences import split_sentences


def test_splits_plain_sentences():
    text = "Joint investigations help. They speed up the exchange of evidence between States."
    assert split_sentences(text) == [
        "Joint investigations help.",
        "They speed up the exchange of evidence between States.",
    ]


def test_abbreviations_do_not_end_sentences():
    text = ("See the Toolkit (United Nations publication, Sales No. E.08.V.14), p. 195, e.g. for "
            "model clauses. Article 19 applies mutatis mutandis to the Protocol.")
    parts = split_sentences(text)
    assert len(parts) == 2
    assert parts[0].endswith("for model clauses.")


def test_whitespace_is_collapsed_and_empty_text_gives_nothing():
    assert split_sentences("  \n ") == []
    assert split_sentences("One   line\nwrapped.") == ["One line wrapped."]
