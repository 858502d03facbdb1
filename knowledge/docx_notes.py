"""Footnotes and endnotes of a .docx, which python-docx does not read.

A note reference in the body is an empty run holding <w:footnoteReference w:id="29"/>; the
text lives in footnotes.xml (endnotes.xml). Word numbers the notes 1, 2, 3... in the order of
their references, whatever their ids. `DocxNotes.mark(run)` gives a reference's "<sup>n</sup>"
and `blocks()` the notes as "<sup>n</sup> text" blocks, the shape every loader hands the chunker.
"""

from __future__ import annotations

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELS = {
    "footnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
    "endnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes",
}
_SPECIAL = {"separator", "continuationSeparator", "continuationNotice"}


class DocxNotes:
    def __init__(self, document):
        from lxml import etree

        self.texts: dict[tuple[str, str], str] = {}
        self.numbers: dict[tuple[str, str], int] = {}
        for kind, reltype in _RELS.items():
            try:
                part = document.part.part_related_by(reltype)
                root = etree.fromstring(part.blob)
            except (KeyError, ValueError, etree.XMLSyntaxError):
                continue
            for note in root.iter(f"{_W}{kind}"):
                if note.get(f"{_W}type") in _SPECIAL:
                    continue
                paragraphs = [" ".join("".join(t.text or "" for t in p.iter(f"{_W}t")).split()) for p in note.iter(f"{_W}p")]
                if text := " ".join(p for p in paragraphs if p):
                    self.texts[(kind, note.get(f"{_W}id") or "")] = text

    def mark(self, run_element) -> str:
        """"<sup>n</sup>" for each note referenced in this run (w:r element), else ""."""
        marks = []
        for child in run_element:
            kind = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}.get(child.tag)
            key = (kind or "", child.get(f"{_W}id") or "")
            if kind is None or key not in self.texts:
                continue
            if key not in self.numbers:
                self.numbers[key] = 1 + sum(1 for k in self.numbers if k[0] == kind)
            marks.append(f"<sup>{self.numbers[key]}</sup>")
        return "".join(marks)

    def blocks(self) -> list[str]:
        """The referenced notes, footnotes then endnotes, each in reference order."""
        ordered = sorted(self.numbers.items(), key=lambda item: (item[0][0] != "footnote", item[1]))
        return [f"<sup>{number}</sup> {self.texts[key]}" for key, number in ordered]
