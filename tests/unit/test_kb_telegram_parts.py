"""The small parts of Telegram uploads: file names, confirmations, progress and summaries."""

from __future__ import annotations

from pathlib import Path

from bot.telegram import kb_replies
from bot.telegram.kb_handlers import Pending, PendingConfirmations, safe_file_name
from bot.telegram.progress_message import UploadProgress
from knowledge.ingest import AddResult


def test_file_names_from_telegram_are_made_safe_but_stay_recognisable():
    assert safe_file_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert safe_file_name("C:\\Users\\ana\\Guía JIT 2024.pdf") == "Guía JIT 2024.pdf"
    assert safe_file_name("report<script>.docx") == "report_script_.docx"
    assert safe_file_name(None) == "document"
    assert safe_file_name("...") == "document"
    assert len(safe_file_name("x" * 300 + ".pdf")) == 104


def test_a_confirmation_is_answered_once_and_expires():
    clock = [1000.0]
    pending = PendingConfirmations(size=2, ttl=60, clock=lambda: clock[0])
    first = pending.put(Pending("remove", 1, {"document_id": "a"}))
    assert pending.pop(first).payload == {"document_id": "a"}
    assert pending.pop(first) is None  # a second press
    late = pending.put(Pending("remove", 1))
    clock[0] += 61
    assert pending.pop(late) is None
    tokens = [pending.put(Pending("remove", 1)) for _ in range(3)]
    assert pending.pop(tokens[0]) is None and pending.pop(tokens[2]) is not None  # bounded


class Shown:
    def __init__(self):
        self.texts = []

    def set(self, html):
        self.texts.append(html)


def test_upload_progress_lines():
    shown = Shown()
    progress = UploadProgress(shown, "a<b>.pdf")
    progress.stage("waiting")
    progress.stage("reading")
    progress.stage("indexing", 300)
    progress.advance(256)
    progress.stage("finishing")
    assert shown.texts == [
        "⏳ <b>a&lt;b&gt;.pdf</b>: waiting for another update of the knowledge base to finish…",
        "⏳ <b>a&lt;b&gt;.pdf</b>: reading the file…",
        "⏳ <b>a&lt;b&gt;.pdf</b>: indexing 0/300 passages…",
        "⏳ <b>a&lt;b&gt;.pdf</b>: indexing 256/300 passages…",
        "⏳ <b>a&lt;b&gt;.pdf</b>: switching answers to the new version…",
    ]


def test_summaries_say_what_happened_to_the_knowledge_base():
    path = Path("guide.pdf")
    added = AddResult(path, "added", "guide", 1, "Guide <2024>", 120, pages=14)
    assert kb_replies.ingest_summary(added) == (
        "✅ <b>Added</b> «Guide &lt;2024&gt;» as <code>guide</code> v1: 120 passages from 14 pages.\n"
        "Answers can quote it from now on.")
    updated = AddResult(path, "updated", "guide", 3, "Guide", 118, previous_version=2)
    assert "<code>guide</code> v3 replaces v2, 118 passages" in kb_replies.ingest_summary(updated)
    failed = AddResult(path, "failed", reason="no text found; this file needs OCR first")
    assert kb_replies.ingest_summary(failed) == (
        "❌ <b>guide.pdf</b>: no text found; this file needs OCR first. The knowledge base is unchanged.")
