"""A question that names a document by its title ("… under the International Cooperation Act?").

The title's words then say which document to read, not what to find in it: left in the
query, they pull up the one passage that repeats the title — the short-title section, the
object clause ("Esta ley regula la cooperación jurídica internacional…") — over the one
that answers ("This Act comes into operation on …"). So the title's words are taken out of
the query (its kind, "Act", "ley", stays), and that document's passages are cited first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: what a title calls its document; a run of title words must hold one to name the document
#: (so "joint investigation teams" in a question does not name a regulation about them)
KINDS = frozenset("""
act acts law laws code convention conventions protocol directive regulation treaty charter
statute decree ordinance guide handbook manual toolkit report paper note guidelines
ley leyes código convenio convención protocolo directiva reglamento tratado decreto guía informe
lei leis convenção diretiva regulamento decreto relatório
loi code convention protocole directive règlement traité décret rapport
""".split())

#: words that may sit inside a title's run without being in the title ("… Act of 2025")
_GLUE = frozenset("""
of on the and in for to a an
de del la las el los en y sobre para al
da do das dos e em na no nas nos
du des le les et à aux au
""".split())

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NamedDocument:
    document_id: str
    #: the question with the title's words taken out (the document's kind kept)
    query: str


def named_document(question: str, titles: Mapping[str, str]) -> NamedDocument | None:
    """The document whose title the question quotes (two or more of its words in a row,
    one of them its kind), the longest such quote winning; None if it names none."""
    words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(question)]
    best: tuple[int, str, int, int] | None = None  # (title words quoted, document, first, last)
    for document_id, title in titles.items():
        in_title = {w.casefold() for w in _WORD.findall(title or "")}
        i = 0
        while i < len(words):
            if words[i][2] not in in_title or words[i][2] in _GLUE:
                i += 1
                continue
            j, seen = i, {words[i][2]}
            while j + 1 < len(words) and (words[j + 1][2] in in_title or words[j + 1][2] in _GLUE):
                if words[j + 1][2] in seen and words[j + 1][2] not in _GLUE:
                    break  # "trafficking in persons in the Trafficking in Persons Protocol": two runs
                seen.add(words[j + 1][2])
                j += 1
            while words[j][2] in _GLUE or words[j][2] not in in_title:
                j -= 1
            quoted = [w for _, _, w in words[i : j + 1] if w in in_title and w not in _GLUE]
            if len(quoted) >= 2 and any(w in KINDS for w in quoted) and (best is None or len(quoted) > best[0]):
                best = (len(quoted), document_id, i, j)
            i = j + 1
    if best is None:
        return None
    _, document_id, first, last = best
    kinds = [w for s, e, w in words[first : last + 1] if w in KINDS]
    start, end = words[first][0], words[last][1]
    kept = " ".join(question[s:e] for s, e, w in words[first : last + 1] if w in kinds[-1:])
    query = " ".join(f"{question[:start]}{kept}{question[end:]}".split())
    return NamedDocument(document_id, query)
