"""Networks in Telegram: what members, groups and coordinators of one network see and change.

The real python-telegram-bot client against the stand-in Bot API; the knowledge base holds a
public document and one restricted document per network, each naming a different secret
channel, so that a leak shows as the other network's word anywhere the bot writes.
"""

from __future__ import annotations

import html
import re

import pytest

from bot.telegram import progress_message
from tests import contact_rows

from .telegram_harness import FakeModelServices, bot_settings, running_bot

RED, WACAP_MEMBER, RED_COORD, BOTH_COORD, ADMIN = 3001, 3002, 3003, 3004, 3005
WACAP_GROUP = -100777

PUBLIC_DOC = ("# Public guide on extradition\n\n"
              "1. Urgent extradition requests are usually sent through the central authority of the "
              "requested State.\n\n2. The central authority keeps a register of pending requests.\n")
RED_DOC = ("# REDTRAM operational note\n\n"
           "1. Urgent extradition requests within the network are sent through the Quetzal desk in Lima, "
           "which answers within two days (code word Tangerine).\n\n"
           "2. The Quetzal desk keeps a register of liaison prosecutors (code word Tangerine).\n")
WACAP_DOC = ("# WACAP operational note\n\n"
             "1. Urgent extradition requests within the network are sent through the Baobab desk in Dakar, "
             "which answers within two days (code word Mangrove).\n\n"
             "2. The Baobab desk keeps a register of liaison prosecutors (code word Mangrove).\n")
QUESTIONS = ("Through which desk are urgent extradition requests within the network sent?",
             "Which desk handles urgent extradition requests?",
             "Tell me about the Baobab desk in Dakar",
             "Tell me about the Quetzal desk in Lima",
             "Who keeps a register of liaison prosecutors?")


@pytest.fixture
def services(api, tmp_path, monkeypatch):
    monkeypatch.setattr(progress_message, "EDIT_INTERVAL", 0.05)
    services = FakeModelServices(bot_settings(api, tmp_path / "data", telegram_max_rate=0))
    services.mark_initialised()
    services.networks.add("redtram", name="REDTRAM", languages="es,pt")
    services.networks.add("wacap", name="WACAP", languages="fr,en")
    users = services.users
    users.add_user(RED, "prosecutor", "Rosa", network="redtram")
    users.add_user(WACAP_MEMBER, "prosecutor", "Wale", network="wacap")
    users.add_user(RED_COORD, "coordinator", "Carla", network="redtram")
    users.add_user(BOTH_COORD, "coordinator", "Bea", network="redtram")
    users.add_user(BOTH_COORD, "coordinator", network="wacap")
    users.add_user(ADMIN, "admin", "Ben")
    users.add_group(WACAP_GROUP, "WACAP desk", network="wacap")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text, networks in (("public-guide.md", PUBLIC_DOC, ()), ("red-note.md", RED_DOC, ("redtram",)),
                                 ("wacap-note.md", WACAP_DOC, ("wacap",))):
        (folder / name).write_text(text)
        assert services.knowledge_base.add_file(folder / name, networks=networks).status == "added"
    return services


@pytest.fixture
async def bot(services, api):
    async with running_bot(services, api) as running:
        yield running


def plain(text: str) -> str:
    return html.unescape(re.sub("<[^>]+>", "", text))


async def say(bot, api, user_id: int, text: str, chat_id: int | None = None, chat_type: str = "private") -> list:
    """Everything the bot sends to the chat in reply (waits for one more message)."""
    chat = user_id if chat_id is None else chat_id
    before = len(api.sent_to(chat))
    api.push_message(user_id, text, chat_id=chat_id, chat_type=chat_type, chat_title="WACAP desk")
    sent = await bot.replies(chat, before + 1)
    return sent[before:]


async def press_sources(bot, api, user_id: int, answer, chat_id: int | None = None) -> str:
    chat = user_id if chat_id is None else chat_id
    [sources] = [b for b in answer.buttons() if b["text"].endswith("Sources")]
    before = len(api.sent_to(chat))
    api.push_callback(user_id, sources["callback_data"], answer)
    sent = await bot.replies(chat, before + 1)
    return "\n".join(s.text for s in sent[before:])


async def test_a_member_never_sees_another_networks_passages_in_answers_sources_or_follow_ups(bot, api, services):
    seen, leaks = [], []
    # The code words are in the notes only (the questions name the desks, to tempt the search).
    for member, own, other in ((RED, "Tangerine", "Mangrove"), (WACAP_MEMBER, "Mangrove", "Tangerine")):
        for question in QUESTIONS:
            [answer, *_] = await say(bot, api, member, question)
            shown = [answer.text, answer.html]
            if any(b["text"].endswith("Sources") for b in answer.buttons()):
                shown.append(await press_sources(bot, api, member, answer))
            follow_up = await say(bot, api, member, "and what about Dakar?")
            shown += [s.text for s in follow_up]
            seen.append(own in " ".join(shown))
            leaks += [(member, question, text) for text in shown if other in text]
    assert leaks == []
    assert any(seen)  # each member's own network's note is found: the test can see a leak
    rows = services.query_log.read("SELECT networks, answer FROM queries", {})
    assert {r["networks"] for r in rows} == {"redtram", "wacap"}
    assert not [r for r in rows if r["networks"] == "redtram" and "Mangrove" in (r["answer"] or "")]


async def test_in_a_group_the_bot_answers_in_the_groups_network_whoever_asks(bot, api):
    mention = f"@{api.bot['username']}"
    replies = await say(bot, api, RED, f"{mention} Through which desk are urgent extradition requests within the network sent?",
                        chat_id=WACAP_GROUP, chat_type="supergroup")
    text = " ".join(r.text for r in replies)
    assert "Tangerine" not in text  # a REDTRAM member asking in a WACAP group gets no REDTRAM note


async def test_sources_lists_only_the_documents_a_member_may_read(bot, api):
    red = " ".join(s.text for s in await say(bot, api, RED, "/sources"))
    assert "REDTRAM operational note" in red and "WACAP" not in red and "Public guide" in red
    admin = " ".join(s.text for s in await say(bot, api, ADMIN, "/sources"))
    assert "REDTRAM operational note" in admin and "WACAP operational note" in admin


async def test_a_member_who_left_a_network_no_longer_gets_its_sources(bot, api, services):
    [answer, *_] = await say(bot, api, RED, QUESTIONS[0])
    assert "Tangerine" in answer.text
    services.users.add_user(RED, "prosecutor", network="wacap")
    services.users.remove_user(RED, network="redtram")
    assert "Tangerine" not in await press_sources(bot, api, RED, answer)


# --- coordinators ------------------------------------------------------------------------
async def final_status(bot, api, chat_id: int, marker: str):
    def shown(call) -> bool:
        return str(call.params.get("chat_id")) == str(chat_id) and marker in plain(call.params.get("text", ""))

    await bot.wait_for("editMessageText", shown)
    return [s for s in api.sent_to(chat_id) if marker in s.text][-1]


async def test_a_coordinators_upload_goes_to_their_network_and_only_its_members_find_it(bot, api, services):
    api.push_document(RED_COORD, b"# Lima protocol\n\n1. The Condor register lists the liaison officers of the network and is updated monthly.\n",
                      "lima-protocol.md")
    status = await final_status(bot, api, RED_COORD, "Added")
    assert "Networks: REDTRAM (only their members can find it)" in status.text
    assert services.catalogue.document_networks("lima-protocol") == {"redtram"}
    assert "Condor" in (await say(bot, api, RED, "Which liaison officers does the Condor register list?"))[0].text
    assert "Condor" not in (await say(bot, api, WACAP_MEMBER, "Which liaison officers does the Condor register list?"))[0].text


async def test_a_coordinator_of_several_networks_chooses_with_buttons(bot, api, services):
    api.push_document(BOTH_COORD, b"# Shared annex\n\n1. The Ibis form is used for joint requests between the two networks.\n", "annex.md")
    [question] = await bot.replies(BOTH_COORD)
    assert "Which network is annex.md for?" in question.text
    assert [b["text"] for b in question.buttons()] == ["🔒 REDTRAM", "🔒 WACAP", "✖ Cancel"]
    api.push_callback(BOTH_COORD, question.buttons()[1]["callback_data"], question)
    await final_status(bot, api, BOTH_COORD, "Added")
    assert services.catalogue.document_networks("annex") == {"wacap"}


async def test_a_coordinator_of_one_network_cannot_touch_anothers_document(bot, api, services):
    before = services.catalogue.document("wacap-note")["current_version"]
    # /kb remove: another network's document is as if it did not exist
    [reply] = await say(bot, api, RED_COORD, "/kb remove wacap-note")
    assert "There is no document wacap-note being served" in reply.text
    # a file with the other network's file name: refused, and its title is not given away
    before_count = len(api.sent_to(RED_COORD))
    api.push_document(RED_COORD, b"# Replacement\n\nSomething else entirely.\n", "wacap-note.md")
    refusal = (await bot.replies(RED_COORD, before_count + 1))[-1]
    assert "matches a document of another network" in refusal.text and "WACAP operational" not in refusal.text
    # the same content under another name: refused too, and its networks stay
    api.push_document(RED_COORD, WACAP_DOC.encode(), "innocent-name.md")
    status = await final_status(bot, api, RED_COORD, "another network")
    assert "Baobab" not in status.text
    assert services.catalogue.document_networks("wacap-note") == {"wacap"}
    assert services.catalogue.document("wacap-note")["current_version"] == before
    # a public document is an admin's while several networks are served
    [reply] = await say(bot, api, RED_COORD, "/kb remove public-guide")
    assert "is public (all networks read it): only an admin can change it" in reply.text
    # /kb lists and /kb history show nothing of the other network
    listing = " ".join(s.text for s in await say(bot, api, RED_COORD, "/kb"))
    assert "wacap-note" not in listing and "red-note" in listing
    history = " ".join(s.text for s in await say(bot, api, RED_COORD, "/kb history"))
    assert "wacap-note" not in history


async def test_an_admin_removes_any_networks_document(bot, api, services):
    [question] = await say(bot, api, ADMIN, "/kb remove wacap-note")
    api.push_callback(ADMIN, question.buttons()[0]["callback_data"], question)
    await final_status(bot, api, ADMIN, "Removed")
    assert services.catalogue.document("wacap-note")["status"] == "removed"


async def test_an_invitation_enrols_into_its_network_and_says_so(bot, api, services):
    invite = services.users.create_invite("prosecutor", network="wacap")
    [welcome] = await say(bot, api, 3100, f"/start {invite.code}")
    assert "Networks: WACAP (prosecutor)." in welcome.text
    assert services.users.scope_for(3100).networks == {"wacap"}


async def test_registering_a_group_names_its_network_when_there_are_several(bot, api, services):
    [question] = await say(bot, api, ADMIN, "/register", chat_id=-100888, chat_type="supergroup")
    assert "Send /register followed by one of: redtram, wacap" in question.text
    [done] = await say(bot, api, ADMIN, "/register redtram", chat_id=-100888, chat_type="supergroup")
    assert "registered to the network redtram" in done.text
    assert services.users.group_scope(-100888).networks == {"redtram"}


async def test_a_coordinator_gets_the_figures_of_their_network_only(bot, api, services):
    await say(bot, api, RED, "Tell me about the Quetzal desk in Lima")
    await say(bot, api, WACAP_MEMBER, "Tell me about the Baobab desk in Dakar")
    await say(bot, api, WACAP_MEMBER, "Which desk handles urgent extradition requests?")
    [figures] = await say(bot, api, RED_COORD, "/stats")
    assert figures.kind == "photo" and "REDTRAM, last 30 days" in figures.text and "Questions: 1" in figures.text
    [refused] = await say(bot, api, RED_COORD, "/stats wacap")
    assert "/stats followed by one of: redtram" in refused.text
    [everything] = await say(bot, api, ADMIN, "/stats")
    assert "Questions: 3" in everything.text


# --- contacts ------------------------------------------------------------------------------
async def test_contacts_of_another_network_are_never_listed(bot, api, services):
    from knowledge.contact_files import check_file

    checked = check_file(contact_rows.write_csv(services.data_dir / "seed.csv"), today=contact_rows.TODAY)
    services.directory.apply(services.directory.plan_import(checked.records), now="2026-11-23T00:00:00+00:00")
    red = " ".join(s.text for s in await say(bot, api, RED, "/contacts Zambia"))
    wacap = " ".join(s.text for s in await say(bot, api, WACAP_MEMBER, "/contacts Zambia"))
    assert "Bwalya Musonda Tembo" in red and "Mwila Chanda Phiri" not in red  # WACAP's own entry
    assert "Mwila Chanda Phiri" in wacap
    brazil = " ".join(s.text for s in await say(bot, api, WACAP_MEMBER, "/contacts REDTRAM in Brazil"))
    assert "Beatriz Camargo Lins" not in brazil


async def test_a_coordinator_sends_only_their_networks_contact_entries(bot, api, services):
    api.push_document(RED_COORD, contact_rows.csv_text().encode(), "directory.csv")
    refused = await final_status(bot, api, RED_COORD, "networks you do not coordinate")
    assert "cp-010: WACAP" in refused.text and not refused.buttons()
    assert services.directory.count() == 0
    red_rows = [r for r in contact_rows.ROWS if r[1] == "REDTRAM"]
    api.push_document(RED_COORD, contact_rows.csv_text(red_rows).encode(), "redtram.csv")
    report = await final_status(bot, api, RED_COORD, "all valid")
    api.push_callback(RED_COORD, report.buttons()[0]["callback_data"], report)
    await final_status(bot, api, RED_COORD, "✅ Applied")
    assert services.directory.count() == len(red_rows)


async def test_a_refused_upload_never_names_another_networks_document(bot, api, services):
    # WACAP's note gets a second edition: its first one is now an earlier edition
    folder = services.settings.data_dir.parent / "docs"
    (folder / "wacap-note.md").write_text(WACAP_DOC.replace("two days", "one day"))
    assert services.knowledge_base.add_file(folder / "wacap-note.md").status == "updated"
    # a REDTRAM coordinator's file bearing the WACAP note's title, under another name
    api.push_document(RED_COORD, b"# WACAP operational note\n\n1. The Heron desk handles urgent requests "
                      b"of the network and answers within a week.\n", "heron.md")
    status = await final_status(bot, api, RED_COORD, "another network")
    assert "already has this title" in status.text
    assert "wacap-note" not in status.text and "WACAP operational" not in status.text
    # the WACAP note's first edition, under another name
    api.push_document(RED_COORD, WACAP_DOC.encode(), "old-note.md")
    status = await final_status(bot, api, RED_COORD, "earlier edition")
    assert "wacap-note" not in status.text and "WACAP operational" not in status.text
    assert services.catalogue.document("heron") is None and services.catalogue.document("old-note") is None
    # a coordinator of both networks is told which document it is
    api.push_document(BOTH_COORD, WACAP_DOC.encode(), "old-note.md")
    [question] = await bot.replies(BOTH_COORD)
    api.push_callback(BOTH_COORD, question.buttons()[0]["callback_data"], question)
    status = await final_status(bot, api, BOTH_COORD, "earlier edition")
    assert "wacap-note" in status.text
