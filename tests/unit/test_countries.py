"""Country recognition in English, Spanish, French and Portuguese, codes and aliases."""

from __future__ import annotations

import pytest

from knowledge.countries import country_phrase, find_countries, resolve_country


def codes(text: str) -> list[str]:
    return [m.code for m in find_countries(text)]


@pytest.mark.parametrize(
    "text, code",
    [
        ("Who is the JIT expert in the Netherlands?", "NL"),
        ("¿Quién es el experto en los Países Bajos?", "NL"),
        ("Qui est l'expert aux Pays-Bas ?", "NL"),
        ("Quem é o perito nos Países Baixos?", "NL"),
        ("Holland", "NL"),
        ("Alemanha", "DE"),
        ("Allemagne", "DE"),
        ("Alemania", "DE"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Reino Unido", "GB"),
        ("USA", "US"),
        ("the US central authority", "US"),
        ("Estados Unidos", "US"),
        ("Bolivia", "BO"),
        ("Bolivia (Plurinational State of)", "BO"),
        ("Côte d'Ivoire", "CI"),
        ("a Dutch prosecutor", "NL"),
        ("the JIT expert in DE", "DE"),
        ("ZMB", "ZM"),
    ],
)
def test_country_names_codes_and_aliases(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize(
    "text",
    [
        "Can you help us?",  # 'us' is a pronoun
        "Is it AND or CAN?",  # ISO-3 codes only where they cannot be words
        "IT support for the team",
        "Who handles trafficking in Latin America?",  # a region, not the United States
        "¿Quién irá a la reunión?",  # 'irá' (Iran in Portuguese) and 'reunión' (Réunion)
    ],
)
def test_ordinary_words_are_not_countries(text):
    assert codes(text) == []


def test_longest_name_wins_and_each_country_once():
    assert codes("Papua New Guinea or Guinea, and Guinea again") == ["PG", "GN"]
    assert codes("Spain and Portugal") == ["ES", "PT"]


def test_resolve_country_for_options_and_files():
    assert resolve_country("de") == "DE"
    assert resolve_country("Alemania") == "DE"
    assert resolve_country("United States of America") == "US"
    assert resolve_country("Wakanda") is None


def test_names_in_sentences_take_the_article_where_english_does():
    assert country_phrase("NL") == "the Netherlands"
    assert country_phrase("ZM") == "Zambia"
