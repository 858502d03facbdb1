"""Attacks on the bot through its buttons and commands, and the menus each member sees.

The real python-telegram-bot client against the stand-in Bot API. A client may send any
callback data on any message of its own chat, which is how the forgeries below are made.
"""

from __future__ import annotations

import json

import pytest

from bot.telegram import menus
from bot.telegram.callback_tokens import NOT_YOURS, STALE_BUTTON
from bot.telegram.handlers import SOMETHING_WRONG
from bot.telegram.kb_replies import EXPIRED
from tests.unit.test_kb_versions import GUIDE_V1, PERIOD

from .fake_bot_api import FakeBotAPI
from .telegram_harness import FakeModelServices, bot_settings, running_bot

PROSECUTOR, OTHER, COORDINATOR, ADMIN = 3001, 3002, 3003, 3004
GROUP = -100888


@pytest.fixture
def services(api, tmp_path):
    services = FakeModelServices(bot_settings(api, tmp_path / "data", telegram_max_rate=0))
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1, encoding="utf-8")
    services.knowledge_base.add_file(guide)
    services.users.add_user(PROSECUTOR, "prosecutor", "Ana")
    services.users.add_user(OTHER, "prosecutor", "Olga")
    services.users.add_user(COORDINATOR, "coordinator", "Carla")
    services.users.add_user(ADMIN, "admin", "Ben")
    services.users.add_group(GROUP, "JIT network")
    return services


@pytest.fixture
async def bot(services, api):
    async with running_bot(services, api) as running:
        yield running


async def press(bot, api, user_id: int, data: str, message) -> dict:
    """Press a button with `data` on `message`; the bot's answerCallbackQuery params."""
    callback_id = api.push_callback(user_id, data, message)
    [call] = await bot.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == callback_id)
    return call.params


def menu_of(api, scope: dict) -> list[str] | None:
    for key, commands in api.commands.items():
        if "|" not in key and json.loads(key) == scope:  # "|es": the menu for Spanish apps
            return [c["command"] for c in commands]
    return None


# --- 6: forgeable buttons -----------------------------------------------------------------
async def test_answer_buttons_work_only_for_the_member_and_chat_they_were_sent_to(bot, api, services):
    api.push_message(PROSECUTOR, PERIOD)
    [private_answer] = await bot.replies(PROSECUTOR)
    sources, thumbs_up, _ = (b["callback_data"] for b in private_answer.buttons())
    query_id = int(sources.split(":")[1])
    assert "six months" in private_answer.text

    api.push_message(OTHER, f"@jitbot_test_bot {PERIOD}", chat_id=GROUP, chat_type="supergroup")
    [group_answer] = await bot.replies(GROUP)
    group_sources = group_answer.buttons()[0]["callback_data"]
    group_query_id = int(group_sources.split(":")[1])
    assert group_query_id == query_id + 1  # query ids are sequential: they must not be the key

    forgeries = [
        (OTHER, sources, NOT_YOURS),  # the private answer's own button, pressed in the group
        (OTHER, thumbs_up, NOT_YOURS),
        (PROSECUTOR, sources, NOT_YOURS),  # even its owner, but in another chat
        (OTHER, f"src:{query_id}", STALE_BUTTON),  # the old unsigned form, a guessed id
        (OTHER, f"fb:{query_id}:1", STALE_BUTTON),
        (OTHER, f"src:{query_id}:AAAAAAAAAAAAAAAA", NOT_YOURS),  # a made-up tag
        (PROSECUTOR, group_sources, NOT_YOURS),  # another member's answer in the same group
    ]
    for user_id, data, refusal in forgeries:
        reply = await press(bot, api, user_id, data, group_answer)
        assert reply.get("text") == refusal, data
    assert len(api.sent_to(GROUP)) == 1  # no passage of anyone's answer was posted
    assert services.query_log.feedback(query_id) == []

    # Its owner, in its chat, still gets the sources.
    await press(bot, api, PROSECUTOR, sources, private_answer)
    passages = await bot.replies(PROSECUTOR, 2)
    assert "six months" in passages[1].text


async def test_a_feedback_value_other_than_up_or_down_is_refused_politely(bot, api, services):
    api.push_message(PROSECUTOR, PERIOD)
    [answer] = await bot.replies(PROSECUTOR)
    _, thumbs_up, _ = (b["callback_data"] for b in answer.buttons())
    _, query_id, _, tag = thumbs_up.split(":")
    for value in ("5", "0", "x"):
        reply = await press(bot, api, PROSECUTOR, f"fb:{query_id}:{value}:{tag}", answer)
        assert reply.get("text") == STALE_BUTTON
    assert services.query_log.feedback(int(query_id)) == []
    assert not [c for c in api.calls("answerCallbackQuery") if c.params.get("text") == SOMETHING_WRONG]
    await press(bot, api, PROSECUTOR, thumbs_up, answer)
    assert [f["value"] for f in services.query_log.feedback(int(query_id))] == [1]


async def test_a_confirmation_pressed_by_someone_else_changes_nothing_and_stays_for_its_owner(bot, api, services):
    api.push_message(COORDINATOR, "/kb remove jit-guide")
    [question] = await bot.replies(COORDINATOR)
    remove = question.buttons()[0]["callback_data"]
    api.push_message(ADMIN, "/help")
    [admin_message] = await bot.replies(ADMIN)
    reply = await press(bot, api, ADMIN, remove, admin_message)  # another editor, another chat
    assert reply.get("text") == EXPIRED
    assert services.catalogue.document("jit-guide")["status"] == "active"

    await press(bot, api, COORDINATOR, remove, question)
    await bot.wait_for("editMessageText", lambda c: "Removed" in c.params.get("text", ""))
    assert services.catalogue.document("jit-guide")["status"] != "active"


# --- 7: coordinator and admin commands only in private chats -------------------------------
@pytest.mark.parametrize("command", ["/kb", "/kb history", "/kb remove jit-guide", "/stats", "/unanswered"])
async def test_coordinator_and_admin_commands_are_declined_in_a_group(bot, api, services, command):
    api.push_message(COORDINATOR, "/help")  # the knowledge base has audit lines from the upload
    await bot.replies(COORDINATOR)
    user_id = ADMIN if command in ("/stats", "/unanswered") else COORDINATOR
    api.push_message(user_id, command, chat_id=GROUP, chat_type="supergroup")
    [reply] = await bot.replies(GROUP)
    assert "private chat" in reply.text and "\n" not in reply.text.strip()
    assert "jit-guide" not in reply.text and "Guide on joint" not in reply.text
    assert reply.buttons() == []
    await bot.wait_for("getUpdates", count=len(api.calls("getUpdates")) + 1)
    assert len(api.sent_to(GROUP)) == 1


async def test_a_file_sent_to_a_group_is_not_ingested_and_points_to_a_private_chat(bot, api, services):
    api.push_document(COORDINATOR, GUIDE_V1.replace("six", "nine").encode(), "jit-guide.md",
                      chat_id=GROUP, chat_type="supergroup")
    [reply] = await bot.replies(GROUP)
    assert "private chat" in reply.text
    assert services.catalogue.document("jit-guide")["current_version"] == 1


# --- command menus per role and chat type -------------------------------------------------
async def test_each_member_gets_the_menu_of_their_role_and_it_follows_role_changes(bot, api, services):
    await bot.wait_for("getUpdates")
    assert menu_of(api, {"type": "default"}) == ["start"]
    assert "register" in menu_of(api, {"type": "all_group_chats"})
    assert "kb" not in menu_of(api, {"type": "all_group_chats"})
    prosecutor = menu_of(api, {"type": "chat", "chat_id": PROSECUTOR})
    coordinator = menu_of(api, {"type": "chat", "chat_id": COORDINATOR})
    admin = menu_of(api, {"type": "chat", "chat_id": ADMIN})
    assert "kb" not in prosecutor and "stats" not in prosecutor
    assert "kb" in coordinator and "stats" in coordinator and "unanswered" not in coordinator
    assert {"kb", "stats", "unanswered"} <= set(admin)

    invite = services.users.create_invite("coordinator")
    api.push_message(7007, f"/start {invite.code}")
    await bot.replies(7007)
    assert "kb" in menu_of(api, {"type": "chat", "chat_id": 7007})

    # `jitbot users add|remove` in a shell: picked up by the refresh job.
    services.users.remove_user(COORDINATOR)
    services.users.add_user(PROSECUTOR, "admin")
    await menus.refresh(bot.application)
    assert menu_of(api, {"type": "chat", "chat_id": COORDINATOR}) is None  # back to the default
    assert "stats" in menu_of(api, {"type": "chat", "chat_id": PROSECUTOR})
    assert bot.application.job_queue.get_jobs_by_name(menus.REFRESH_JOB)


async def test_help_lists_what_the_member_can_do(bot, api):
    for user_id in (PROSECUTOR, COORDINATOR, ADMIN):
        api.push_message(user_id, "/help")
    [prosecutor] = await bot.replies(PROSECUTOR)
    [coordinator] = await bot.replies(COORDINATOR)
    [admin] = await bot.replies(ADMIN)
    assert "/kb" not in prosecutor.text and "/stats" not in prosecutor.text
    assert "/kb" in coordinator.text and "/stats" in coordinator.text and "/unanswered" not in coordinator.text
    assert "/kb" in admin.text and "/stats" in admin.text and "/unanswered" in admin.text


def test_users_add_and_remove_in_a_shell_update_the_member_s_menu_at_once(tmp_path):
    from click.testing import CliRunner

    from bot.cli import main

    with FakeBotAPI() as api:
        env = {"JITBOT_TELEGRAM_TOKEN": api.token, "JITBOT_TELEGRAM_API_URL": api.url}

        def run(*args):
            return CliRunner().invoke(main, ["--data-dir", str(tmp_path), "users", *args], env=env)

        assert run("add", "5005", "--role", "coordinator").exit_code == 0
        assert "kb" in menu_of(api, {"type": "chat", "chat_id": 5005})
        assert run("add", "5005", "--role", "admin").exit_code == 0
        assert "stats" in menu_of(api, {"type": "chat", "chat_id": 5005})
        assert run("remove", "5005").exit_code == 0
        assert menu_of(api, {"type": "chat", "chat_id": 5005}) is None
    gone = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "users", "add", "5006", "--role", "admin"], env=env)
    assert gone.exit_code == 0  # the member is added even when Telegram cannot be reached
    assert "Command menu not updated now" in gone.stderr
