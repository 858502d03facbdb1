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
