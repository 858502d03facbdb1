"""The bot speaks each member's language (the real python-telegram-bot client, the stand-in Bot API).

Fixed texts follow /language, else the Telegram app's language_code; quoted passages stay
verbatim in their document's language (the bundled samples are English).
"""

from __future__ import annotations

from . import test_telegram_bot as main_tests
from .test_telegram_bot import LOCATED, MEMBER, STRANGER

# The main bot tests' fixtures: the sample knowledge base, members, the bot (the stand-in API
# comes from conftest).
knowledge, services, bot = main_tests.knowledge, main_tests.services, main_tests.bot


async def test_a_spanish_speaking_member_gets_spanish_fixed_texts_and_english_quotes(bot, api, services):
    api.push_message(MEMBER, "/help", language_code="es")
    [help_text] = await bot.replies(MEMBER)
    assert help_text.text.startswith("Hágame una pregunta sobre equipos conjuntos de investigación")
    assert "/contacts <país o pregunta> – puntos de contacto" in help_text.text

    api.push_message(MEMBER, LOCATED, language_code="es")
    answer = (await bot.replies(MEMBER, 2))[1]
    assert "usually located in the State of operation" in answer.text  # the quote, verbatim
    assert "\nFuentes\n[1] Best practices in joint investigations" in answer.text
    assert "Sources" not in answer.text
    assert [b["text"] for b in answer.buttons()] == ["📄 Fuentes", "👍", "👎"]

    api.push_callback(MEMBER, answer.buttons()[1]["callback_data"], answer, language_code="es")
    await bot.wait_for("answerCallbackQuery",
                       lambda c: c.params.get("text") == "Gracias: su valoración ha quedado registrada.")

    api.push_message(MEMBER, "How tall is Mount Everest?", language_code="es-419")
    not_found = (await bot.replies(MEMBER, 3))[2]
    assert not_found.text.startswith("No figura en la base de conocimiento.\n\nNo he encontrado esto")


async def test_a_stranger_is_refused_and_welcomed_in_the_language_of_their_app(bot, api, services):
    api.push_message(STRANGER, LOCATED, language_code="pt-BR")
    [refusal] = await bot.replies(STRANGER)
    assert refusal.text.startswith("Lamentamos, mas este assistente destina-se apenas aos membros")
    invite = services.users.create_invite("prosecutor")
    api.push_message(STRANGER, f"/start {invite.code}", language_code="pt-BR")
    welcome = (await bot.replies(STRANGER, 2))[1]
    assert welcome.text.startswith("Bem-vindo/a! É agora membro (procurador).")


async def test_language_command_overrides_the_app_language_and_is_remembered(bot, api, services):
    api.push_message(MEMBER, "/language")
    [menu] = await bot.replies(MEMBER)
    assert [b["text"] for b in menu.buttons()] == ["✓ English", "Español", "Français", "Português"]
    api.push_callback(MEMBER, "lang:fr", menu)
    await bot.wait_for("editMessageText")
    assert menu.text == "Désormais, je vous écris en français."
    assert services.users.member(MEMBER).language == "fr"

    api.push_message(MEMBER, "/contacts Italy")  # the app still says English: the choice wins
    contacts = (await bot.replies(MEMBER, 2))[1]
    assert contacts.text.startswith("2 points de contact enregistrés pour Italie.")
    assert "dernière vérification le 2021-02-01 : à vérifier avant utilisation" in contacts.text
    assert "Maria Rossi, JIT expert" in contacts.text  # the directory's own words, as they are
