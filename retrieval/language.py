"""A cheap guess whether a question is in English (function words, no model).

BM25 over an English corpus cannot match a Spanish, French or Portuguese question, so such
questions lean on the multilingual dense side in fusion and abstention.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words(
    "the of and to in is are what which who how why when where does do can should for on "
    "with by be a an it this that there their from was were has have not or as at"
)
OTHER = _words(
    # es
    "el la los las de del que qué en y es son por para una un se cómo cuál cuáles quién "
    "dónde cuándo con al sus las lo "
    # fr
    "le les des du est sont une pour dans qui quoi quel quelle quels quelles comment "
    "pourquoi avec au aux ce cette peut doit "
    # pt
    "o os as do da dos das não são uma um para com como qual quais quem onde quando "
    "pelo pela nas nos ao"
)


def looks_english(text: str) -> bool:
    """True unless the question's function words are mostly Spanish, French or Portuguese."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    english = sum(w in ENGLISH for w in words)
    other = sum(w in OTHER and w not in ENGLISH for w in words)
    if re.search(r"[¿¡ãõçñœ]", text.casefold()):
        other += 2
    return english >= other
