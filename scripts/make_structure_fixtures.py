"""Render the structure corpus (tests/fixtures/structure/src/*.md) to .md, .html, .docx and .pdf.

    python scripts/make_structure_fixtures.py        # writes tests/fixtures/structure/<name>.<ext>

The sources are our own texts (a treaty, a national law, a guide, a UN-style report, an
EU-style act) in a small markdown dialect: "#"/"##"/"###" headings, "1." numbered
paragraphs, "(a)"/"(i)" items, "(1)" subsections or recitals, "- " bullets, "[^n]" notes.
Each is rendered the way such documents reach us:

* HTML with <ol> numbering (nested <ol type="a"> for items), a navigation menu and notes;
* DOCX with real heading styles and Word automatic numbering (numbering.xml definitions,
  restarted per article), so no list number is in the text itself;
* PDF laid out by reportlab: running header with the title, "Page N" footers, the notes at
  the end, and (for the treaty) a cover page labelled "i" before pages 1, 2, 3...

    python scripts/make_structure_fixtures.py tests/fixtures/structure_intl   # another corpus

Laws in Spanish, French and Portuguese (tests/fixtures/structure_intl) also use "####"
article headings, "a)" letters and Brazilian "I –" incisos: HTML prints those markers as
text (as official gazettes do), DOCX numbers them automatically ("%1)", "%1 –"), the PDF
prints them.

Generated files are committed: CI has no reportlab run, only what .ci/run installs.
"""

from __future__ import annotations

import html
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "tests" / "fixtures" / "structure" / "src"
OUT = ROOT / "tests" / "fixtures" / "structure"
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}


@dataclass
class El:
    kind: str  # title | h2 | h3 | h4 | num | alpha | roman | paren | letter | inciso | bullet | note | para
    text: str
    marker: str = ""


def parse(source: str) -> list[El]:
    out: list[El] = []
    for block in re.split(r"\n\s*\n", source.strip()):
        line = " ".join(block.split())
        if m := re.match(r"^(#{1,4}) (.*)$", line):
            out.append(El({1: "title", 2: "h2", 3: "h3", 4: "h4"}[len(m.group(1))], m.group(2)))
        elif m := re.match(r"^([a-z])\) (.*)$", line):  # "a) ..." (Spanish, French, Portuguese)
            out.append(El("letter", m.group(2), m.group(1)))
        elif m := re.match(r"^([IVXL]+) – (.*)$", line):  # Brazilian inciso "I – ..."
            out.append(El("inciso", m.group(2), m.group(1)))
        elif m := re.match(r"^\[\^(\d+)\]: (.*)$", line):
            out.append(El("note", m.group(2), m.group(1)))
        elif m := re.match(r"^(\d+)\. (.*)$", line):
            out.append(El("num", m.group(2), m.group(1)))
        elif m := re.match(r"^\((\d+)\) (.*)$", line):
            out.append(El("paren", m.group(2), m.group(1)))
        elif m := re.match(r"^\(([a-z]{1,4})\) (.*)$", line):
            prev_alpha = next((e.marker for e in reversed(out) if e.kind == "alpha"), "")
            is_roman = m.group(1) in _ROMAN and (
                (out and out[-1].kind == "roman") or (m.group(1) == "i" and prev_alpha != "h" and out[-1].kind != "alpha")
            )
            out.append(El("roman" if is_roman else "alpha", m.group(2), m.group(1)))
        elif line.startswith("- "):
            out.append(El("bullet", line[2:]))
        else:
            out.append(El("para", line))
    return out


def _inline_html(text: str) -> str:
    return re.sub(r"\[\^(\d+)\]", r'<sup><a href="#fn\1">\1</a></sup>', html.escape(text, quote=False))


# --- HTML --------------------------------------------------------------------------------


def to_html(els: list[El]) -> str:
    title = next(e.text for e in els if e.kind == "title")
    body: list[str] = [
        "<nav><a href='/'>Home</a> | <a href='/library'>Library</a> | <a href='/contact'>Contact</a></nav>"
    ]
    stack: list[str] = []  # open <ol><li> pairs, by kind (num, alpha, roman), innermost last
    depth = {"num": 0, "alpha": 1, "roman": 2}

    def close_all() -> None:
        while stack:
            stack.pop()
            body.append("</li></ol>")

    for e in els:
        if e.kind in depth:
            while stack and depth[stack[-1]] > depth[e.kind]:
                stack.pop()
                body.append("</li></ol>")
            if stack and stack[-1] == e.kind:
                body.append(f"</li><li>{_inline_html(e.text)}")
            else:
                kind = {"num": "", "alpha": ' type="a"', "roman": ' type="i"'}[e.kind]
                start = f' start="{e.marker}"' if e.kind == "num" and e.marker != "1" else ""
                body.append(f"<ol{kind}{start}><li>{_inline_html(e.text)}")
                stack.append(e.kind)
            continue
        close_all()
        if e.kind == "title":
            body.append(f"<h1>{html.escape(e.text)}</h1>")
        elif e.kind in ("h2", "h3", "h4"):
            body.append(f"<{e.kind}>{html.escape(e.text)}</{e.kind}>")
        elif e.kind == "letter":
            body.append(f'<p class="letra">{e.marker}) {_inline_html(e.text)}</p>')
        elif e.kind == "inciso":
            body.append(f'<p class="inciso">{e.marker} – {_inline_html(e.text)}</p>')
        elif e.kind == "paren":
            body.append(f"<p>({e.marker}) {_inline_html(e.text)}</p>")
        elif e.kind == "bullet":
            body.append(f"<ul><li>{_inline_html(e.text)}</li></ul>")
        elif e.kind == "note":
            body.append(f'<p class="footnote" id="fn{e.marker}"><sup>{e.marker}</sup> {html.escape(e.text)}</p>')
        else:
            body.append(f"<p>{_inline_html(e.text)}</p>")
    close_all()
    return (
        f"<!DOCTYPE html>\n<html lang='{_language(title)}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:serif}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


# --- DOCX --------------------------------------------------------------------------------

_ABSTRACT = {  # abstractNumId: [(numFmt, lvlText) per level]
    90: [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")],
    91: [("lowerLetter", "(%1)"), ("lowerRoman", "(%2)")],
    92: [("lowerRoman", "(%1)")],
    93: [("decimal", "(%1)")],
    94: [("bullet", "•")],
    95: [("lowerLetter", "%1)")],
    96: [("upperRoman", "%1 –"), ("lowerLetter", "%2)")],
    97: [("decimal", "%1."), ("lowerLetter", "%2)")],
}


def to_docx(els: list[El], path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    for abstract_id, levels in _ABSTRACT.items():
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'))
    next_num = [200]

    def new_list(abstract_id: int) -> int:
        next_num[0] += 1
        numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{next_num[0]}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        ))
        return next_num[0]

    def numbered(text: str, num_id: int, level: int) -> None:
        paragraph = document.add_paragraph(style="List Paragraph")
        _runs(paragraph, text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
        ))

    title = next(e.text for e in els if e.kind == "title")
    document.core_properties.title = title
    header = document.sections[0].header.paragraphs[0]
    header.text = title
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))
    lists: dict[str, int] = {}  # the open list per kind; a heading or a plain paragraph ends them
    gazette = any(e.kind == "letter" for e in els)  # "a)" letters: numbered paragraphs number them too
    last_num = 0  # a numbered list that goes on after a heading (a report's global paragraphs)
    for e in els:
        if e.kind == "title":
            document.add_paragraph(e.text, style="Title")
        elif e.kind in ("h2", "h3", "h4"):
            document.add_heading(e.text, level={"h2": 1, "h3": 2, "h4": 3}[e.kind])
            lists.clear()
        elif e.kind in ("letter", "inciso"):
            _number_gazette_item(e, lists, new_list, numbered)
        elif e.kind == "num":
            if "num" not in lists:
                lists.clear()
                lists["num"] = last_num if e.marker != "1" and last_num else new_list(97 if gazette else 90)
                last_num = lists["num"]
            lists.pop("top-alpha", None)
            lists.pop("top-roman", None)
            numbered(e.text, lists["num"], 0)
        elif e.kind == "alpha":
            if "num" in lists:
                numbered(e.text, lists["num"], 1)
            else:
                lists.setdefault("top-alpha", new_list(91))
                numbered(e.text, lists["top-alpha"], 0)
        elif e.kind == "roman":
            if "num" in lists and "top-alpha" not in lists:
                # directly under a numbered paragraph: its own (i), (ii) list
                lists.setdefault("top-roman", new_list(92))
                numbered(e.text, lists["top-roman"], 0)
            else:
                numbered(e.text, lists.get("top-alpha") or new_list(91), 1)
        elif e.kind == "paren":
            lists.setdefault("paren", new_list(93))
            numbered(e.text, lists["paren"], 0)
        elif e.kind == "bullet":
            lists.setdefault("bullet", new_list(94))
            numbered(e.text, lists["bullet"], 0)
        elif e.kind == "note":
            paragraph = document.add_paragraph()
            run = paragraph.add_run(e.marker)
            run.font.superscript = True
            paragraph.add_run(" " + e.text)
        else:
            if not e.text.endswith(":"):
                lists.clear()
            lists.pop("inciso", None)  # incisos restart under each article and §
            lists.pop("letter", None)
            _runs(document.add_paragraph(), e.text)
    document.save(str(path))


def _number_gazette_item(e: El, lists: dict[str, int], new_list, numbered) -> None:
    """"a)" letters under a "1." paragraph, under an inciso or on their own; incisos "I –"."""
    if e.kind == "inciso":
        if "inciso" not in lists:
            lists.clear()
            lists["inciso"] = new_list(96)
        numbered(e.text, lists["inciso"], 0)
    elif "inciso" in lists:
        numbered(e.text, lists["inciso"], 1)
    elif "num" in lists:
        numbered(e.text, lists["num"], 1)
    else:
        lists.setdefault("letter", new_list(95))
        numbered(e.text, lists["letter"], 0)


def _language(title: str) -> str:
    words = set(re.findall(r"\w+", title.casefold()))
    for lang, marks in (("es", {"ley", "de", "materia"}), ("fr", {"convention", "relative", "aux"}), ("pt", {"lei", "nº"})):
        if len(words & marks) >= 2:
            return lang
    return "en"


def _runs(paragraph, text: str) -> None:
    for piece in re.split(r"(\[\^\d+\])", text):
        if m := re.fullmatch(r"\[\^(\d+)\]", piece):
            paragraph.add_run(m.group(1)).font.superscript = True
        elif piece:
            paragraph.add_run(piece)


# --- PDF ---------------------------------------------------------------------------------


def to_pdf(els: list[El], path: Path, cover: bool) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    regular, bold, italic = _fonts()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=regular, fontSize=11.5, leading=15, spaceAfter=7)
    item = ParagraphStyle("item", parent=body, leftIndent=1.2 * cm)
    sub = ParagraphStyle("sub", parent=body, leftIndent=2.0 * cm)
    note = ParagraphStyle("note", parent=body, fontSize=9, leading=11)
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=14)
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=13.5, leading=17, spaceBefore=8)
    h3 = ParagraphStyle("h3", parent=body, fontName=bold, fontSize=12, leading=15, spaceBefore=4)
    h4 = ParagraphStyle("h4", parent=body, fontName=bold, fontSize=11.5, leading=15, spaceBefore=4)
    title = next(e.text for e in els if e.kind == "title")

    def inline(text: str) -> str:
        return re.sub(r"\[\^(\d+)\]", r"<super>\1</super>", html.escape(text, quote=False))

    story: list = []
    if cover:
        story += [Spacer(1, 6 * cm), Paragraph(html.escape(title), h1), Paragraph("Text adopted by the Parties", body), PageBreak()]
    notes = [e for e in els if e.kind == "note"]
    for e in els:
        if e.kind == "title":
            story.append(Paragraph(html.escape(e.text), h1))
        elif e.kind == "h2":
            story.append(Paragraph(html.escape(e.text), h2))
        elif e.kind == "h3":
            story.append(Paragraph(html.escape(e.text), h3))
        elif e.kind == "h4":
            story.append(Paragraph(html.escape(e.text), h4))
        elif e.kind == "letter":
            story.append(Paragraph(f"{e.marker}) {inline(e.text)}", item))
        elif e.kind == "inciso":
            story.append(Paragraph(f"{e.marker} – {inline(e.text)}", body))
        elif e.kind == "num":
            story.append(Paragraph(f"{e.marker}. {inline(e.text)}", body))
        elif e.kind in ("alpha", "paren"):
            story.append(Paragraph(f"({e.marker}) {inline(e.text)}", item if e.kind == "alpha" else body))
        elif e.kind == "roman":
            story.append(Paragraph(f"({e.marker}) {inline(e.text)}", sub))
        elif e.kind == "bullet":
            story.append(Paragraph(f"• {inline(e.text)}", item))
        elif e.kind == "para":
            story.append(Paragraph(inline(e.text), body))
    if notes:
        story.append(Spacer(1, 0.4 * cm))
        story.append(Paragraph("_" * 20, note))
        story += [Paragraph(f"{n.marker} {html.escape(n.text)}", note) for n in notes]

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(italic, 9)
        number = doc.page - (1 if cover else 0)
        if not (cover and doc.page == 1):
            canvas.drawString(2 * cm, A4[1] - 1.3 * cm, title)
            canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"Page {number}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title, author="jitbot tests",
                            topMargin=2.2 * cm, bottomMargin=2.2 * cm, leftMargin=2.5 * cm, rightMargin=2.5 * cm)

    def first(canvas, doc) -> None:
        if cover:
            canvas.addPageLabel(0, style="ROMAN_LOWER")
            canvas.addPageLabel(1, style="ARABIC", start=1)
        decorate(canvas, doc)

    doc.build(story, onFirstPage=first, onLaterPages=decorate)


def _fonts() -> tuple[str, str, str]:
    """DejaVu Serif embedded (as a word processor would), else the PDF base fonts."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path("/usr/share/fonts/truetype/dejavu")
    names = {"Serif": "DejaVuSerif.ttf", "Serif-Bold": "DejaVuSerif-Bold.ttf", "Serif-Italic": "DejaVuSerif-Italic.ttf"}
    if not all((folder / f).exists() for f in names.values()):
        return "Times-Roman", "Times-Bold", "Times-Italic"
    for name, file in names.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    return "Serif", "Serif-Bold", "Serif-Italic"


def main() -> None:
    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else OUT
    for source in sorted((out / "src").glob("*.md")):
        els = parse(source.read_text(encoding="utf-8"))
        name = source.stem
        shutil.copyfile(source, out / f"{name}.md")
        (out / f"{name}.html").write_text(to_html(els), encoding="utf-8")
        to_docx(els, out / f"{name}.docx")
        to_pdf(els, out / f"{name}.pdf", cover=name == "treaty")
        print("wrote", name)


if __name__ == "__main__":
    main()
