"""Units of Spanish, French and Portuguese laws that English-style headings do not cover.

"Artículo 1.º", "Art. 1º" (ordinals), Brazilian articles that open their own text ("Art. 1º
Esta Lei ..."), their "§ 1º" and "Parágrafo único", incisos "I –", and Spanish disposiciones
("Disposición adicional primera"). `knowledge.legal_units` decides the locators; this module
only recognises the shapes.
"""

from __future__ import annotations

import re

from .markdown_blocks import Block, clean_inline

# "Artículo 1.º", "Art. 1º", "§ 2º", "Article 1er": an ordinal, not part of the number
ORDINAL = r"(?:\.?\s?[ºª°]|er(?=\s))?"
# "Disposición adicional primera", "Disposición final": cited by their own name
PROVISION = re.compile(
    r"^disposici[oó]n\s+(?:adicional|transitoria|derogatoria|final)"
    r"(?:\s+(?:única|unica|primera|segunda|tercera|cuarta|quinta|sexta|séptima|octava|novena|décima))?"
    r"(?=$|[\s.:–—-])",
    re.I,
)
# In a law made of articles, "Sección 1.ª" / "Seção I" groups articles under a chapter: not a unit
DIVISION = re.compile(r"^(?:sección|seccion|seção|secao)\s+(\d+|[IVXLC]+)(?=$|[\s.:–—ºª-])", re.I)
# A Brazilian article starts its own text: "Art. 1º Esta Lei ...", "Art. 10. As informações ..."
INLINE_ARTICLE = re.compile(
    r"^(?:art\.|artigo|artículo|articulo|article)\s+(\d+(?:\s(?:bis|ter|quater))?)"
    r"(?:\.?\s?[ºª°]\.?|(?-i:o)(?=\s)|\.)\s*(?:[–—-]\s*)?(?=[A-ZÀ-Ý«\"“(])",  # "Art. 1o": º became o
    re.I,
)
# Inside an article: "§ 1º O pedido ...", "Parágrafo único. ..." (Brazil): the article's paragraphs
INLINE_PARAGRAPH_SIGN = re.compile(rf"^§\s*(\d+){ORDINAL}\.?\s*(?:[–—-]\s*)?(?=\S)")
SOLE_PARAGRAPH = re.compile(r"^parágrafo\s+único\b", re.I)


def inline_article(block: Block) -> bool:
    return block.kind == "body" and block.entry == "plain" and bool(INLINE_ARTICLE.match(clean_inline(block.text)))


# words that start a sentence of an article's text ("Art. 13. Esta Lei entra em vigor..."),
# never its title ("Artículo 2. Definiciones.", "Artículo 5. Acuerdo de constitución.")
SENTENCE_STARTS = {
    "the", "this", "these", "a", "an", "each", "every", "no", "any", "o", "os", "as", "el", "la", "los", "las",
    "le", "les", "l", "un", "una", "une", "um", "uma", "este", "esta", "estos", "estas", "esse", "essa", "cada",
    "todo", "toda", "todos", "tout", "toute", "tous", "toutes", "ce", "cette", "ces", "nenhum", "nenhuma",
    "ninguno", "ninguna", "aucun", "aucune", "il", "elle", "ils", "se", "não", "ne", "compete", "cabe", "fica",
    "ficam", "é", "são", "será", "serão", "lo", "en", "em", "na", "nos", "por", "para", "pour",
}


def leading_title(rest: str) -> tuple[str, str]:
    """("Definiciones.", "") or ("Comunicación directa.", "Las autoridades ...") when the text
    after "Artículo N." starts with the article's title; ("", rest) when it is the text itself."""
    m = re.match(r"^([^.;:,!?]+\.)(?:\s+|$)", rest)
    if not m:
        return "", rest
    title = m.group(1)
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", title)
    first = words[0].casefold() if words else ""
    if not 0 < len(words) <= 8 or first in SENTENCE_STARTS or any(re.search(r"-(?:se|lo|la|los|las)$", w) for w in words):
        return "", rest
    return title, rest[m.end():].strip()


def is_inciso(marker: str) -> bool:
    """Brazilian incisos are capital roman numerals ("I –"); letters and "(i)" are lower case."""
    return bool(marker) and marker.isupper() and all(ch in "IVXLC" for ch in marker)


def is_preamble(text: str) -> bool:
    """"Preámbulo", "Préambule", "Exposición de motivos": a heading even where a PDF has no styles."""
    return bool(re.fullmatch(r"(?:preámbulo|preâmbulo|préambule|preamble|exposición de motivos|exposé des motifs)", text, re.I))


def plain_number(number: str) -> str:
    """"1o" (a Brazilian "1º" whose º was typed or extracted as the letter o) is article 1."""
    return number[:-1] if re.fullmatch(r"\d+o", number) else number
