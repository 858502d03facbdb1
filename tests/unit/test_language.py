from retrieval.language import looks_english


def test_english_questions_are_recognised():
    assert looks_english("What are the Palermo Protocols for?")
    assert looks_english("Does article 19 apply to trafficking in persons?")


def test_spanish_french_portuguese_questions_are_not_english():
    assert not looks_english("¿Qué es la Operación Webmaster?")
    assert not looks_english("Quels sont les avantages des procureurs spécialisés ?")
    assert not looks_english("Os tratados bilaterais também são usados para criar investigações conjuntas?")
