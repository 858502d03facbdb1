"""Spanish, French and Portuguese legal units keep the locators a lawyer writes (#10).

Small inputs, one pattern each; the whole documents are in test_structure_intl_corpus.py.
Locators stay in the canonical short form whatever the language: "art. 5(2)", "art. 2(b)",
"art. 5 bis(1)", "art. 3, § 1", "art. 3, sole para.", "art. 2(I)", "disposición final".
"""

from __future__ import annotations

from knowledge.chunking import chunk_text
from knowledge.pdf_text import pages_to_markdown
from knowledge.unit_headings import unit_heading


def _locators(text: str) -> list[str]:
    return [c.locator for c in chunk_text(text)]


def _by_locator(text: str) -> dict:
    return {c.locator: c for c in chunk_text(text)}


SPANISH = """# Ley de prueba

## TÍTULO I. Disposiciones generales

### CAPÍTULO I. Objeto

#### Artículo 1.º Objeto.

1. Esta ley regula la cooperación penal internacional.

2. Se aplica sin perjuicio de los tratados vigentes.

#### Artículo 2. Definiciones.

A los efectos de esta ley se entenderá por:

a) «Autoridad central»: la unidad que recibe las solicitudes.

b) «Equipo conjunto»: el grupo creado por acuerdo entre Estados.

#### Artículo 5 bis. Fiscalía Europea.

1. La Fiscalía Europea podrá participar en el equipo.

2. El acuerdo deberá especificar:

a) el objeto del equipo;

b) el período por el que se constituye.

## Disposición adicional primera. Formación.

1. Se impartirán cursos anuales.

2. Los cursos serán también en línea.

## Disposición final. Entrada en vigor.

La ley entrará en vigor a los veinte días de su publicación.
"""


def test_spanish_articles_ordinals_bis_and_letters():
    chunks = _by_locator(SPANISH)
    assert list(chunks) == [
        "art. 1(1)", "art. 1(2)", "art. 2", "art. 2(a)", "art. 2(b)", "art. 5 bis(1)", "art. 5 bis(2)",
        "disposición adicional primera, para. 1", "disposición adicional primera, para. 2", "disposición final",
    ]
    # letters under a numbered apartado stay with it; the heading path names the título
    assert chunks["art. 5 bis(2)"].text.endswith("a) el objeto del equipo; b) el período por el que se constituye.")
    assert chunks["art. 1(1)"].section == "TÍTULO I. Disposiciones generales › CAPÍTULO I. Objeto › Artículo 1.º Objeto."


def test_disposiciones_close_the_titulo_and_are_cited_by_name():
    chunks = _by_locator(SPANISH)
    assert chunks["disposición final"].section == "Disposición final. Entrada en vigor."
    assert chunks["disposición final"].unit == "disposición final"


def test_french_article_premier_and_annexe():
    text = """# Convention de test

## TITRE I – Dispositions générales

#### Article premier – Objet

1. La présente Convention facilite l'entraide judiciaire.

#### Article 2 – Définitions

Aux fins de la présente Convention :

a) « autorité centrale » désigne le service désigné ;

b) « équipe commune » désigne une équipe créée par accord.

## Annexe – Contenu de l'accord

1. Les parties à l'accord.

2. La répartition des frais.
"""
    assert _locators(text) == ["art. 1(1)", "art. 2", "art. 2(a)", "art. 2(b)", "annex, para. 1", "annex, para. 2"]


BRAZILIAN = """# Lei nº 1, de 2 de janeiro de 2025

Dispõe sobre a cooperação.

## CAPÍTULO I

## DISPOSIÇÕES GERAIS

Art. 1º Esta Lei estabelece normas sobre a cooperação.

Art. 2º Para os fins desta Lei, considera-se:

I – autoridade central: o órgão que recebe os pedidos;

II – pedido: a solicitação de diligência, incluindo:

a) a data dos fatos;

b) a sua qualificação jurídica;

III – equipe conjunta: o grupo formado por acordo.

Parágrafo único. A promessa de reciprocidade não será exigida.

Art. 3º O acordo será firmado pelo Procurador-Geral.

§ 1º O acordo especificará:

I – a finalidade da equipe;

II – o prazo de funcionamento.

§ 2º O acordo será comunicado à autoridade central.

Art. 10. Esta Lei entra em vigor na data de sua publicação.
"""


def test_brazilian_inline_articles_paragraphs_incisos_and_alineas():
    chunks = _by_locator(BRAZILIAN)
    assert list(chunks) == [
        "preamble", "art. 1", "art. 2", "art. 2(I)", "art. 2(II)", "art. 2(III)", "art. 2, sole para.",
        "art. 3", "art. 3, § 1", "art. 3, § 2", "art. 10",
    ]
    assert chunks["art. 2(II)"].text == (
        "II – pedido: a solicitação de diligência, incluindo: a) a data dos fatos; b) a sua qualificação jurídica;"
    )
    # the incisos of a § stay with it: the § is what a lawyer cites
    assert chunks["art. 3, § 1"].text.endswith("I – a finalidade da equipe; II – o prazo de funcionamento.")
    assert chunks["art. 3"].section == "CAPÍTULO I – DISPOSIÇÕES GERAIS › Art. 3º"
    assert chunks["art. 3, § 2"].unit == "art. 3"


def test_brazilian_ordinals_typed_as_the_letter_o():
    text = """Lei de teste

Art. 1o Esta Lei estabelece normas sobre a cooperação.

Art. 2o O pedido será escrito.

§ 1o O pedido terá tradução.
"""
    assert _locators(text) == ["art. 1", "art. 2", "art. 2, § 1"]


def test_seccion_and_secao_group_articles_under_a_chapter():
    spanish = """# Ley de prueba

### CAPÍTULO II. Autoridades

#### Sección 1.ª Autoridad central

#### Artículo 3. Registro.

1. El Ministerio llevará un registro.

#### Artículo 4. Plazos.

La autoridad acusará recibo en cinco días.
"""
    chunks = _by_locator(spanish)
    assert list(chunks) == ["art. 3(1)", "art. 4"]
    assert chunks["art. 4"].section == "CAPÍTULO II. Autoridades › Sección 1.ª Autoridad central › Artículo 4. Plazos."
    brazilian = """# Lei de teste

## CAPÍTULO II

## DO PEDIDO

## Seção I

## Da Forma

Art. 4º O pedido será escrito.

Art. 5º O pedido será traduzido.
"""
    chunks = _by_locator(brazilian)
    assert list(chunks) == ["art. 4", "art. 5"]
    assert chunks["art. 5"].section == "CAPÍTULO II – DO PEDIDO › Seção I – Da Forma › Art. 5º"
    # as a PDF gives it: no heading marks at all
    flat = brazilian.replace("# ", "").replace("#", "")
    assert _by_locator(flat)["art. 5"].section == "CAPÍTULO II – DO PEDIDO › Seção I – Da Forma › Art. 5º"


def test_article_title_line_in_body_text_is_a_heading_not_a_passage():
    """A PDF gives "Artículo 2. Definiciones." as body text (it ends with a full stop)."""
    text = """Ley de prueba

Artículo 1. Objeto y ámbito de aplicación.

1. Esta ley regula la cooperación penal internacional.

Artículo 2. Comunicación directa. Las autoridades judiciales podrán dirigirse directamente a las de otro Estado.

Artículo 3. Los jueces informarán a la autoridad central en diez días.

Disposición final segunda. Entrada en vigor.

La ley entrará en vigor a los veinte días de su publicación.
"""
    chunks = _by_locator(text)
    assert list(chunks) == ["art. 1(1)", "art. 2", "art. 3", "disposición final segunda"]
    assert chunks["art. 1(1)"].section == "Artículo 1. Objeto y ámbito de aplicación"
    assert chunks["art. 2"].text == "Las autoridades judiciales podrán dirigirse directamente a las de otro Estado."
    assert chunks["art. 2"].section == "Artículo 2. Comunicación directa"
    # "Los jueces ..." is the article's text, not its title
    assert chunks["art. 3"].text == "Artículo 3. Los jueces informarán a la autoridad central en diez días."


def test_english_sentences_naming_an_article_open_no_article():
    text = """# Treaty

## Article 1 – Scope

1. This Treaty applies to serious crime.

2. Article 5 of the Convention applies mutatis mutandis.

## Article 2 – Definitions

Nothing in this Treaty affects other obligations.
"""
    assert _locators(text) == ["art. 1(1)", "art. 1(2)", "art. 2"]


def test_unit_headings_with_ordinals():
    assert unit_heading("Art. 1º").number == "1"
    assert unit_heading("Artículo 1.º Objeto").number == "1"
    assert unit_heading("Article premier – Objet").number == "1"
    assert unit_heading("Artículo 5 bis. Fiscalía Europea").number == "5 bis"
    assert unit_heading("§ 2º").kind == "§"
    head = unit_heading("Disposición adicional primera. Formación.")
    assert (head.kind, head.number) == ("provision", "disposición adicional primera")
    assert unit_heading("Article 1er – Objet").number == "1"
    assert unit_heading("Art. 1o").number == "1"  # "1º" with its º as a letter o
    assert unit_heading("§ 3o").number == "3"
    assert unit_heading("Article 12a").number == "12a"
    assert unit_heading("TÍTULO II. Equipos").kind == "title"
    assert unit_heading("CAPÍTULO III").kind == "chapter"


def test_pdf_lines_starting_letters_incisos_and_paragraph_signs_start_blocks():
    """A full-width line ending with ";" does not glue the next "a)", "II –" or "§ 2º" to it."""
    long = "x " * 40
    page = "\n".join([
        "Art. 4º O pedido de cooperação será formulado por escrito e conterá os seguintes dados:",
        f"I – a identificação da autoridade requerente {long}e do procedimento;",
        f"II – a descrição sumária dos fatos {long}e das provas, incluindo:",
        f"a) a data e o local em que ocorreram os fatos investigados {long}pela autoridade;",
        "b) a sua qualificação jurídica.",
        f"§ 1º O pedido será acompanhado de tradução {long}para a língua oficial do Estado requerido.",
        "Parágrafo único. Texto.",
    ])
    blocks = pages_to_markdown([page]).split("\n\n")[1:]
    assert [b.split()[0] for b in blocks] == ["Art.", "I", "II", "a)", "b)", "§", "Parágrafo"]
