"""What real converters make of legal and policy texts (issue #10's held-out check).

pandoc, Chromium's print to PDF and LibreOffice write the same document in their own ways:
"(1)" recitals become an <ol> printed "1.", "(a)" items become "a.", footnotes go to a
footnotes part or an endnote list with "↩︎" back-links, tables are cells. Each test feeds a
small input of one such shape.
"""

from __future__ import annotations

from knowledge.chunking import chunk_text


def _locators(text: str) -> list[str]:
    return [c.locator for c in chunk_text(text)]


def test_numbered_lead_in_ending_with_a_dash_is_a_paragraph_not_a_heading():
    text = (
        "# Act\n\n## § 4 Agreement\n\n1. An agreement shall state—\n\n(a) the offences;\n\n(b) the members.\n\n"
        "2. The period shall not exceed a year.\n\n## § 5 Officers\n\n1. An officer may act.\n"
    )
    assert _locators(text) == ["§ 4(1)", "§ 4(2)", "§ 5(1)"]


def test_recitals_numbered_1_2_3_by_an_html_list_are_recitals():
    text = (
        "# Directive\n\nTHE COUNCIL,\n\nWhereas:\n\n1. Victims are often identified abroad.\n\n"
        "2. Victims need information in their language.\n\nHAS ADOPTED THIS DIRECTIVE:\n\n"
        "## Article 1\n\nThis Directive lays down rules.\n\n## Article 2\n\nIt applies to victims.\n"
    )
    assert _locators(text) == ["preamble", "recital 1", "recital 2", "preamble", "art. 1", "art. 2"]


def _load(tmp_path, name: str, data: bytes | str):
    from knowledge.loaders import load_document

    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return load_document(path)


PANDOC_HTML = """<html><head><title>Report</title></head><body>
<h1>Report</h1>
<ol><li><p>The session was held in Vienna.<a href="#fn1" class="footnote-ref" id="fnref1"
role="doc-noteref"><sup>1</sup></a></p></li>
<li><p>It was opened by the Chair.</p></li>
<li><p>Fifty-two States attended.</p></li></ol>
<table><thead><tr><th>Kind of data</th><th>Channel</th></tr></thead>
<tbody><tr><td>Subscriber information</td><td>Direct request</td></tr></tbody></table>
<section class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />
<ol><li id="fn1" role="doc-endnote"><p>See the fifth session.<a href="#fnref1" class="footnote-back"
role="doc-backlink">↩︎</a></p></li></ol></section>
</body></html>"""


def test_pandoc_html_endnotes_are_footnotes_and_a_table_is_one_passage(tmp_path):
    text = _load(tmp_path, "report.html", PANDOC_HTML).text
    assert "<sup>1</sup> See the fifth session." in text and "↩" not in text
    assert "Kind of data | Channel\nSubscriber information | Direct request" in text
    chunks = chunk_text(text)
    assert [c.text for c in chunks if c.kind == "footnote"] == ["See the fifth session."]
    assert [c.text for c in chunks if "Kind of data" in c.text] == [
        "Kind of data | Channel Subscriber information | Direct request"
    ]


def _docx_with_footnote(path):
    """A .docx as pandoc writes one: the note's text in footnotes.xml, an empty reference run."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_heading("Article 5 – Costs", level=2)
    paragraph = document.add_paragraph("1. The witness shall have access to health care.")
    paragraph._p.append(parse_xml(f'<w:r {w}><w:footnoteReference w:id="29"/></w:r>'))
    document.add_heading("Article 6 – Confidentiality", level=2)
    document.add_paragraph("1. Information shall be marked as confidential.")
    notes = (
        f'<w:footnotes {w}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:id="29"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
        "Access to employment may depend on a residence permit.</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        notes.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    document.save(path)


def test_docx_footnotes_part_is_read_and_numbered_by_reference_order(tmp_path):
    from knowledge.loaders import load_document

    _docx_with_footnote(tmp_path / "protocol.docx")
    text = load_document(tmp_path / "protocol.docx").text
    assert "health care.<sup>1</sup>" in text
    assert text.rstrip().endswith("<sup>1</sup> Access to employment may depend on a residence permit.")
    notes = [c for c in chunk_text(text) if c.kind == "footnote"]
    assert [(c.locator, c.section) for c in notes] == [("footnote 1", "Article 5 – Costs")]


def test_items_lettered_a_dot_as_browsers_and_libreoffice_print_them():
    text = (
        "# Protocol\n\n## Article 1 – Terms\n\nFor the purposes of this Protocol:\n\n"
        "a. \"witness\" means a person at risk;\n\nb. \"Party\" means a State.\n\n"
        "## Article 2 – Refusal\n\n1. A request may be refused only where:\n\n"
        "i. public security is endangered; or\n\nii. no programme exists.\n"
    )
    assert _locators(text) == ["art. 1", "art. 1(a)", "art. 1(b)", "art. 2(1)"]
    assert "ii. no programme exists." in chunk_text(text)[-1].text


def _pdf_text(pages: list[list[str]]) -> str:
    from knowledge.pdf_text import pages_to_markdown

    return pages_to_markdown(["\n".join(lines) for lines in pages])


def test_chromium_print_keeps_article_headings_at_page_tops_and_reads_endnotes():
    header = "12/3/26, 8:57 AM Protocol on Witness Protection"
    pages = [
        [header, "ARTICLE 1", "Use of terms", "1. This Protocol applies to witnesses at risk.", "file:///tmp/p.html 1/3"],
        [header, "ARTICLE 2", "Costs", "1. The witness shall have access to health care.1", "file:///tmp/p.html 2/3"],
        [header, "ARTICLE 3", "Hearing", "1. A witness may be heard by video conference.",
         "1. Access to employment may depend on a residence permit.↩", "file:///tmp/p.html 3/3"],
    ]
    text = _pdf_text(pages)
    assert "ARTICLE 2" in text and "ARTICLE 3" in text and "8:57" not in text and "file://" not in text
    assert "health care.<sup>1</sup>" in text
    chunks = chunk_text(text)
    assert [c.locator for c in chunks] == ["art. 1(1), p. 1", "art. 2(1), p. 2", "art. 3(1), p. 3", "footnote 1, p. 3"]
    assert chunks[-1].text == "Access to employment may depend on a residence permit."
    assert chunks[-1].section == "ARTICLE 2 – Costs"


def test_printed_numbered_heading_is_not_a_footnote_and_lettered_items_after_a_dash_split():
    pages = [[
        "Handbook on Digital Evidence",
        "1 Introduction",
        "1.1 Purpose",
        "This handbook helps investigators plan the collection of digital evidence in cases of trafficking.",
        "2 Sources",
        "2.1 Advertising",
        "Exploiters advertise fake job offers on classified advertisement sites and social media.",
    ]]
    chunks = chunk_text(_pdf_text(pages))
    assert [(c.locator, c.section) for c in chunks] == [
        ("section 1.1, p. 1", "1 Introduction › 1.1 Purpose"), ("section 2.1, p. 1", "2 Sources › 2.1 Advertising"),
    ]
    law = [[
        "§ 2 Interpretation", "In this Act, unless the context otherwise requires—",
        "a. “foreign officer” means an official of another State;", "b. “Minister” means the Minister of justice.",
        "§ 3 Authorities", "(1) The Prosecutor General may set up a joint team.",
    ]]
    assert [c.locator for c in chunk_text(_pdf_text(law))] == ["§ 2, p. 1", "§ 2(a), p. 1", "§ 2(b), p. 1", "§ 3(1), p. 1"]


def test_title_wrapped_by_a_browser_table_rows_and_enacting_formula_in_a_pdf():
    pages = [[
        "Handbook on Digital Evidence in",
        "Trafficking Investigations",
        "3 Obtaining data held abroad",
        "3.1 Choosing the channel",
        "The channel depends on the kind of data and on where the provider is established in the end.",
        "Kind of data Usual channel Typical delay",
        "Subscriber information Direct request to the provider 2 to 4 weeks",
        "3.2 Emergency disclosure",
        "Where there is a risk of death or serious injury, providers may disclose data voluntarily.",
    ]]
    chunks = chunk_text(_pdf_text(pages))
    assert "Trafficking Investigations" not in " ".join(c.text for c in chunks)
    assert [c.locator for c in chunks][-1] == "section 3.2, p. 1"
    assert chunks[-1].text.startswith("Where there is a risk")
    directive = [[
        "Directive on Assistance to Victims of Trafficking in",
        "Cross-Border Proceedings",
        "THE COUNCIL OF THE UNION,",
        "Having regard to the Treaty establishing the Union, and in particular Article 82 thereof, Whereas:",
        "1. Victims of trafficking in human beings are frequently identified in a Member State other than the one",
        "in which the criminal proceedings take place, and they are often unable to follow those proceedings.",
        "HAS ADOPTED THIS DIRECTIVE:",
        "Article 1",
        "Subject matter",
        "This Directive lays down minimum rules on the assistance to victims of trafficking in human beings.",
        "Article 2",
        "Scope",
        "It applies where the criminal proceedings concern more than one Member State of the Union.",
    ]]
    chunks = chunk_text(_pdf_text(directive))
    assert [c.locator for c in chunks] == ["preamble, p. 1", "recital 1, p. 1", "preamble, p. 1", "art. 1, p. 1", "art. 2, p. 1"]
    assert chunks[2].text == "HAS ADOPTED THIS DIRECTIVE:"


def test_endnote_list_copied_with_its_back_links_is_footnotes():
    paragraphs = "\n\n".join(f"{i}. Paragraph {i} of the report says something useful about cases." for i in range(1, 13))
    text = f"# Report\n\n{paragraphs}\n\n1. See the fifth session report.↩︎\n\n2. Two hundred names.↩︎\n"
    chunks = chunk_text(text)
    assert [c.locator for c in chunks[-3:]] == ["para. 12", "footnote 1", "footnote 2"]
    assert chunks[-1].text == "Two hundred names."


def test_libreoffice_raised_note_reference_inside_a_link_is_a_footnote_mark(tmp_path):
    import docx
    from docx.oxml import parse_xml

    from knowledge.loaders import load_document

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_heading("Article 5 – Costs", level=2)
    paragraph = document.add_paragraph("1. The witness shall have access to health care.")
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {w} w:anchor="fn1"><w:r><w:rPr><w:position w:val="8"/><w:sz w:val="19"/></w:rPr>'
        "<w:t>1</w:t></w:r></w:hyperlink>"
    ))
    document.add_heading("Article 6 – Confidentiality", level=2)
    document.add_paragraph("1. Information shall be marked as confidential.")
    document.add_paragraph("1. Access to employment may depend on a residence permit.↩︎")
    document.save(tmp_path / "protocol.docx")
    text = load_document(tmp_path / "protocol.docx").text
    assert "health care.<sup>1</sup>" in text
    notes = [c for c in chunk_text(text) if c.kind == "footnote"]
    assert [(c.locator, c.section, c.text) for c in notes] == [
        ("footnote 1", "Article 5 – Costs", "Access to employment may depend on a residence permit.")
    ]


def test_one_page_browser_print_loses_its_header_and_footer():
    page = [
        "12/3/26, 8:57 AM Practice note on video hearings",
        "Practice note on video hearings",
        "1. A victim may be heard by video link from the State where the victim lives.",
        "2. The hearing shall take place in a protected room with an interpreter present.",
        "ﬁle:///tmp/tmp.Seta5SoJRP/heldout/note.html 1/1",
    ]
    text = _pdf_text([page])
    assert "8:57" not in text and "file" not in text.replace("ﬁ", "fi") and "1/1" not in text
