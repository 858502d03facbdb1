"""Loading documents (txt, md, pdf, docx, html) as markdown-like text for the chunker.

Every loader returns blocks separated by blank lines, "#" headings and "<sup>n</sup>"
footnote marks where the format has them, so `knowledge.chunking` handles all formats alike.
Anything that cannot be loaded raises `LoadError`, whose message names the file and says why
in one line (it is shown to the person adding documents).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .chunking import guess_title
from .pdf_text import pages_to_markdown

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm"})
_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
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


def load_document(path: Path) -> LoadedDocument:
    """Load one file as markdown-like text; raises LoadError if it cannot be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(path, "no such file")
    if not path.is_file():
        raise LoadError(path, "not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted({s.lstrip(".") for s in SUPPORTED_SUFFIXES}))
        raise LoadError(path, f"unsupported file type '{suffix or path.name}' (supported: {supported})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(path, f"cannot read file: {error.strerror or error}") from error
    if not data.strip():
        raise LoadError(path, "empty file")
    fmt = _FORMATS[suffix]
    if fmt == "pdf":
        doc = _load_pdf(path, data)
    elif fmt == "docx":
        doc = _load_docx(path)
    elif fmt == "html":
        doc = _load_html(path, data)
    else:
        text = _normalise(_decode_text(path, data))
        doc = LoadedDocument(guess_title(text), text, fmt, None)
    if not doc.text.strip():
        raise LoadError(path, NO_TEXT_PDF if fmt == "pdf" else "no text found")
    return doc


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
        try:
            texts.append(page.extract_text() or "")
        except Exception as error:  # noqa: BLE001 - one damaged page must not lose the others
            failures.append(error)
            texts.append("")
    if failures and len(failures) == count:
        raise LoadError(path, f"corrupt or unreadable PDF ({_brief(failures[0])})")
    if not any(t.strip() for t in texts):
        raise LoadError(path, NO_TEXT_PDF)
    text = _normalise(pages_to_markdown(texts))
    try:
        meta_title = _meaningful_title(reader.metadata.title if reader.metadata else "")
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs us the title
        meta_title = ""
    return LoadedDocument(meta_title or guess_title(text), text, "pdf", count)


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


def _load_docx(path: Path) -> LoadedDocument:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        blocks: list[str] = []
        first_heading = ""
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
                continue
            block, level = _docx_paragraph(item)
            if not block:
                continue
            if level:
                first_heading = first_heading or block
                block = f"{'#' * level} {block}"
            blocks.append(block)
        core_title = document.core_properties.title
    except Exception as error:  # python-docx raises zip, XML and key errors for damaged files
        raise LoadError(path, f"corrupt or unreadable Word file ({_brief(error)})") from error
    text = _normalise("\n\n".join(blocks)) if blocks else ""
    title = _meaningful_title(core_title) or first_heading or guess_title(text)
    return LoadedDocument(title, text, "docx", None)


def _docx_paragraph(paragraph) -> tuple[str, int]:
    """Paragraph text (superscript numbers as <sup>n</sup>) and its heading level (0 if body)."""
    from docx.text.run import Run

    parts = []
    for item in paragraph.iter_inner_content():
        text = item.text
        if isinstance(item, Run) and item.font.superscript and text.strip():
            text = f"<sup>{text.strip()}</sup>"
        parts.append(text)
    text = " ".join("".join(parts).split())
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if m := re.match(r"Heading (\d)", style):
        return text, min(int(m.group(1)), 6)
    if style == "Title":
        return text, 1
    if style.startswith("List Bullet") and text:
        return f"- {text}", 0
    return text, 0


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


# --- HTML ------------------------------------------------------------------------------

_DROP = {"script", "style", "nav", "noscript", "template", "svg", "head", "iframe", "form", "button"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "ul",
    "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "dl", "dt", "dd", "pre", "figure",
    "figcaption", "address", "body", "html", "hr", "caption",
}


def _load_html(path: Path, data: bytes) -> LoadedDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(sorted(_DROP)):
        tag.decompose()
    walker = _HtmlBlocks()
    walker.walk(soup)
    walker.flush()
    text = _normalise("\n\n".join(walker.blocks)) if walker.blocks else ""
    title = _meaningful_title(page_title) or walker.first_h1 or guess_title(text)
    return LoadedDocument(title, text, "html", None)


class _HtmlBlocks:
    """Collects block-level text: headings as "#", list items as "- "/"N. ", <sup> kept."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []
        self.prefix = ""
        self.first_h1 = ""

    def flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        if text:
            self.blocks.append(self.prefix + text)
            self.prefix = ""
        self.buffer = []

    def walk(self, node) -> None:
        from bs4 import NavigableString, Tag
        from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

        for child in node.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag):
                self._tag(child)

    def _tag(self, tag) -> None:
        name = tag.name.lower()
        if re.fullmatch(r"h[1-6]", name):
            self.flush()
            text = " ".join(tag.get_text(" ").split())
            if text:
                self.blocks.append(f"{'#' * int(name[1])} {text}")
                if name == "h1" and not self.first_h1:
                    self.first_h1 = text
        elif name == "sup":
            self.buffer.append(f"<sup>{' '.join(tag.get_text().split())}</sup>")
        elif name == "br":
            self.buffer.append(" ")
        elif name == "li":
            self.flush()
            self.prefix = self._li_prefix(tag)
            self.walk(tag)
            self.flush()
            self.prefix = ""
        elif name in _BLOCK:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)

    @staticmethod
    def _li_prefix(tag) -> str:
        parent = tag.parent
        if parent is None or parent.name != "ol":
            return "- "
        try:
            start = int(parent.get("start", 1))
        except ValueError:
            start = 1
        index = [li for li in parent.find_all("li", recursive=False)].index(tag)
        return f"{start + index}. "
