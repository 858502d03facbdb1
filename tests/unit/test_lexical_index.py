from retrieval.lexical_index import LexicalIndex

TEXTS = {
    "p1": "Joint investigation teams are set up by agreement between two States.",
    "p2": "Specialized prosecutors act as a knowledge hub for trafficking cases.",
    "p3": "Victims may distrust the authorities of their home country.",
}


def build(path=None):
    index = LexicalIndex(path)
    index.build(list(TEXTS), list(TEXTS.values()))
    return index


def test_stemmed_search_finds_inflected_forms():
    index = build()
    hits = index.search("investigating with a joint team", 3)
    assert hits[0][0] == "p1"
    assert index.search("prosecutor specialised hubs", 3)[0][0] == "p2"


def test_no_shared_term_gives_no_hits():
    assert build().search("Mount Everest height", 3) == []


def test_persisted_index_reloads_and_rebuilds(tmp_path):
    build(tmp_path / "bm25")
    reloaded = LexicalIndex(tmp_path / "bm25")
    assert len(reloaded) == 3
    assert reloaded.search("victims distrust", 1)[0][0] == "p3"
    reloaded.build(["only"], ["a single passage about extradition"])
    again = LexicalIndex(tmp_path / "bm25")
    assert again.ids == ["only"]
    assert not (tmp_path / "bm25.tmp").exists() and not (tmp_path / "bm25.old").exists()


def test_term_coverage_weights_rare_terms():
    index = build()
    # "webmaster" never occurs in the corpus: covering the common words only is not enough
    assert index.term_coverage("victims home country", TEXTS["p3"]) == 1.0
    assert index.term_coverage("Everest height", TEXTS["p3"]) == 0.0
    partial = index.term_coverage("victims webmaster", TEXTS["p3"])
    assert 0.0 < partial < 1.0


def test_empty_index_answers_nothing():
    index = LexicalIndex(None)
    index.build([], [])
    assert index.search("anything", 5) == []
