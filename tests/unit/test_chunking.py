"""Chunking: citable passages with locators, page-break joins, footnotes, sections."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from knowledge.chunking import Chunk, chunk_text, guess_title

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "knowledge" / "samples"
BEST_PRACTICES = "best-practices-joint-investigations.md"
CONCEPT_NOTE = "cross-border-cooperation-concept-note.md"
SEEDS = {BEST_PRACTICES: "001_2d4781bda8442da0.txt", CONCEPT_NOTE: "000_37413812654f0fb4.txt"}


def _read(source: str, name: str) -> str:
    if source == "bundled":
        return (SAMPLES / name).read_text(encoding="utf-8")
    path = SHARED / "seeds" / SEEDS[name]
    if not path.exists():
        pytest.skip("../shared is not available")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def best_practices() -> list[Chunk]:
    return chunk_text(_read("bundled", BEST_PRACTICES))


@pytest.fixture(scope="module")
def concept_note() -> list[Chunk]:
    return chunk_text(_read("bundled", CONCEPT_NOTE))


def _norm(text: str) -> str:
    return " ".join(text.replace("*", "").split()).casefold()


def _by_locator(chunks: list[Chunk], locator: str) -> Chunk:
    found = [c for c in chunks if c.locator == locator]
    assert len(found) == 1, f"{locator}: {len(found)} chunks"
    return found[0]


def _containing(chunks: list[Chunk], phrase: str) -> list[Chunk]:
    return [c for c in chunks if _norm(phrase) in _norm(c.text)]


# --- the bundled sample knowledge base and the dev questions --------------------------


def _dev_expectations() -> list[tuple[str, str]]:
    path = ROOT / "tests" / "eval" / "qa-dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["id"], e) for r in rows if r.get("kind") in ("passage", "xling") for e in r["expect"]]


# Phrases from the dev set (and others cut by page breaks), so the check also runs without ../shared.
_CUT_PHRASES = [
    "in addition to designating law enforcement officers, often designate judges and prosecutors",
    "at the national, regional and international levels",
    "regulates, in its article 13, aspects including team composition",
    "The Framework for Action consists of a narrative part",
    "pursuant to multilateral or bilateral agreements?",
    "interviews with victims, including child victims, including, as appropriate",
    "combined with more effective coordination and exchange of information",
    "Another example relates to the way a court may consider credibility",
    "cannot be overstated",
    "for trafficking in persons in February 2020",
    "in which authorities from 20 countries across the Americas",
    "modus operandi and the particular forms of both crimes",
    "practical knowledge on building a case creates obstacles",
    "Article 19 is applicable, mutatis mutandis",
    "framework decision 2002/465/JHA on joint investigation teams",
]


@pytest.mark.parametrize("source", ["bundled", "shared"])
def test_every_expected_passage_lies_inside_one_chunk(source):
    chunks = chunk_text(_read(source, BEST_PRACTICES)) + chunk_text(_read(source, CONCEPT_NOTE))
    expectations = _dev_expectations() + [("cut", p) for p in _CUT_PHRASES]
    assert len(expectations) > len(_CUT_PHRASES) or not (SHARED / "data").exists()
    missing = [(qid, e) for qid, e in expectations if not _containing(chunks, e)]
    assert missing == []


def test_bundled_samples_are_the_seed_documents():
    for name, seed in SEEDS.items():
        path = SHARED / "seeds" / seed
        if not path.exists():
            pytest.skip("../shared is not available")
        assert (SAMPLES / name).read_bytes() == path.read_bytes()


def test_paragraph_cut_by_page_break_and_footnotes_is_one_chunk(best_practices):
    para = _by_locator(best_practices, "para. 20")
    assert "in addition to designating law enforcement officers, often designate judges and prosecutors" in para.text
    assert "Roger Britton" not in para.text  # footnote 9 sits between the two halves
    assert _by_locator(best_practices, "footnote 9").text.startswith("Roger Britton and others")
    note = _by_locator(best_practices, "footnote 13")
    assert note.kind == "footnote"
    assert note.text.startswith("United Kingdom of Great Britain and Northern Ireland")
    assert "The Framework for Action consists of a narrative part" in _by_locator(best_practices, "para. 65").text


def test_every_numbered_paragraph_appears_once_and_in_order(best_practices):
    numbers = [int(m.group(1)) for c in best_practices if (m := re.fullmatch(r"para\. (\d+)", c.locator))]
    assert numbers == list(range(1, 70))


def test_every_footnote_is_its_own_chunk(best_practices):
    notes = [c.locator for c in best_practices if c.kind == "footnote"]
    assert notes == ["footnote *"] + [f"footnote {n}" for n in range(1, 47)]
    assert _by_locator(best_practices, "footnote *").text == "CTOC/COP/WG.4/2020/1."
    # No footnote text leaked into a paragraph.
    assert not _containing([c for c in best_practices if c.kind != "footnote"], "Sales No. E.19.IV.2")


def test_no_chunk_starts_mid_sentence(best_practices, concept_note):
    for chunk in best_practices + concept_note:
        if chunk.kind != "footnote":
            assert not chunk.text[0].islower(), chunk


def test_items_and_bullets_have_their_own_locators(best_practices):
    item = _by_locator(best_practices, "para. 2 (c)")
    assert item.kind == "item"
    assert "non-governmental actors" in item.text
    assert "(iv) If not, how are these cases handled" in _by_locator(best_practices, "para. 2 (e)").text
    assert _by_locator(best_practices, "para. 2").text.endswith("deliberations:")
    bullet = _by_locator(best_practices, "para. 44, bullet 12")
    assert bullet.text.startswith("Lack of trust on the part of victims")
    assert bullet.section.endswith("Joint investigations › General")


def test_sections_follow_the_heading_hierarchy(best_practices):
    assert _by_locator(best_practices, "para. 9").section == (
        "III. Background › Joint investigations of trafficking in persons cases › Legal frameworks"
    )
    assert _by_locator(best_practices, "para. 36").section == (
        "III. Background › Specialized prosecutions › Advantages and related considerations"
    )
    assert _by_locator(best_practices, "para. 1").section == "I. Introduction"
    assert _by_locator(best_practices, "para. 66").section.startswith("VII. Key tools and recommended resources › 2.")


def test_chunk_sizes_and_clean_text(best_practices, concept_note):
    for chunks in (best_practices, concept_note):
        assert statistics.median(len(c.text) for c in chunks) < 1200
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
        for chunk in chunks:
            assert chunk.text.strip() and chunk.text == chunk.text.strip()
            assert "<sup>" not in chunk.text and "**" not in chunk.text and "\\" not in chunk.text
            assert "  " not in chunk.text and "\n" not in chunk.text
            assert chunk.kind in ("paragraph", "item", "footnote", "text")


def test_inline_footnote_marks_become_superscripts(best_practices):
    assert _by_locator(best_practices, "para. 10").text.endswith("this kind of cooperation.⁵")
    assert "mutatis mutandis, to the criminal offences" in _by_locator(best_practices, "para. 12").text


def test_chunking_is_deterministic():
    text = _read("bundled", BEST_PRACTICES)
    assert chunk_text(text) == chunk_text(text)


def test_concept_note_paragraphs_are_counted(concept_note):
    assert concept_note[0].locator == "paragraph 1"
    assert concept_note[0].text.startswith("The Protocols to the UN Convention")  # the title is not a passage
    note = _by_locator(concept_note, "footnote 1")
    assert note.text.startswith("https://www.unodc.org/documents/")
    joined = _containing(concept_note, "modus operandi and the particular forms of both crimes")
    assert len(joined) == 1 and joined[0].kind == "paragraph"
    questions = _containing(concept_note, "Participants will be invited to reflect on the following questions:")[0]
    assert re.fullmatch(r"paragraphs \d+–\d+", questions.locator)
    assert "Do all criminal justice actors have sufficient awareness" in questions.text


# --- small synthetic documents --------------------------------------------------------

_LONG = "This sentence about joint investigation teams is long enough to count as a paragraph. " * 2


def _numbered(*paragraphs: str) -> str:
    return "\n\n".join(f"{i}. {p}" for i, p in enumerate(paragraphs, 1))


def test_word_hyphenated_across_a_page_break_is_rejoined():
    text = _numbered(_LONG, "The team gathered evidence, for exam-", _LONG)
    text = text.replace("for exam-", "for exam-\n\n<sup>1</sup> A footnote.\n\nple in two States.")
    chunks = chunk_text(text)
    assert "for example in two States." in _by_locator(chunks, "para. 2").text
    assert _by_locator(chunks, "footnote 1").text == "A footnote."


def test_very_long_paragraph_is_split_at_sentence_ends():
    sentences = [f"Sentence number {i} explains one more aspect of the joint investigation team." for i in range(40)]
    text = _numbered(_LONG, " ".join(sentences), _LONG)
    chunks = chunk_text(text, max_chars=1000)
    parts = [c for c in chunks if c.locator.startswith("para. 2 (part ")]
    assert [c.locator for c in parts] == [f"para. 2 (part {i})" for i in range(1, len(parts) + 1)]
    assert len(parts) >= 3
    assert all(len(c.text) <= 1000 and c.text.endswith("team.") for c in parts)
    assert " ".join(c.text for c in parts) == " ".join(sentences)


def test_paragraph_somewhat_over_the_limit_stays_whole():
    body = " ".join(["Legal paragraphs are never cut in the middle of an argument."] * 25)  # ~1500 chars
    chunks = chunk_text(_numbered(_LONG, body, _LONG))
    assert _by_locator(chunks, "para. 2").text == body


def test_paragraph_with_items_is_split_only_when_too_long():
    items = "\n\n".join(f"({chr(97 + i)}) Item {i} on cooperation between the central authorities?" for i in range(4))
    small = chunk_text(_numbered(_LONG, "States may consider:\n\n" + items, _LONG))
    assert "(d) Item 3" in _by_locator(small, "para. 2").text
    split = chunk_text(_numbered(_LONG, "States may consider:\n\n" + items, _LONG), max_chars=150)
    assert _by_locator(split, "para. 2").text == "States may consider:"
    assert _by_locator(split, "para. 2 (c)").text.startswith("(c) Item 2")


def test_roman_numerals_and_letters_are_told_apart():
    letters = "\n\n".join(f"({c}) Question {c} on joint investigations, with some more words?" for c in "abcdefghij")
    romans = "(a) Main question on joint teams?\n\n(i) First sub-question on teams?\n\n(ii) Second sub-question?"
    chunks = chunk_text(_numbered(_LONG, "Consider:\n\n" + letters, "Also:\n\n" + romans), max_chars=60)
    locators = {c.locator for c in chunks}
    assert {"para. 2 (h)", "para. 2 (i)", "para. 2 (j)"} <= locators
    assert {"para. 3 (a) (i)", "para. 3 (a) (ii)"} <= locators


def test_bullets_of_a_split_paragraph_are_numbered():
    bullets = "\n".join(f"- Bullet {i} recommends more training for prosecutors and judges." for i in range(1, 6))
    chunks = chunk_text(_numbered(_LONG, "States may:\n\n" + bullets, _LONG), max_chars=120)
    assert _by_locator(chunks, "para. 2, bullet 4").text.startswith("Bullet 4 recommends")


def test_numbered_list_that_is_not_a_paragraph_sequence():
    text = (
        "# Guide\n\n## Setting up a team\n\nBefore you start, check the following:\n\n"
        "1. Is there a legal basis?\n\n2. Who leads the team?\n\n3. Which language is used?\n\n"
        "## Afterwards\n\nThen:\n\n1. Evaluate the team.\n\n2. Share lessons learned.\n"
    )
    chunks = chunk_text(text)
    assert not any(c.locator.startswith("para.") for c in chunks)
    first = _containing(chunks, "check the following:")[0]
    assert "1. Is there a legal basis? 2. Who leads the team? 3. Which language is used?" in first.text
    assert first.section == "Setting up a team" and first.locator == "paragraphs 1–4"
    assert "1. Evaluate the team." in _containing(chunks, "Then:")[0].text


def test_tight_markdown_list_is_never_paragraph_numbering():
    text = "Steps:\n\n" + "\n".join(f"{i}. {_LONG}" for i in range(1, 6))
    assert not any(c.locator.startswith("para.") for c in chunk_text(text))


def test_url_footnote_in_a_document_without_paragraph_numbers():
    text = "Title line\n\nThe Protocols¹ lay a framework for\n\n1. https://example.org/protocols.pdf\n\ncooperation between States.\n"
    chunks = chunk_text(text)
    assert [(c.kind, c.locator) for c in chunks] == [("paragraph", "paragraph 1"), ("footnote", "footnote 1")]
    assert chunks[0].text == "The Protocols¹ lay a framework for cooperation between States."


def test_markdown_emphasis_and_escapes_are_removed():
    text = (
        "A **bold** and *italic* and _under_ text on decision 2002/465/JHA, file_name_here and "
        "[www.unodc.org](http://www.unodc.org) and the agenda\\*.\n\n\\* CTOC/COP/WG.4/2020/1.\n"
    )
    chunks = chunk_text(text)
    assert chunks[0].text == (
        "A bold and italic and under text on decision 2002/465/JHA, file_name_here and www.unodc.org and the agenda*."
    )
    assert (chunks[1].kind, chunks[1].locator, chunks[1].text) == ("footnote", "footnote *", "CTOC/COP/WG.4/2020/1.")


def test_fenced_code_is_literal_text():
    chunks = chunk_text("# Guide\n\nRun this:\n\n```bash\n# not a heading\n\n- not a bullet\n```\n\nthen stop.\n")
    assert [c.text for c in chunks] == ["Run this:", "# not a heading - not a bullet", "then stop."]


def test_headings_only_set_sections_and_empty_text_gives_nothing():
    assert chunk_text("") == []
    assert chunk_text("# Title\n\n## Part\n") == []
    chunks = chunk_text("# Guide\n\n## Part one\n\nSome body text.\n")
    assert [(c.locator, c.section, c.text) for c in chunks] == [("paragraph 1", "Part one", "Some body text.")]


def test_guess_title():
    assert guess_title("# Conference\n\n### Best practices\n\n## Best practices\n\nText.") == "Best practices"
    assert guess_title("Distr.: General\n\n# **First heading**\n\n## Second\n") == "First heading"
    assert guess_title("\n\nInvestigation and prosecution in light of cooperation.\n\nBody text.") == (
        "Investigation and prosecution in light of cooperation"
    )
    assert guess_title("") == ""
    assert len(guess_title("word " * 100)) <= 151
    assert guess_title(_read("bundled", BEST_PRACTICES)) == (
        "Best practices in joint investigations and specialized prosecutions"
    )


def _convention(articles: int) -> str:
    sup = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    parts = ["# Convention on cooperation"]
    for n in range(1, articles + 1):
        mark = "".join(sup[d] for d in str(n))
        parts += [f"## Article {n}", f"States parties shall cooperate in case {n}.{mark} They inform each other.",
                  f"{mark} Note on case {n}."]
    return "\n\n".join(parts)


def test_footnotes_of_a_long_legal_text_are_placed_in_linear_work(monkeypatch):
    """Placing each footnote in its article cleaned every passage again per footnote: a document
    with four times the footnotes took ~10x the work (the 100-page PDF spent 2 s chunking)."""
    from knowledge import legal_units

    calls = 0
    real = legal_units.clean_inline

    def counting(text, *args, **kwargs):
        nonlocal calls
        calls += 1
        return real(text, *args, **kwargs)

    monkeypatch.setattr(legal_units, "clean_inline", counting)
    work = {}
    for articles in (20, 80):
        calls = 0
        chunks = chunk_text(_convention(articles))
        work[articles] = calls
        notes = [(c.locator, c.section) for c in chunks if c.kind == "footnote"]
        assert notes == [(f"footnote {n}", f"Article {n}") for n in range(1, articles + 1)]
    assert work[80] <= 5 * work[20], work
