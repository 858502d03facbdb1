"""Coordinators update the knowledge base from Telegram: the real client, the stand-in Bot API.

Files are sent as Telegram delivers them (a message with a Document); the bot fetches them
with getFile and the file download route, exactly as from api.telegram.org.
"""

from __future__ import annotations

import html
import re
import threading
from functools import cached_property

import pytest

from bot.telegram import progress_message
from bot.telegram.kb_replies import EDITORS_ONLY
from knowledge import audit
from retrieval.dense_index import DenseIndex
from tests import contact_rows
from tests.unit.test_cli_kb import OTHER
from tests.unit.test_kb_versions import BAD_FILES, GUIDE_V1, GUIDE_V2, PERIOD

from .telegram_harness import FakeModelServices, bot_settings, running_bot

COORDINATOR, ADMIN, PROSECUTOR, STRANGER = 2001, 2002, 2003, 6666


class GatedDenseIndex(DenseIndex):
    """Indexes a document only once the test opens the gate, so that it can watch meanwhile."""

    gate = threading.Event()

    def add(self, *args, **kwargs):
        assert self.gate.wait(30)
        super().add(*args, **kwargs)


class GatedServices(FakeModelServices):
    @cached_property
    def dense_index(self):
        GatedDenseIndex.gate = threading.Event()
        GatedDenseIndex.gate.set()
        return GatedDenseIndex(self.embedder, path=self.data_dir / "chroma")


@pytest.fixture
def services(api, tmp_path, monkeypatch):
    monkeypatch.setattr(progress_message, "EDIT_INTERVAL", 0.05)
    services = GatedServices(bot_settings(api, tmp_path / "data", telegram_max_rate=0))
    services.mark_initialised()  # an empty knowledge base, not the samples
    services.users.add_user(COORDINATOR, "coordinator", "Carla")
    services.users.add_user(ADMIN, "admin", "Ben")
    services.users.add_user(PROSECUTOR, "prosecutor", "Ana")
    return services


@pytest.fixture
async def bot(services, api):
    async with running_bot(services, api) as running:
        yield running


def kb_state(services):
    catalogue = services.catalogue
    return ([(d["id"], d["current_version"]) for d in catalogue.documents()], catalogue.passage_count(),
            len(audit.history(catalogue.db)), services.directory.count())


async def final_status(bot, api, chat_id: int, marker: str):
    """The upload's status message once its text contains `marker` (the summary)."""
    def shown(call) -> bool:
        text = html.unescape(re.sub("<[^>]+>", "", call.params.get("text", "")))
        return str(call.params.get("chat_id")) == str(chat_id) and marker in text

    await bot.wait_for("editMessageText", shown)
    [status] = [s for s in api.sent_to(chat_id) if marker in s.text]
    return status


async def ask(bot, api, user_id: int, question: str) -> str:
    before = len(api.sent_to(user_id))
    api.push_message(user_id, question)
    replies = await bot.replies(user_id, before + 1)
    return replies[-1].text


async def test_a_coordinator_uploads_a_document_watches_it_index_and_prosecutors_get_answers(bot, api, services):
    assert "not in the knowledge base" in (await ask(bot, api, PROSECUTOR, PERIOD)).lower()
    gate = services.dense_index.gate
    gate.clear()
    api.push_document(COORDINATOR, GUIDE_V1.encode(), "jit-guide.md")
    await bot.wait_for("getFile")
    await bot.wait_for("editMessageText", lambda c: "indexing 0/3 passages" in c.params.get("text", ""))
    assert services.catalogue.documents() == []  # not served while it is being indexed
    gate.set()
    status = await final_status(bot, api, COORDINATOR, "Added")
    assert status.text == ("✅ Added «Guide on joint investigation teams» as jit-guide v1: 3 passages.\n"
                           "Answers can quote it from now on.")
    assert api.calls("editMessageText")[-1].params["text"].startswith("✅ <b>Added</b>")
    assert "six months" in await ask(bot, api, PROSECUTOR, PERIOD)
    [row] = audit.history(services.catalogue.db)
    assert (row["action"], row["user"], row["role"], row["via"], row["name"], row["version_after"]) == (
        "add", f"telegram:{COORDINATOR}", "coordinator", "telegram", "Member", 1)


async def test_a_new_edition_with_the_same_name_replaces_the_old_one(bot, api, services):
    api.push_document(ADMIN, GUIDE_V1.encode(), "jit-guide.md")
    await final_status(bot, api, ADMIN, "Added")
    api.push_document(ADMIN, GUIDE_V1.encode(), "jit-guide.md")
    unchanged = await final_status(bot, api, ADMIN, "unchanged")
    assert "jit-guide v1). Nothing to do." in unchanged.text
    api.push_document(ADMIN, GUIDE_V2.encode(), "jit-guide.md")
    updated = await final_status(bot, api, ADMIN, "Updated")
    assert "jit-guide v2 replaces v1, 3 passages" in updated.text
    answer = await ask(bot, api, PROSECUTOR, PERIOD)
    assert "eighteen months" in answer and "six months" not in answer
    assert [(r["action"], r["role"]) for r in audit.history(services.catalogue.db)] == [
        ("update", "admin"), ("add", "admin")]


async def test_prosecutors_and_strangers_cannot_change_the_knowledge_base(bot, api, services):
    before = kb_state(services)
    api.push_document(PROSECUTOR, GUIDE_V1.encode(), "jit-guide.md")
    [refusal] = await bot.replies(PROSECUTOR)
    assert refusal.text == EDITORS_ONLY
    api.push_message(PROSECUTOR, "/kb")
    assert (await bot.replies(PROSECUTOR, 2))[-1].text == EDITORS_ONLY
    api.push_document(STRANGER, GUIDE_V1.encode(), "jit-guide.md")
    [stranger] = await bot.replies(STRANGER)
    assert "only for members" in stranger.text
    assert not api.calls("getFile")
    assert kb_state(services) == before


async def test_files_too_big_for_telegram_or_of_other_types_are_refused(bot, api, services):
    before = kb_state(services)
    big = {"file_id": "big-1", "file_unique_id": "ubig-1", "file_name": "annual-report.pdf",
           "mime_type": "application/pdf", "file_size": 25 * 1024 * 1024}
    api.push_message(COORDINATOR, document=big)
    [too_big] = await bot.replies(COORDINATOR)
    assert too_big.text.startswith("annual-report.pdf is 25.0 MB: Telegram lets bots download files of up to 20 MB")
    api.push_document(COORDINATOR, b"MZ\x90\x00", "tool.exe")
    wrong = (await bot.replies(COORDINATOR, 2))[-1]
    assert wrong.text.startswith("I cannot add tool.exe: send a PDF, DOCX, TXT, MD or HTML document")
    assert not api.calls("getFile")
    assert kb_state(services) == before


async def test_each_kind_of_bad_file_gets_a_message_naming_it_and_the_reason(bot, api, services, tmp_path):
    api.push_document(COORDINATOR, GUIDE_V1.encode(), "jit-guide.md")
    await final_status(bot, api, COORDINATOR, "Added")
    before = kb_state(services)
    for name, (make, reason) in BAD_FILES.items():
        api.push_document(COORDINATOR, make(tmp_path), name)
        status = await final_status(bot, api, COORDINATOR, f"❌ {name}")
        assert status.text == f"❌ {name}: {reason}" + status.text.split(reason, 1)[1]
        assert status.text.endswith(". The knowledge base is unchanged.")
    assert kb_state(services) == before


async def test_a_contacts_file_is_checked_and_applied_only_when_apply_is_pressed(bot, api, services, tmp_path):
    rows = [list(r) for r in contact_rows.ROWS]
    rows[2][contact_rows.HEADER.index("email")] = "not-an-email"
    api.push_document(COORDINATOR, contact_rows.csv_text(rows).encode(), "directory.csv")
    invalid = await final_status(bot, api, COORDINATOR, "rows are invalid")
    assert "row 4, email: 'not-an-email' is not an email address" in invalid.text
    assert "Nothing was changed" in invalid.text and not invalid.buttons()

    api.push_document(COORDINATOR, contact_rows.csv_text().encode(), "directory.csv")
    report = await final_status(bot, api, COORDINATOR, "all valid")
    assert "6 added, 0 changed, 0 unchanged, 0 removed" in report.text
    assert "+ cp-022  Pieter van Dalsum (NL, JITs Network)" in report.text
    assert [b["text"] for b in report.buttons()] == ["✅ Apply", "✖ Cancel"]
    assert services.directory.count() == 0  # nothing before the button
    apply = report.buttons()[0]["callback_data"]
    api.push_callback(COORDINATOR, apply, report)
    applied = await final_status(bot, api, COORDINATOR, "✅ Applied")
    assert applied.text.endswith("✅ Applied: 6 added, 0 changed, 0 unchanged, 0 removed.")
    assert not applied.buttons()
    assert services.directory.count() == 6
    [row] = audit.history(services.catalogue.db)
    assert (row["action"], row["user"], row["role"]) == ("contacts", f"telegram:{COORDINATOR}", "coordinator")
    api.push_callback(COORDINATOR, apply, report)  # a second press (e.g. from another device)
    await bot.wait_for("answerCallbackQuery", lambda c: "expired" in c.params.get("text", ""))
    assert len(audit.history(services.catalogue.db)) == 1


async def test_kb_lists_documents_and_removal_asks_for_confirmation(bot, api, services):
    api.push_document(COORDINATOR, GUIDE_V1.encode(), "jit-guide.md")
    await final_status(bot, api, COORDINATOR, "Added")
    api.push_message(COORDINATOR, "/kb")
    listing = (await bot.replies(COORDINATOR, 2))[-1]
    assert "1 document served" in listing.text and "jit-guide · v1 · 3 passages" in listing.text

    api.push_message(COORDINATOR, "/kb remove jit-guide")
    question = (await bot.replies(COORDINATOR, 3))[-1]
    assert question.text.startswith("Remove «Guide on joint investigation teams» (jit-guide v1)")
    api.push_callback(COORDINATOR, question.buttons()[1]["callback_data"], question)
    await final_status(bot, api, COORDINATOR, "Cancelled")
    assert "six months" in await ask(bot, api, PROSECUTOR, PERIOD)

    api.push_message(COORDINATOR, "/kb remove jit-guide")
    question = (await bot.replies(COORDINATOR, 4))[-1]
    api.push_callback(COORDINATOR, question.buttons()[0]["callback_data"], question)
    removed = await final_status(bot, api, COORDINATOR, "🗑 Removed")
    assert "(jit-guide v1, 3 passages): answers no longer quote it." in removed.text
    assert "six months" not in await ask(bot, api, PROSECUTOR, PERIOD)
    api.push_message(COORDINATOR, "/kb history")
    history = (await bot.replies(COORDINATOR, 5))[-1]
    assert "remove   jit-guide  v1 → –  by telegram:2001 (Member) [coordinator] via telegram" in history.text


async def test_help_tells_coordinators_how_files_are_told_apart(bot, api):
    api.push_message(COORDINATOR, "/help")
    api.push_message(PROSECUTOR, "/help")
    [coordinator] = await bot.replies(COORDINATOR)
    [prosecutor] = await bot.replies(PROSECUTOR)
    assert "A .csv or .xlsx file is read as the contacts directory" in coordinator.text
    assert "/kb" in coordinator.text and "/kb" not in prosecutor.text


async def test_two_uploads_take_turns_while_questions_are_still_answered(bot, api, services):
    gate = services.dense_index.gate
    gate.clear()
    api.push_document(COORDINATOR, GUIDE_V1.encode(), "jit-guide.md")
    await bot.wait_for("editMessageText", lambda c: "indexing 0/3 passages" in c.params.get("text", ""))
    api.push_document(ADMIN, OTHER.encode(), "seconded.md")
    await bot.wait_for("editMessageText", lambda c: "waiting for another update" in c.params.get("text", ""))
    assert "not in the knowledge base" in (await ask(bot, api, PROSECUTOR, PERIOD)).lower()
    assert "not in the knowledge base" in (await ask(bot, api, COORDINATOR, PERIOD)).lower()  # chat not blocked
    gate.set()
    await final_status(bot, api, COORDINATOR, "Added")
    await final_status(bot, api, ADMIN, "Added")
    assert [d["id"] for d in services.catalogue.documents()] == ["jit-guide", "seconded"]
    assert services.knowledge_base.check().is_clean


async def test_an_unreadable_contacts_workbook_is_one_line_and_changes_nothing(bot, api, services):
    api.push_document(COORDINATOR, b"PK\x03\x04 not really a workbook", "directory.xlsx")
    status = await final_status(bot, api, COORDINATOR, "❌")
    assert status.text == "❌ directory.xlsx: not a readable .xlsx workbook. Nothing was changed."
    assert services.directory.count() == 0 and not status.buttons()
