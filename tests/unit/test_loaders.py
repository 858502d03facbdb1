"""Loaders: every supported format becomes markdown-like text; bad files give one-line errors."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from knowledge.chunking import chunk_text
from knowledge.loaders import (
    SUPPORTED_SUFFIXES,
    supported_suffixes,
    LoadedDocument,
    LoadError,
    load_document,
)

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "samples"


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A small valid PDF: one Helvetica text line per entry, one list per page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog, pages_id = add(b""), add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = ["BT /F1 11 Tf 14 TL 72 760 Td"]
        ops += ["({}) Tj T*".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")) for line in lines]
        stream = "\n".join(ops + ["ET"]).encode("cp1252", "replace")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
        ))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    info = add(f"<< /Title ({title}) >>".encode()) if title else 0
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R" + (f" /Info {info} 0 R" if info else "")
    out += trailer.encode() + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


PAGE_1 = [
    "Guide on joint investigation teams",
    "I. Introduction",
    "1. The present guide explains how joint investigation teams are set up between the",
    "competent authorities of two or more States, and what each of them must agree on",
    "before the team starts its work on a cross-border trafficking case.",
    "2. Teams are useful because evidence is gathered in a format that is admissible in all",
    "the States concerned, and because officers exchange information at the national, regional",
    "1 See the Global Report on Trafficking in Persons 2018, p. 41.",
]
PAGE_2 = [
    "and international levels without formal requests for mutual legal assistance, an exam-",
    "ple of the benefits reported by practitioners.",
    "3. Each team is set up for a limited period by an agreement that names its leader, its",
    "members and the operational rules that apply in the State where the team is located.",
]


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _error(path: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_document(path)
    error = caught.value
    assert error.path == path
    assert path.name in str(error) and error.reason in str(error)
    assert "\n" not in str(error)
    return error


def test_supported_suffixes():
    assert supported_suffixes() == SUPPORTED_SUFFIXES == frozenset({".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm"})


def test_bundled_samples_load_as_markdown():
    doc = load_document(SAMPLES / "best-practices-joint-investigations.md")
    assert doc.format == "md" and doc.pages is None
    assert doc.title == "Best practices in joint investigations and specialized prosecutions"
    note = load_document(SAMPLES / "cross-border-cooperation-concept-note.md")
    assert note.title == "Investigation and prosecution in light of cross-border cooperation"


def test_text_files_utf8_bom_and_windows_1252(tmp_path):
    plain = load_document(_write(tmp_path, "note.txt", "Joint teams\n\nArticle 19 applies.\r\n"))
    assert plain == LoadedDocument("Joint teams", "Joint teams\n\nArticle 19 applies.\n", "txt", None)
    bom = load_document(_write(tmp_path, "bom.md", "\ufeff# Guía de equipos\n\nTexto.".encode("utf-8")))
    assert bom.title == "Guía de equipos" and bom.text.startswith("# Guía") and bom.format == "md"
    legacy = load_document(_write(tmp_path, "legacy.txt", "Coopération – “équipes” communes.".encode("cp1252")))
    assert legacy.text.strip() == "Coopération – “équipes” communes."


def test_docx_headings_and_paragraphs(tmp_path):
    document = docx.Document()
    document.add_heading("Model agreement on joint investigation teams", level=1)
    first = document.add_paragraph("The parties agree to set up a joint investigation team.")
    first.add_run("1").font.superscript = True
    document.add_heading("Scope", level=2)
    document.add_paragraph("The team operates in the territory of both parties.")
    path = tmp_path / "agreement.docx"
    document.save(str(path))

    doc = load_document(path)
    assert doc.format == "docx" and doc.pages is None
    assert doc.title == "Model agreement on joint investigation teams"
    assert doc.text.split("\n\n")[:3] == [
        "# Model agreement on joint investigation teams",
        "The parties agree to set up a joint investigation team.<sup>1</sup>",
        "## Scope",
    ]
    chunks = chunk_text(doc.text)
    assert [(c.locator, c.section, c.text) for c in chunks] == [
        ("paragraph 1", "", "The parties agree to set up a joint investigation team.¹"),
        ("paragraph 2", "Scope", "The team operates in the territory of both parties."),
    ]


def test_docx_title_from_core_properties(tmp_path):
    document = docx.Document()
    document.core_properties.title = "JIT model agreement (2017)"
    document.add_paragraph("Body text only.")
    path = tmp_path / "model.docx"
    document.save(str(path))
    assert load_document(path).title == "JIT model agreement (2017)"


def test_html_blocks_headings_and_footnote_marks(tmp_path):
    page = """<!doctype html><html><head><title>JIT practical guide</title>
    <style>p { color: red }</style><script>var hidden = "script text";</script></head>
    <body><nav><a href="/">Home</a> | <a href="/menu">Menu</a></nav>
    <h1>Joint investigation teams</h1><h2>Legal basis</h2>
    <p>Article 19 of the Convention applies.<sup>3</sup> It is <b>often</b> used.</p>
    <ul><li>Agree on the leader.</li><li><p>Agree on the languages.</p></li></ul>
    <blockquote>Teams save time &amp; money.</blockquote></body></html>"""
    doc = load_document(_write(tmp_path, "guide.html", page))
    assert doc.format == "html" and doc.title == "JIT practical guide"
    assert doc.text.strip().split("\n\n") == [
        "# Joint investigation teams",
        "## Legal basis",
        "Article 19 of the Convention applies.<sup>3</sup> It is often used.",
        "- Agree on the leader.",
        "- Agree on the languages.",
        "Teams save time & money.",
    ]
    assert "hidden" not in doc.text and "Menu" not in doc.text and "color" not in doc.text
    untitled = load_document(_write(tmp_path, "page.htm", "<h1>Contact points</h1><p>Call the desk.</p>"))
    assert untitled.title == "Contact points"


def test_pdf_is_reflowed_and_page_breaks_rejoined(tmp_path):
    path = _write(tmp_path, "guide.pdf", make_pdf([PAGE_1, PAGE_2], title="Guide on JITs"))
    doc = load_document(path)
    assert (doc.format, doc.pages, doc.title) == ("pdf", 2, "Guide on JITs")
    chunks = {c.unit: c for c in chunk_text(doc.text)}
    # a passage's page is where it starts: paragraph 2 runs on to page 2, its footnote is there
    assert [chunks[u].locator for u in ("para. 1", "para. 2", "footnote 1", "para. 3")] == [
        "para. 1, p. 1", "para. 2, p. 1", "footnote 1, p. 1", "para. 3, p. 2"
    ]
    assert chunks["para. 1"].section == "I. Introduction"
    assert chunks["para. 1"].text.startswith("The present guide explains how joint investigation teams are set up between the competent")
    assert "at the national, regional and international levels" in chunks["para. 2"].text
    assert "an example of the benefits" in chunks["para. 2"].text
    assert chunks["footnote 1"].text == "See the Global Report on Trafficking in Persons 2018, p. 41."
    assert chunks["para. 3"].text.endswith("where the team is located.")


def test_pdf_placeholder_metadata_title_is_ignored(tmp_path):
    path = _write(tmp_path, "x.pdf", make_pdf([PAGE_1], title="Microsoft Word - draft7.docx"))
    assert load_document(path).title == "Guide on joint investigation teams"


def test_pdf_without_text_needs_ocr(tmp_path):
    error = _error(_write(tmp_path, "scan.pdf", make_pdf([[], []])))
    assert error.reason == "no text found; this file needs OCR first"


def test_encrypted_pdf(tmp_path):
    plain = _write(tmp_path, "plain.pdf", make_pdf([PAGE_1]))
    locked, owner_only = tmp_path / "locked.pdf", tmp_path / "owner-only.pdf"
    for target, user_password in ((locked, "secret"), (owner_only, "")):
        writer = PdfWriter(clone_from=PdfReader(plain))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
        writer.write(target)
    assert "encrypted" in _error(locked).reason
    assert "joint investigation teams" in load_document(owner_only).text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("picture.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a PDF"),
        ("notes.pdf", b"Just some text saved with the wrong name.", "not a PDF"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt"),
        ("broken.docx", b"PK\x03\x04 this is not a zip archive", "corrupt"),
        ("program.exe", b"MZ\x90\x00", "unsupported file type '.exe'"),
        ("binary.txt", bytes(range(256)) * 4, "decode"),
        ("nul.md", b"abc\x00\x00\x00def\x00\x01\x02", "binary"),
        ("empty.html", b"<html><body><script>x()</script></body></html>", "no text found"),
    ],
)
def test_unusable_files_raise_load_error_naming_the_file(tmp_path, name, data, reason):
    assert reason in _error(_write(tmp_path, name, data)).reason


def test_missing_file(tmp_path):
    assert _error(tmp_path / "nowhere.pdf").reason == "no such file"


def _sample_as_pdf_pages(markdown: str) -> list[list[str]]:
    """Print the bundled background paper as a PDF would hold it: wrapped lines, footnotes
    at the page bottom, footnote marks as plain digits, a running header and page footer."""

    def plain(text: str) -> str:
        text = re.sub(r"<sup>(\w+)</sup>", r"\1", text).replace("\\*", "*")
        text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
        text = re.sub(r"(?<!\w)\*(\S.*?)\*", r"\1", text)
        return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)

    pages: list[list[str]] = []
    body: list[str] = []
    notes: list[str] = []
    for raw in re.split(r"\n\s*\n", markdown):
        raw = raw.strip()
        if not raw or raw == "---":
            continue
        if note := re.match(r"^(?:<sup>(\w+)</sup>|\\\*)\s*(.*)", raw, re.DOTALL):
            notes += textwrap.wrap(f"{note.group(1) or '*'} {plain(note.group(2))}", 95)
            continue
        if notes:  # footnotes end a page
            pages.append(["CTOC/COP/WG.4/2020/2", *body, *notes, f"V.20-03325 {len(pages) + 1}/15"])
            body, notes = [], []
        for line in raw.split("\n"):
            body += textwrap.wrap(plain(re.sub(r"^#+\s*", "", re.sub(r"^- ", "• ", line))), 95)
    pages.append(["CTOC/COP/WG.4/2020/2", *body, *notes, f"V.20-03325 {len(pages) + 1}/15"])
    return pages


def test_pdf_of_the_background_paper_gives_the_same_passages(tmp_path):
    markdown = (SAMPLES / "best-practices-joint-investigations.md").read_text(encoding="utf-8")
    path = _write(tmp_path, "wg4-2020-2.pdf", make_pdf(_sample_as_pdf_pages(markdown)))
    doc = load_document(path)
    assert doc.pages == 15 and "V.20-03325" not in doc.text  # running header and footer dropped
    pdf_chunks = chunk_text(doc.text)
    assert all(re.search(r", p\. \d+$", c.locator) for c in pdf_chunks)  # every PDF passage knows its page
    from_pdf = {re.sub(r", p\. \d+$", "", c.locator): c for c in pdf_chunks}
    from_markdown = {c.locator: c for c in chunk_text(markdown)}
    assert set(from_pdf) == set(from_markdown)

    def comparable(text: str) -> str:
        return re.sub(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰*\s]", "", text)

    for locator, chunk in from_markdown.items():
        if locator != "front matter":  # the title page has no markup left to tell headings apart
            assert comparable(from_pdf[locator].text) == comparable(chunk.text), locator
    assert from_pdf["para. 10"].text.endswith("this kind of cooperation.⁵")
    assert from_pdf["para. 65"].section.endswith("1. International Framework for Action to Implement the Trafficking in Persons Protocol")
    assert from_pdf["para. 44, bullet 12"].section.startswith("IV. Practical challenges")
