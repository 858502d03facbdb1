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


def test_a_footnote_marker_after_the_full_stop_still_ends_the_sentence():
    # Seen in the quick start: the sentence naming the integrated model was quoted glued to
    # the next one, because its full stop was followed by a footnote number.
    text = ('The second model is the so-called "integrated model," whereby a mixed team is '
            "formed.¹⁰ Once the need and legal basis are established, terms are negotiated.")
    assert split_sentences(text) == [
        'The second model is the so-called "integrated model," whereby a mixed team is formed.¹⁰',
        "Once the need and legal basis are established, terms are negotiated.",
    ]


def test_a_footnote_marker_inside_a_sentence_does_not_end_it():
    text = "The model,¹⁰ Which States adopted widely, is described in the guide."
    assert split_sentences(text) == [text]
