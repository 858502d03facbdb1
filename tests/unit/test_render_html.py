"""Answers as Telegram HTML: everything escaped, long texts split where Telegram accepts them."""

from __future__ import annotations

import pytest

from bot.telegram.render_html import (
    answer_html,
    answer_messages,
    documents_messages,
    sources_messages,
    split_html,
    telegram_length,
)
from retrieval.answer import NOT_FOUND, Answer, Citation
from tests.integration.fake_bot_api import HTMLError, parse_telegram_html

NASTY = '<b>bold?</b> & <script>alert("x")</script> *stars* _under_ `code` [link](http://x) &amp; 1 < 2 > 0'


def citation(rank: int, text: str = "Integrated joint investigations are usually located in the State of operation.",
             title: str = "Best practices", locator: str = "para. 18") -> Citation:
    return Citation(rank=rank, document_id="doc", title=title, locator=locator, text=text, score=0.5,
                    passage_id=f"doc@v1#{rank}", version=1, section="Types")


def test_every_piece_of_user_and_document_text_is_escaped():
    answer = Answer(
        question=NASTY, answer=f"{NASTY} [1]", abstained=False,
        citations=[citation(1, text=NASTY, title=NASTY, locator="para. <1>")],
        sentences=[(NASTY, 1)],
        contacts=[{"name": NASTY, "authority": "A & B", "country": "IT", "email": "a<b>@x.it"}],
        contacts_note=NASTY,
    )
    for message in answer_messages(answer) + sources_messages(answer.citations):
        shown = parse_telegram_html(message)  # raises if Telegram would refuse it
        assert "<script>" not in message and "<b>bold?</b>" not in message
    shown = parse_telegram_html(answer_messages(answer)[0])
    assert NASTY in shown  # ...and the user sees exactly what was written
    assert "para. <1>" in shown


def test_abstention_says_plainly_it_is_not_covered():
    answer = Answer(question="How tall is Mount Everest?", answer=NOT_FOUND, abstained=True)
    [message] = answer_messages(answer)
    shown = parse_telegram_html(message)
    assert shown.startswith("Not in the knowledge base.")
    assert "could not find this in the knowledge base" in shown
    assert "Sources" not in shown


def test_sources_are_numbered_and_uncited_ones_marked_see_also():
    answer = Answer(question="q", answer="Quoted. [1]", abstained=False,
                    citations=[citation(1), citation(2, locator="footnote 13")], sentences=[("Quoted.", 1)])
    shown = parse_telegram_html(answer_html(answer))
    assert "[1] Best practices, para. 18\n" in shown
    assert "[2] Best practices, footnote 13 (see also)" in shown


def test_stale_contacts_are_flagged_check_before_use():
    answer = Answer(question="q", answer="", abstained=False, contacts=[
        {"name": "Maria Rossi", "role": "JIT expert", "country": "Italy", "email": "m@x.it",
         "last_verified": "2021-01-05", "stale": True},
        {"name": "Jan Novak", "country": "Czechia", "last_verified": "2025-03-01", "stale": False},
    ])
    shown = parse_telegram_html(answer_html(answer))
    assert "Contact points" in shown
    assert "Maria Rossi, JIT expert" in shown
    assert "last verified 2021-01-05: check before use" in shown
    assert shown.count("check before use") == 1


def test_short_text_is_one_message_unchanged():
    assert split_html("<b>Title</b>\n\nBody") == ["<b>Title</b>\n\nBody"]


def test_long_text_is_split_at_paragraph_boundaries():
    paragraphs = [f"<b>Paragraph {i}</b> " + "word " * 150 for i in range(20)]  # ~770 chars each
    text = "\n\n".join(p.strip() for p in paragraphs)
    chunks = split_html(text, limit=4096)
    assert len(chunks) > 1
    for chunk in chunks:
        assert telegram_length(chunk) <= 4096
        parse_telegram_html(chunk)
        assert chunk.startswith("<b>Paragraph") and chunk.endswith("word")  # whole paragraphs
    assert "\n\n".join(chunks) == text  # nothing lost, nothing added


def test_a_paragraph_longer_than_a_message_is_cut_between_words_with_tags_reopened():
    text = "<blockquote>" + " ".join(f"w{i}&amp;x" for i in range(3000)) + "</blockquote>"
    chunks = split_html(text, limit=1000)
    assert len(chunks) > 10
    words = []
    for chunk in chunks:
        assert telegram_length(chunk) <= 1000
        assert chunk.startswith("<blockquote>") and chunk.endswith("</blockquote>")
        words += parse_telegram_html(chunk).split()
    assert words == [f"w{i}&x" for i in range(3000)]  # no word or entity cut in two


def test_never_cuts_inside_a_tag_or_an_entity_even_without_spaces():
    text = "<i>" + ("&lt;" + "x" * 7) * 400 + "</i>"
    chunks = split_html(text, limit=500)
    assert "".join(parse_telegram_html(c) for c in chunks) == ("<" + "x" * 7) * 400


def test_length_is_counted_as_telegram_counts_it():
    text = "😀" * 3000  # 2 UTF-16 units each
    chunks = split_html(text)
    assert len(chunks) == 2 and all(telegram_length(c) <= 4096 for c in chunks)


def test_long_answer_with_many_contacts_is_split_into_valid_messages():
    contacts = [{"name": f"Prosecutor <{i}>", "role": "JIT expert", "authority": "Office & Co",
                 "country": "Italy", "email": f"p{i}@x.it", "phone": "+39 06 000"} for i in range(80)]
    answer = Answer(question="q", answer="Quoted sentence. [1]", abstained=False,
                    citations=[citation(1)], sentences=[("Quoted sentence.", 1)], contacts=contacts)
    chunks = answer_messages(answer)
    assert len(chunks) >= 2
    shown = [parse_telegram_html(c) for c in chunks]
    assert all(telegram_length(c) <= 4096 for c in chunks)
    assert sum(s.count("Prosecutor <") for s in shown) == 80
    assert "[1] Best practices, para. 18" in shown[-1]


def test_sources_show_full_passages_with_title_and_locator():
    long_text = "This passage is long. " * 400
    chunks = sources_messages([citation(1), citation(2, text=long_text, locator="para. 99")])
    shown = "".join(parse_telegram_html(c) for c in chunks)
    assert len(chunks) >= 3
    assert "[1] Best practices" in shown and "para. 18 · Types" in shown
    assert "[2] Best practices" in shown and "para. 99" in shown
    assert shown.count("This passage is long.") == 400


def test_documents_list_escapes_titles_and_links():
    docs = [{"id": "a", "title": "Guide <v2> & notes", "current_version": 2, "passages": 10,
             "published": "2020-06-26", "source_url": 'https://x.org/?a=1&b="2"'},
            {"id": "b", "title": "Concept note", "current_version": 1, "passages": 3, "source_url": "javascript:alert(1)"}]
    [message] = documents_messages(docs)
    shown = parse_telegram_html(message)
    assert "holds 2 documents" in shown and "Guide <v2> & notes" in shown
    assert "javascript:" not in message


def test_the_stand_in_refuses_what_telegram_refuses():
    for bad in ("a < b", "<b>open", "<script>x</script>", "AT&T", "<b><i>x</b></i>"):
        with pytest.raises(HTMLError):
            parse_telegram_html(bad)
