"""Word's automatic numbering, which python-docx does not render: "1.", "(a)", "(i)", "2.1".

A numbered paragraph in a .docx holds no number, only a reference (numId, level) to the
numbering definitions in numbering.xml; Word computes the label while laying out. This
module does the same count in reading order, so "(b)" reaches the chunker as "(b)".
"""

from __future__ import annotations

import re

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


class _Level:
    def __init__(self, start: int, fmt: str, text: str):
        self.start, self.fmt, self.text = start, fmt, text


class DocxNumbering:
    """Counts numbered paragraphs of one document in reading order; `label` gives each its number."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, _Level]] = {}  # numId -> level -> definition
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId")] = {
                int(lvl.get(f"{_W}ilvl")): _Level(
                    int(_val(lvl, "start") or 1), _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or ""
                )
                for lvl in node.iter(f"{_W}lvl")
            }
        for num in root.iter(f"{_W}num"):
            base = abstract.get(_val(num, "abstractNumId") or "", {})
            levels = {k: _Level(v.start, v.fmt, v.text) for k, v in base.items()}
            for override in num.iter(f"{_W}lvlOverride"):
                start = _val(override, "startOverride")
                level = int(override.get(f"{_W}ilvl"))
                if start is not None and level in levels:
                    levels[level].start = int(start)
            self.levels[num.get(f"{_W}numId")] = levels

    def label(self, paragraph) -> str:
        """The paragraph's list label ("1.", "(a)", "•" for bullets), or "" if not numbered."""
        num_id, level = _num_pr(paragraph)
        definitions = self.levels.get(num_id or "")
        if not definitions or level not in definitions:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, definitions[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        definition = definitions[level]
        if definition.fmt == "bullet":
            return "•"
        if definition.fmt == "none":
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            value = counters.get(k, definitions[k].start if k in definitions else 1)
            fmt = definitions[k].fmt if k in definitions else "decimal"
            return _FORMATS.get(fmt, str)(value)

        return re.sub(r"%(\d)", number, definition.text).strip()


def _val(node, tag: str) -> str | None:
    child = node.find(f"{_W}{tag}")
    return None if child is None else child.get(f"{_W}val")


def _num_pr(paragraph) -> tuple[str | None, int]:
    """numId and level from the paragraph, else from its style (as "List Number" does)."""
    style = getattr(paragraph.style, "element", None)
    for source in (paragraph._p.pPr, None if style is None else style.pPr):
        num_pr = None if source is None else source.find(f"{_W}numPr")
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            level = _val(num_pr, "ilvl")
            if num_id and num_id != "0":
                return num_id, int(level or 0)
    return None, 0
