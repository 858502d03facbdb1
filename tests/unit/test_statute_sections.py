"""British and Commonwealth statutes: sections numbered without the word "Section", and schedules.

"1 Setting up a team" followed by "(1) ..." is a section, cited "section 1(2)"; its
paragraphs "(a)" stay with their subsection; "SCHEDULE 1" is cited "schedule 1, para. 2".
A guide's "1 Introduction" followed by prose stays a numbered heading of a guide.
"""

from __future__ import annotations

from knowledge.chunking import chunk_text
from knowledge.markdown_blocks import parse_blocks
from knowledge.unit_headings import is_legal

ACT = """# Joint Investigation Teams Act 2026

An Act to make provision about joint investigation teams.

## PART 1

## JOINT INVESTIGATION TEAMS

### 1 Setting up a joint investigation team

(1) The Director may agree with the competent authority of another State to set up a team.

(2) An agreement under subsection (1) must specify—

(a) the purpose of the team;

(b) the period for which it is set up.

### 2 Extension of the period

(1) The Director may extend the period of a team by a further 12 months.

(2) A period may not be extended beyond 48 months in total.

## SCHEDULE 1

## FORM OF AGREEMENT

1 The agreement must be in writing and signed by each competent authority.

2 A copy of the agreement must be sent to Eurojust within one month.
"""

GUIDE = """# Guide on joint investigation teams

## 1 Introduction

Joint investigation teams are set up by agreement. This guide explains how.

## 2 Planning

(1) Before the agreement is drafted, the partners meet.
"""


def test_statute_sections_and_schedule_paragraphs_get_the_locators_lawyers_write():
    chunks = {c.locator: c for c in chunk_text(ACT)}
    assert {"section 1(1)", "section 1(2)", "section 2(1)", "section 2(2)",
            "schedule 1, para. 1", "schedule 1, para. 2"} <= set(chunks)
    assert "the period for which it is set up" in chunks["section 1(2)"].text
    assert "Eurojust" in chunks["schedule 1, para. 2"].text


def test_a_guide_whose_first_numbered_heading_is_followed_by_prose_is_no_statute():
    assert not is_legal(parse_blocks(GUIDE))
    assert not any(c.locator.startswith("section 1(") for c in chunk_text(GUIDE))
