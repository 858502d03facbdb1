"""Block-level parsing of markdown-like text and inline clean-up, for the chunker.

The input is what the loaders produce (or markdown extracted from PDFs): blocks separated by
blank lines, "#" headings, "<sup>n</sup>" footnote blocks, "(a)" items, "- " bullets and
"17. " numbered paragraphs. This module only recognises shapes; deciding what a block *is*
in the document (a numbered paragraph or a list entry, a footnote or a paragraph) is left to
`knowledge.chunking`, which sees the whole document.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from . import deadline
from .document_model import PAGE_MARK

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*(?:[-+•▪●◦–]|\*)\s+(?=\S)")
_ITEM = re.compile(r"^\s*\(([a-z]{1,2}|[ivxlc]{1,6})\)\s+(?=\S)")
# "a. text", "iv. text": how browsers print <ol type="a"> and LibreOffice numbers its lists
_ITEM_DOT = re.compile(r"^\s*([a-z]|[ivx]{1,5})\.\s+(?=\S)")
_NUMBER = re.compile(r"^\s*(\d{1,3})\.\s+(?=\S)")
_FOOT_SUP = re.compile(r"^\s*<sup>\s*([^<\s]{1,6})\s*</sup>\s*(?=\S)")
_FOOT_STAR = re.compile(r"^\s*((?:\\\*)+)\s*(?=\S)")
_FOOT_UNI = re.compile(r"^\s*([¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+(?=\S)")
_FOOT_DEF = re.compile(r"^\s*\[\^([^\]\s]{1,6})\]:\s*(?=\S)")  # markdown "[^12]: text"
# Spanish, French and Portuguese laws: "a) text" letters and Brazilian incisos "I – text"
_ITEM_CLOSE = re.compile(r"^\s*([a-z])\)\s+(?=\S)")
_INCISO = re.compile(r"^\s*([IVXLC]{1,6})\s*[–—-]\s+(?=\S)")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1$")
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_BACKLINKS = ("↩", "↩\ufe0e", "↩\ufe0f")
# Closing marks that may follow a sentence end, and the terminal punctuation itself.
_TERMINAL = set(".?!:;…”\"")
_CLOSERS = set(")]’'")


@dataclass
class Block:
    """One structural unit of the text, in reading order (`pos`)."""

    kind: str  # "heading" | "footnote" | "body" | "rule" | "page" (marker = page label)
    text: str  # raw text; heading/footnote/paragraph-number markers removed, item markers kept
    pos: int
    level: int = 0  # heading: markdown level (0 for an emphasised line used as a heading)
    style: str = ""  # heading: "bold" | "italic" | "plain"
    marker: str = ""  # footnote mark, item letter/numeral, paragraph number
    entry: str = ""  # body: "plain" | "bullet" | "item" | "number" | "code"
    in_list: bool = False  # body "number" written as a tight markdown list (never a paragraph)


def parse_blocks(text: str) -> list[Block]:
    """Split text into headings, footnotes, rules and body entries (bullets/items split apart)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    blocks: list[Block] = []
    for is_code, lines in _raw_blocks(text):
        deadline.check()
        if is_code:  # fenced code: literal text, never headings or list markers
            blocks.append(Block("body", "\n".join(lines), 0, entry="code"))
        else:
            blocks.extend(_parse_raw_block(lines))
    for i, block in enumerate(blocks):
        block.pos = i
        if block.entry == "number" and block.text.rstrip().endswith(_BACKLINKS):
            # "1. Text.↩︎": an endnote of pandoc's HTML, as LibreOffice or a browser copied it
            block.kind, block.entry = "footnote", ""
            block.text = strip_number(block.text).rstrip().rstrip("↩\ufe0e\ufe0f").rstrip()
    return blocks


def _raw_blocks(text: str) -> list[tuple[bool, list[str]]]:
    """Non-blank lines grouped by blank lines; a fenced code block is one group of its own."""
    out: list[tuple[bool, list[str]]] = []
    current: list[str] = []
    fence = ""
    for line in text.split("\n"):
        if fence:
            if line.strip().startswith(fence):
                if current:
                    out.append((True, current))
                current, fence = [], ""
            elif line.strip():
                current.append(line.rstrip())
            continue
        if m := _FENCE.match(line):
            if current:
                out.append((False, current))
            current, fence = [], m.group(1)
        elif line.strip():
            current.append(line.rstrip())
        elif current:
            out.append((False, current))
            current = []
    if current:
        out.append((bool(fence), current))
    return out


def _parse_raw_block(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    cur: Block | None = None
    parts: list[str] = []

    def flush() -> None:
        nonlocal cur, parts
        if cur is not None:
            cur.text = join_lines(parts)
            out.append(cur)
        cur, parts = None, []

    for line in lines:
        if m := PAGE_MARK.match(line):
            flush()
            out.append(Block("page", "", 0, marker=m.group(1)))
            continue
        if m := _HEADING.match(line):
            flush()
            inner, style = _heading_style(m.group(2))
            out.append(Block("heading", inner, 0, level=len(m.group(1)), style=style))
            continue
        if _RULE.match(line):
            flush()
            out.append(Block("rule", "", 0))
            continue
        # A list marker inside a hard-wrapped sentence ("...see\n(a) above") is not a new entry.
        may_start = (
            cur is None or cur.entry in ("bullet", "item", "number") or cur.kind == "footnote"
            or ends_sentence(parts[-1])
        )
        foot = (
            _FOOT_SUP.match(line) or _FOOT_DEF.match(line) or _FOOT_STAR.match(line)
            or (may_start and _FOOT_UNI.match(line))
        )
        if foot:
            flush()
            mark = foot.group(1).replace("\\", "")
            mark = "*" * len(mark) if set(mark) == {"*"} else _unsuperscript(mark)
            cur, parts = Block("footnote", "", 0, marker=mark), [line[foot.end():]]
        elif may_start and (m := _ITEM.match(line) or _ITEM_DOT.match(line)):
            flush()
            cur, parts = Block("body", "", 0, entry="item", marker=m.group(1)), [line.strip()]
        elif may_start and (m := _NUMBER.match(line)):
            flush()
            cur, parts = Block("body", "", 0, entry="number", marker=m.group(1)), [line.strip()]
        elif may_start and (m := _BULLET.match(line)):
            flush()
            cur, parts = Block("body", "", 0, entry="bullet"), [line[m.end():]]
        elif may_start and (m := _ITEM_CLOSE.match(line) or _INCISO.match(line)):
            flush()
            cur, parts = Block("body", "", 0, entry="item", marker=m.group(1)), [line.strip()]
        elif cur is None:
            cur, parts = Block("body", "", 0, entry="plain"), [line]
        else:
            parts.append(line)
    flush()
    numbers = [b for b in out if b.entry == "number"]
    if len(numbers) > 1:  # "1. a\n2. b" in one block is a markdown list, not paragraphs
        for b in numbers:
            b.in_list = True
    if len(out) == 1 and out[0].entry == "plain" and len(lines) == 1:
        _maybe_pseudo_heading(out[0])
    return out


def _heading_style(inner: str) -> tuple[str, str]:
    inner = inner.strip()
    m = _WRAPPED.match(inner)
    if not m:
        return inner, "plain"
    return m.group(2), "bold" if len(m.group(1)) == 2 else "italic"


def _maybe_pseudo_heading(block: Block) -> None:
    """A line that is wholly bold or italic and not a sentence acts as a heading in PDFs."""
    m = _WRAPPED.match(block.text.strip())
    if m and len(m.group(2)) <= 150 and not re.search(r"[.,;:]\W*$", m.group(2)):
        block.kind, block.text, block.entry = "heading", m.group(2), ""
        block.style = "bold" if len(m.group(1)) == 2 else "italic"


def _unsuperscript(mark: str) -> str:
    return mark.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


def is_url(text: str) -> bool:
    return bool(_URL.match(clean_inline(strip_number(text))))


def strip_number(text: str) -> str:
    """The text of a numbered block without its "17. " number."""
    return _NUMBER.sub("", text, count=1)


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines: "exam-" + "ple" -> "example"; otherwise with a space."""
    out = ""
    for line in lines:
        out = glue(out, line.strip()) if out else line.strip()
    return out


def glue(left: str, right: str) -> str:
    """Join two pieces of one sentence, de-hyphenating a word cut at the end of `left`."""
    left, right = left.rstrip(), right.lstrip()
    if re.search(r"[A-Za-z]-$", left) and right[:1].islower() and not re.match(r"(and|or)\b", right):
        return left[:-1] + right
    return f"{left} {right}"


# --- inline clean-up -------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_SUP = re.compile(r"<sup>\s*([^<]*?)\s*</sup>|\[\^([^\]\s]{1,6})\]", re.IGNORECASE)
_TAG = re.compile(r"</?(?:sub|br|span|em|strong|b|i|u|small|sup)\b[^>]*>", re.IGNORECASE)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_ITALIC_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")
_ESCAPE = re.compile(r"\\([\\`{}\[\]()#+\-.!>|~])")


def clean_inline(text: str) -> str:
    """Plain display text: no emphasis markers or tags, superscript footnote refs, one-line."""
    # Escaped asterisks/underscores are literal text (footnote marks, identifiers): protect them.
    t = text.replace("\\*", "\x00").replace("\\_", "\x01")
    t = _ESCAPE.sub(r"\1", t)
    t = _LINK.sub(_link_text, t)
    t = _SUP.sub(lambda m: (m.group(1) or m.group(2) or "").translate(_SUPERSCRIPTS), t)
    t = _TAG.sub("", t)
    for _ in range(2):  # nested emphasis: ***x*** or **_x_**
        t = _BOLD.sub(r"\2", t)
        t = _ITALIC_STAR.sub(r"\1", t)
        t = _ITALIC_UNDER.sub(r"\1", t)
    t = t.replace("**", "")  # bold left unbalanced by a page break
    t = html.unescape(t).replace("\x00", "*").replace("\x01", "_")
    return " ".join(t.split())


def _link_text(m: re.Match) -> str:
    label, url = m.group(1).strip(), m.group(2)
    bare = re.sub(r"^(?:https?://|mailto:)", "", url).rstrip("/")
    if not label or label.rstrip("/") in (url.rstrip("/"), bare) or label.startswith(("http", "www.")):
        return label or url
    return f"{label} ({url})"


def ends_sentence(text: str) -> bool:
    """True if the text ends with terminal punctuation (footnote marks after it ignored)."""
    t = clean_inline(text).rstrip("¹²³⁴⁵⁶⁷⁸⁹⁰* ")
    if not t:
        return True
    if t[-1] in _TERMINAL:
        return True
    return t[-1] in _CLOSERS and len(t) > 1 and t[-2] in ".?!"


def starts_lower(text: str) -> bool:
    t = clean_inline(text).lstrip("\"“‘'*_ ")
    return t[:1].islower()


def first_char(text: str) -> str:
    return clean_inline(text).lstrip("\"“‘'*_ ")[:1]


def last_word(text: str) -> str:
    words = clean_inline(text).split()
    return words[-1].casefold() if words else ""


# --- sentences -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]?[¹²³⁴⁵⁶⁷⁸⁹⁰]*(?=\s+[\"“‘(\[]?[A-Z0-9ÁÉÍÓÚÀÈÂÊÎÔÛÄÖÜÇÑ])")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "cf", "vs", "no", "nos", "para", "paras", "art", "arts", "p", "pp",
    "vol", "ed", "eds", "ibid", "op", "cit", "sect", "sec", "ch", "fig", "mr", "mrs", "ms",
    "dr", "prof", "st", "approx", "incl", "al", "jr", "sr", "rev", "corr", "add",
}


def split_sentences(text: str) -> list[str]:
    """Split display text at sentence ends, keeping "No. E.08.V.14", "p. 12", "e.g." intact."""
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        candidate = text[start : m.end()].strip()
        core = re.sub(r"[\"”’)\]¹²³⁴⁵⁶⁷⁸⁹⁰]+$", "", candidate.rsplit(" ", 1)[-1])
        if core.endswith("."):
            word = core[:-1].lstrip("(\"“")
            if word.casefold() in _ABBREVIATIONS or len(word) == 1:
                continue
        pieces.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces
