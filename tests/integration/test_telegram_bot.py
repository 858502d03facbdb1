"""The Telegram bot end to end: the real python-telegram-bot client, the stand-in Bot API.

The knowledge base is the bundled samples, indexed with the fake (hashing) embedder.
"""

from __future__ import annotations

import asyncio
import copy
import json

import pytest

from bot.settings import Settings
from knowledge.contact_query import ContactLookup as Lookup
from retrieval.answer import NOT_FOUND

from .telegram_harness import FakeModelServices, bot_settings, running_bot

MEMBER, ADMIN, STRANGER = 1001, 1002, 6666
GROUP = -100555
LOCATED = "Where are integrated joint investigations usually located?"


class FakeDirectory:
    """Two Italian contact points (one stale), ninety for 'everyone'; a note echoing the rest."""

    def find(self, text: str, scope=None) -> Lookup:
        lowered = text.lower()
        if "italy" in lowered:
            return Lookup([
                {"name": "Maria Rossi", "role": "JIT expert", "authority": "Procura di Roma", "country": "Italy",
                 "email": "m.rossi@example.it", "last_verified": "2025-09-01", "stale": False},
                {"name": "Luca Bianchi", "role": "Liaison prosecutor", "country": "Italy",
                 "phone": "+39 06 0000", "last_verified": "2021-02-01", "stale": True},
            ], intent="contact", countries=["IT"])
        if "everyone" in lowered:
            return Lookup([{"name": f"Prosecutor {i}", "role": "JIT contact point", "authority": "National office",
                            "country": "Utopia", "email": f"p{i}@example.org", "phone": "+1 555 0100",
                            "languages": "en, fr", "last_verified": "2025-01-01"} for i in range(90)], intent="contact")
        return Lookup(note=f"No contact point on file for: {text}", intent="contact")

    def for_question(self, question: str, scope=None) -> Lookup:
        return self.find(question) if "contact" in question.lower() else Lookup()


class ExplodingAnswers:
    """An answer service that fails: the error handler must speak for it."""

    def answer(self, question: str, scope=None):
        raise RuntimeError("index is corrupt\nTraceback (most recent call last): secret detail")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    services = FakeModelServices(Settings(data_dir=tmp_path_factory.mktemp("kb")))
    services.ensure_knowledge_base(lambda line: None)
    services.answer_service.answer(LOCATED)  # built and warm
    return services


@pytest.fixture
def services(api, knowledge, tmp_path):
    """Fresh members and query log per test; the module's knowledge base, with a directory."""
    services = FakeModelServices(bot_settings(api, tmp_path))
    services.catalogue = knowledge.catalogue
    services.directory = FakeDirectory()
    services.answer_service = copy.copy(knowledge.answer_service)
    services.answer_service.contact_finder = services.directory.for_question
    services.users.add_user(MEMBER, "prosecutor", "Ana")
    services.users.add_user(ADMIN, "admin", "Ben")
    return services


@pytest.fixture
async def bot(services, api):
    async with running_bot(services, api) as running:
        yield running


async def test_startup_talks_to_the_api_like_telegram_expects(bot, api):
    await bot.wait_for("getUpdates")
    methods = [c.method for c in api.calls()]
    assert methods.index("getMe") < methods.index("getUpdates")
    assert "deleteWebhook" in methods
    assert menu_of(api, {"type": "default"}) == ["start"]  # not a member yet: only joining works
    assert "register" in menu_of(api, {"type": "all_group_chats"})
    assert menu_of(api, {"type": "chat", "chat_id": MEMBER}) == ["help", "contacts", "sources", "language", "about"]
    spanish = {c["command"]: c["description"] for c in api.commands['{"type": "all_group_chats"}|es']}
    assert spanish["sources"] == "Los documentos que puedo citar"  # Telegram shows it to Spanish apps


def menu_of(api, scope: dict) -> list[str] | None:
    for key, commands in api.commands.items():
        if "|" not in key and json.loads(key) == scope:  # "|es": the menu for Spanish apps
            return [c["command"] for c in commands]
    return None


async def test_a_member_gets_a_cited_answer_with_buttons(bot, api, services):
    question = api.push_message(MEMBER, LOCATED)
    [reply] = await bot.replies(MEMBER)
    assert "usually located in the State of operation" in reply.text
    assert "[1] Best practices in joint investigations" in reply.text
    assert reply.reply_to == question["message_id"]
    assert [b["text"] for b in reply.buttons()] == ["📄 Sources", "👍", "👎"]
    typing = api.calls("sendChatAction")[0]
    assert typing.params["action"] == "typing" and typing.time < api.calls("sendMessage")[0].time
    query_id = int(reply.buttons()[1]["callback_data"].split(":")[1])
    logged = services.query_log.query(query_id)
    assert logged["question"] == LOCATED and logged["role"] == "prosecutor"
    assert logged["user"] == services.query_log.pseudonym(MEMBER)  # never the Telegram id itself
    assert logged["cited_passage_ids"] and logged["front_end"] == "telegram"


async def test_an_unrelated_question_is_plainly_not_covered(bot, api):
    api.push_message(MEMBER, "How tall is Mount Everest?")
    [reply] = await bot.replies(MEMBER)
    assert reply.text.startswith("Not in the knowledge base.")
    assert NOT_FOUND in reply.text
    assert [b["text"] for b in reply.buttons()] == ["👍", "👎"]


async def test_contacts_command_shows_contact_points_and_flags_stale_ones(bot, api):
    api.push_message(MEMBER, "/contacts Italy")
    [reply] = await bot.replies(MEMBER)
    assert "Contact points" in reply.text
    assert "Maria Rossi, JIT expert" in reply.text and "m.rossi@example.it" in reply.text
    assert "last verified 2021-02-01: check before use" in reply.text
    assert reply.text.count("check before use") == 1
    assert "Sources" not in reply.text  # the directory answers; no passage is quoted
    api.push_message(MEMBER, "/contacts")
    usage = (await bot.replies(MEMBER, 2))[1]
    assert usage.text.startswith("Tell me whose contact you need")


async def test_a_contact_question_in_plain_words_gets_the_contacts(bot, api):
    api.push_message(MEMBER, "Who is the contact point for JITs in Italy?")
    [reply] = await bot.replies(MEMBER)
    assert "Luca Bianchi, Liaison prosecutor" in reply.text


async def test_contacts_from_the_bundled_directory(bot, api, services, knowledge):
    services.directory = knowledge.directory
    api.push_message(MEMBER, "/contacts Italy")
    [reply] = await bot.replies(MEMBER)
    assert "Giulia Santangelo Ferri" in reply.text and "g.santangelo@dna-it.example" in reply.text


async def test_a_stranger_is_refused_once_then_ignored_until_invited(bot, api, services):
    api.push_message(STRANGER, LOCATED)
    [refusal] = await bot.replies(STRANGER)
    assert "only for members" in refusal.text and "network coordinator" in refusal.text
    assert "State of operation" not in refusal.text
    api.push_message(STRANGER, "/sources")
    api.push_message(STRANGER, "/start not-a-real-code")
    invite = services.users.create_invite("prosecutor")
    api.push_message(STRANGER, f"/start {invite.code}")
    replies = await bot.replies(STRANGER, 2)  # updates of one chat are handled in order
    assert replies[1].text.startswith("Welcome! You are now a member (prosecutor).")
    assert len(api.sent_to(STRANGER)) == 2  # the two messages in between got silence
    assert services.users.member(STRANGER).role == "prosecutor"
    api.push_message(STRANGER, LOCATED)
    answer = (await bot.replies(STRANGER, 3))[2]
    assert "State of operation" in answer.text


async def test_a_used_invitation_does_not_enrol_a_second_person(bot, api, services):
    invite = services.users.create_invite("coordinator", uses=1)
    # Chats are served concurrently, so the second person writes once the first is in.
    api.push_message(2001, f"/start {invite.code}")
    first = (await bot.replies(2001))[0]
    api.push_message(2002, f"/start {invite.code}")
    second = (await bot.replies(2002))[0]
    assert first.text.startswith("Welcome!")
    assert "already been used" in second.text and "network coordinator" in second.text
    assert services.users.member(2002) is None


async def test_a_long_answer_is_split_and_only_the_last_part_has_buttons(bot, api):
    question = api.push_message(MEMBER, "/contacts everyone")
    await bot.wait_for("sendMessage", lambda c: c.params.get("reply_markup"))
    # The stand-in logs a call before it stores the message: wait for every part to be stored.
    calls = [c for c in api.calls("sendMessage") if str(c.params.get("chat_id")) == str(MEMBER)]
    parts = await bot.replies(MEMBER, len(calls))
    assert len(parts) >= 2
    assert all(len(p.text) <= 4096 for p in parts)
    assert parts[0].reply_to == question["message_id"] and parts[1].reply_to is None
    assert [bool(p.buttons()) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert sum(p.text.count("Prosecutor ") for p in parts) == 90


async def test_html_and_markdown_in_a_question_are_shown_as_typed(bot, api):
    nasty = 'contact <b>for</b> <script>alert("x")</script> *bold* _it_ `code` [a](http://x) & 1<2'
    api.push_message(MEMBER, nasty)
    [reply] = await bot.replies(MEMBER)  # the stand-in refuses any HTML Telegram would refuse
    assert f"No contact point on file for: {' '.join(nasty.split())}" in reply.text
    assert not api.sent_to(MEMBER)[0].html.count("<script>")


async def test_an_overlong_question_gets_a_polite_one_line_refusal(bot, api, services):
    api.push_message(MEMBER, "w" * 5000)
    [reply] = await bot.replies(MEMBER)
    assert "characters long" in reply.text and "\n" not in reply.text
    assert services.query_log.query(1)["error"].startswith("The question is 5000 characters long")


async def test_feedback_and_sources_buttons(bot, api, services):
    api.push_message(MEMBER, LOCATED)
    [answer] = await bot.replies(MEMBER)
    sources, thumbs_up, _ = answer.buttons()
    query_id = int(thumbs_up["callback_data"].split(":")[1])
    api.push_callback(MEMBER, thumbs_up["callback_data"], answer)
    await bot.wait_for("answerCallbackQuery", lambda c: "feedback is recorded" in c.params.get("text", ""))
    await bot.wait_for("editMessageReplyMarkup")
    assert [b["text"] for b in answer.buttons()] == ["📄 Sources", "👍 ✓", "👎"]
    assert [(f["user"], f["value"]) for f in services.query_log.feedback(query_id)] == [
        (services.query_log.pseudonym(MEMBER), 1)]
    api.push_callback(MEMBER, sources["callback_data"], answer)
    passages = await bot.replies(MEMBER, 2)
    assert passages[1].reply_to == answer.message_id
    assert "[1] Best practices in joint investigations" in passages[1].text
    assert "<blockquote>" in passages[1].html
    assert "usually located in the State of operation" in passages[1].text


async def test_sources_of_an_answer_from_before_a_restart_come_from_the_log(bot, api):
    api.push_message(MEMBER, LOCATED)
    [answer] = await bot.replies(MEMBER)
    bot.application.bot_data["recent"].items.clear()  # as after a restart
    api.push_callback(MEMBER, answer.buttons()[0]["callback_data"], answer)
    passages = await bot.replies(MEMBER, 2)
    assert "usually located in the State of operation" in passages[1].text


async def test_flood_control_429_is_waited_out_and_the_answer_arrives(bot, api):
    api.fail_next("sendMessage", times=1)
    api.push_message(MEMBER, LOCATED)
    [reply] = await bot.replies(MEMBER)
    assert "State of operation" in reply.text
    attempts = api.calls("sendMessage")
    assert len(attempts) == 2 and attempts[1].time - attempts[0].time >= 1.0


async def test_a_network_error_is_retried_and_the_answer_arrives(bot, api):
    api.fail_next("sendMessage", times=2, code=502, description="Bad Gateway")
    api.push_message(MEMBER, LOCATED)
    [reply] = await bot.replies(MEMBER)
    assert "State of operation" in reply.text
    assert len(api.calls("sendMessage")) == 3


async def test_a_bad_request_is_not_retried_and_the_member_hears_about_it(bot, api):
    api.fail_next("sendMessage", times=1, code=400, description="Bad Request: can't parse entities")
    api.push_message(MEMBER, LOCATED)
    [reply] = await bot.replies(MEMBER)
    assert reply.text.startswith("Sorry, something went wrong")
    assert len(api.calls("sendMessage")) == 2


async def test_questions_from_one_chat_are_answered_in_order(bot, api):
    questions = [api.push_message(MEMBER, q) for q in (LOCATED, "How tall is Mount Everest?", "/contacts Italy")]
    replies = await bot.replies(MEMBER, 3)
    assert [r.reply_to for r in replies] == [q["message_id"] for q in questions]


async def test_an_internal_error_is_one_polite_line(bot, api, services):
    services.answer_service = ExplodingAnswers()
    api.push_message(MEMBER, LOCATED)
    [reply] = await bot.replies(MEMBER)
    assert reply.text == "Sorry, something went wrong while answering. Please try again in a moment."
    assert "RuntimeError" in services.query_log.query(1)["error"]


async def test_groups_are_answered_once_registered_and_only_when_addressed(bot, api):
    api.push_message(MEMBER, "@jitbot_test_bot " + LOCATED, chat_id=GROUP, chat_type="supergroup")
    [refusal] = await bot.replies(GROUP)
    assert "not registered" in refusal.text
    api.push_message(MEMBER, "/register", chat_id=GROUP, chat_type="supergroup")  # not an admin: silence
    api.push_message(ADMIN, "/register@jitbot_test_bot", chat_id=GROUP, chat_type="supergroup")
    registered = (await bot.replies(GROUP, 2))[1]
    assert registered.text.startswith("This group is registered to the network default.")  # the only one
    api.push_message(5555, "just chatting about " + LOCATED, chat_id=GROUP, chat_type="supergroup")
    api.push_message(5555, f"{LOCATED} @jitbot_test_bot", chat_id=GROUP, chat_type="supergroup")
    answer = (await bot.replies(GROUP, 3))[2]
    assert "State of operation" in answer.text
    await asyncio.sleep(0.3)
    assert len(api.sent_to(GROUP)) == 3  # the message without a mention got no reply


async def test_sources_command_lists_the_documents(bot, api):
    api.push_message(MEMBER, "/sources")
    [reply] = await bot.replies(MEMBER)
    assert "holds 2 documents" in reply.text
    assert "Best practices in joint investigations and specialized prosecutions" in reply.text


async def test_webhook_mode_checks_the_secret_and_answers(api, services):
    import socket

    import httpx

    from bot.telegram.app import build_application, webhook_options

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    application = build_application(services)
    await application.initialize()
    try:
        await application.post_init(application)
        options = webhook_options("https://bot.example.org/telegram/hook", "127.0.0.1", port, "s3cret")
        await application.updater.start_webhook(**options)
        await application.start()
        try:
            assert api.webhook["url"] == "https://bot.example.org/telegram/hook"
            assert api.webhook["secret_token"] == "s3cret"
            message = api.push_message(MEMBER, LOCATED)  # also makes the chat known to the stand-in
            update = {"update_id": 1, "message": message}
            async with httpx.AsyncClient() as client:
                url = f"http://127.0.0.1:{port}/telegram/hook"
                forged = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
                assert forged.status_code == 403
                real = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"})
                assert real.status_code == 200
            [reply] = await asyncio.to_thread(api.wait_for_messages, MEMBER, 1, 15)
            assert "State of operation" in reply.text
            assert not api.calls("getUpdates")
        finally:
            await application.updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
        await application.post_shutdown(application)
