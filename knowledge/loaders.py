"""Loading documents (txt, md, pdf, docx, html) as markdown-like text for the chunker.

One registry (`LOADERS`, by file suffix) is the single list of supported formats: a new
format is one `@loader(...)` function. Every loader returns blocks separated by blank lines,
"#" headings, list labels ("1.", "(a)", "(i)", "- "), "<sup>n</sup>" footnote marks and, for
PDFs, a page marker where each printed page begins (its page label where the PDF has labels),
so `knowledge.chunking` handles all formats alike.
Anything that cannot be loaded raises `LoadError`, whose message names the file and says why
in one line (it is shown to the person adding documents).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import deadline
from .chunking import guess_title
from .docx_notes import DocxNotes
from .docx_numbering import DocxNumbering
from .html_blocks import DROP, HtmlBlocks, table_blocks
from .pdf_text import pages_to_markdown

NO_TEXT_PDF = "no text found; this file needs OCR first"


class LoadError(Exception):
    """A file that cannot be loaded; str() is one line naming the file and the reason."""

    def __init__(self, path: Path, reason: str):
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = " ".join(str(reason).split())

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class LoadedDocument:
    title: str  # best guess of the document title ("" if none found)
    text: str  # markdown-like text: blocks separated by blank lines
    format: str  # "txt" | "md" | "pdf" | "docx" | "html"
    pages: int | None  # PDF page count, else None


@dataclass(frozen=True)
class Loader:
    format: str  # "pdf", "md"... as stored in the catalogue
    load: Callable[[Path, bytes], LoadedDocument]


LOADERS: dict[str, Loader] = {}  # by lower-case suffix (".pdf")


def loader(fmt: str, *suffixes: str):
    """Register a function (path, bytes) -> LoadedDocument for these file suffixes."""

    def register(function: Callable[[Path, bytes], LoadedDocument]):
        for suffix in suffixes:
            LOADERS[suffix] = Loader(fmt, function)
        return function

    return register


def supported_suffixes() -> frozenset[str]:
    return frozenset(LOADERS)


def load_document(path: Path) -> LoadedDocument:
    """Load one file as markdown-like text; raises LoadError if it cannot be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(path, "no such file")
    if not path.is_file():
        raise LoadError(path, "not a file")
    if suffix not in LOADERS:
        supported = ", ".join(sorted({s.lstrip(".") for s in LOADERS}))
        raise LoadError(path, f"unsupported file type '{suffix or path.name}' (supported: {supported})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot read file: {error.strerror or error}") from error
    if not data.strip():
        raise LoadError(path, "empty file")
    entry = LOADERS[suffix]
    doc = entry.load(path, data)
    if not doc.text.strip():
        raise LoadError(path, NO_TEXT_PDF if entry.format == "pdf" else "no text found")
    return doc


@loader("txt", ".txt")
def _load_txt(path: Path, data: bytes) -> LoadedDocument:
    text = _normalise(_decode_text(path, data))
    return LoadedDocument(guess_title(text), text, "txt", None)


@loader("md", ".md", ".markdown")
def _load_markdown(path: Path, data: bytes) -> LoadedDocument:
    text = _normalise(_decode_text(path, data))
    return LoadedDocument(guess_title(text), text, "md", None)


def _normalise(text: str) -> str:
    """Unix newlines, NFC, no soft hyphens, one final newline."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\u00ad", "").strip("\n") + "\n"  # soft hyphens only break words


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return controls <= len(text) * 0.01


def _decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 if it reads as text."""
    candidates = ["utf-16"] if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        raise LoadError(path, "binary content, not a text file")
    raise LoadError(path, "cannot decode text (neither UTF-8 nor Windows-1252)")


def _meaningful_title(title: object) -> str:
    """A metadata title, unless it is a file name or a word-processor placeholder."""
    text = " ".join(str(title or "").split())
    if len(text) < 4 or not re.search(r"[^\W\d_]{3}", text):
        return ""
    if re.search(r"\.(docx?|pdf|rtf|odt|txt|indd|html?)$", text, re.IGNORECASE):
        return ""
    if re.match(r"^(microsoft (word|powerpoint)|untitled|document\s*\d*$|title$|slide \d)", text, re.IGNORECASE):
        return ""
    return text


# --- PDF -------------------------------------------------------------------------------


@loader("pdf", ".pdf")
def _load_pdf(path: Path, data: bytes) -> LoadedDocument:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise LoadError(path, "not a PDF file (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(path, reader)
        pages = reader.pages
        count = len(pages)
    except LoadError:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise LoadError(path, f"corrupt or unreadable PDF ({_brief(error)})") from error
    texts: list[str] = []
    failures: list[Exception] = []
    for page in pages:
        deadline.check()
        try:
            texts.append(page.extract_text() or "")
        except Exception as error:  # noqa: BLE001 - one damaged page must not lose the others
            failures.append(error)
            texts.append("")
    if failures and len(failures) == count:
        raise LoadError(path, f"corrupt or unreadable PDF ({_brief(failures[0])})")
    if not any(t.strip() for t in texts):
        raise LoadError(path, NO_TEXT_PDF)
    text = _normalise(pages_to_markdown(texts, _page_labels(reader, count)))
    try:
        meta_title = _meaningful_title(reader.metadata.title if reader.metadata else "")
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs us the title
        meta_title = ""
    return LoadedDocument(meta_title or guess_title(text), text, "pdf", count)


def _page_labels(reader, count: int) -> list[str]:
    """The printed page labels ("i", "1", "A-3") where the PDF defines them, else 1, 2, 3..."""
    try:
        labels = list(reader.page_labels)
    except Exception:  # noqa: BLE001 - a broken label tree only costs us the printed numbers
        labels = []
    return labels if len(labels) == count else [str(i) for i in range(1, count + 1)]


def _decrypt(path: Path, reader) -> None:
    """Open PDFs locked only against editing (empty user password); refuse the others."""
    try:
        opened = reader.decrypt("")
    except Exception as error:
        raise LoadError(path, f"encrypted PDF that cannot be opened ({_brief(error)})") from error
    if not opened:
        raise LoadError(path, "encrypted PDF: a password is needed; remove it and add the file again")


def _brief(error: Exception) -> str:
    message = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# --- DOCX ------------------------------------------------------------------------------


@loader("docx", ".docx")
def _load_docx(path: Path, data: bytes) -> LoadedDocument:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        numbering = DocxNumbering(document)
        notes = DocxNotes(document)
        blocks: list[str] = []
        first_heading = ""
        for item in document.iter_inner_content():
            deadline.check()
            if isinstance(item, Table):
                blocks.extend(table_blocks(_table_rows(item)))
                continue
            block, level = _docx_paragraph(item, numbering.label(item), notes)
            if not block:
                continue
            if level:
                first_heading = first_heading or block
                block = f"{'#' * level} {block}"
            blocks.append(block)
        blocks.extend(notes.blocks())
        core_title = document.core_properties.title
    except deadline.ParseTimeExceeded:
        raise
    except Exception as error:  # python-docx raises zip, XML and key errors for damaged files
        raise LoadError(path, f"corrupt or unreadable Word file ({_brief(error)})") from error
    text = _normalise("\n\n".join(blocks)) if blocks else ""
    title = _meaningful_title(core_title) or first_heading or guess_title(text)
    return LoadedDocument(title, text, "docx", None)


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn as docx_qn

    return docx_qn(tag)


def _docx_paragraph(paragraph, label: str = "", notes: DocxNotes | None = None) -> tuple[str, int]:
    """Paragraph text (superscript numbers and note references as <sup>n</sup>, Word's list
    label in front) and its heading level (0 if body)."""
    from docx.text.run import Run

    parts = []
    for item in paragraph.iter_inner_content():
        # a hyperlink's runs too: a note reference copied from HTML is a superscript link
        for run in [item] if isinstance(item, Run) else getattr(item, "runs", None) or [item]:
            text = run.text
            if isinstance(run, Run) and (run.font.superscript or _raised(run)) and text.strip():
                text = f"<sup>{text.strip()}</sup>"
            elif isinstance(run, Run) and notes is not None and (mark := notes.mark(run._r)):
                text = mark
            parts.append(text)
    text = " ".join("".join(parts).split())
    if label == "•" and text:
        return f"- {text}", 0
    if label and text:
        text = f"{label} {text}"
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if m := re.match(r"Heading (\d)", style):
        return text, min(int(m.group(1)), 6)
    if style == "Title":
        return text, 1
    if style.startswith("List Bullet") and text:
        return f"- {text}", 0
    return text, 0


def _raised(run) -> bool:
    """A short mark set above the line (w:position > 0), as LibreOffice writes a note reference."""
    rpr = run._r.rPr
    position = None if rpr is None else rpr.find(_qn("w:position"))
    try:
        raised = position is not None and int(position.get(_qn("w:val"), "0")) > 0
    except ValueError:
        return False
    return raised and len(run.text.strip()) <= 4


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        deadline.check()
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


# --- HTML ------------------------------------------------------------------------------


@loader("html", ".html", ".htm")
def _load_html(path: Path, data: bytes) -> LoadedDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(sorted(DROP)):
        tag.decompose()
    walker = HtmlBlocks()
    walker.walk(soup)
    walker.flush()
    text = _normalise("\n\n".join(walker.blocks)) if walker.blocks else ""
    title = _meaningful_title(page_title) or walker.first_h1 or guess_title(text)
    return LoadedDocument(title, text, "html", None)


SUPPORTED_SUFFIXES: frozenset[str] = supported_suffixes()  # every registered loader
