"""The languages the bot and the CLI speak: gettext catalogs, one Translator per language.

Fixed texts are written in English in the code, marked for extraction (`t.gettext(...)`,
`t.ngettext(...)`, or `N_(...)` for module-level constants translated where they are
shown) and translated in `bot/locale/<lang>/LC_MESSAGES/jitbot.po`, managed with Babel
(`scripts/i18n.sh`). Catalogs are loaded once per language and a `Translator` is passed
down to whatever renders text: there is no global "current locale" to set or forget.

Only fixed texts are translated. Quoted passages, titles and locators stay verbatim in
the document's language.
"""

from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "jitbot"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
#: the languages with a catalog (English is the source language), in menu order
LANGUAGES = ("en", "es", "fr", "pt")
#: each language's name in itself, for the /language buttons
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}


def N_(message: str) -> str:
    """Marks a module-level text for extraction; translate it with `t.gettext` where shown."""
    return message


def normalize_language(code: str | None) -> str:
    """A supported language from a tag such as Telegram's language_code: es-419 → es, pt-BR → pt.

    Anything unknown or missing is English.
    """
    if not code:
        return DEFAULT_LANGUAGE
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """The fixed texts of one language."""

    language: str
    catalog: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)


@functools.cache
def translator_for(language: str | None) -> Translator:
    """The Translator for a language tag (normalised; English when there is no catalog)."""
    language = normalize_language(language)
    if language == DEFAULT_LANGUAGE:
        return Translator(language, gettext.NullTranslations())
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    return Translator(language, catalog)


ENGLISH = translator_for(DEFAULT_LANGUAGE)


# --- detecting a question's language -------------------------------------------------------
# Short questions defeat character n-gram detectors trained on long texts; frequent words
# that only one of the four languages uses (and letters only one of them writes) decide
# better and need no model. Words shared by two languages ("de", "que", "a", "o", "la")
# are left out on purpose.
_WORDS = {
    "en": """the is are what which who whom whose how when where why does do did can could should
        would may must with from this that these those there their they have has of and or to in on
        for by an be any not it its under between about""",
    "es": """el los las del es son qué cuál cuáles quién quiénes cómo cuándo dónde por qué puede
        pueden debe deben tiene tienen hay con una uno este esta estos estas entre sobre según
        para y también equipo conjunto fiscal fiscales autoridad ley países investigación
        investigaciones""",
    "fr": """le les des du est sont quel quelle quels quelles qui comment quand où pourquoi
        peut peuvent doit doivent avec une un ce cette ces entre sur selon pour et aussi équipe
        commune procureur autorité loi pays enquête enquêtes dans au aux ou est-ce""",
    "pt": """os as do da dos das é são qual quais quem como quando onde porque pode podem
        deve devem tem têm há com uma um este esta estes estas entre sobre segundo para e também
        equipa equipas equipe conjunta procurador procuradores às autoridade lei países investigação
        investigações no na nos nas ao""",
}
_WORD_SETS = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}
# French elisions (l', d', qu', n', s', c', j') count as French words once split off.
_WORD_SETS["fr"] |= {"l", "d", "qu", "n", "s", "c", "j", "dit", "est-ce"}
#: letters (and marks) that only one of the languages writes; "¿" and "ñ" are Spanish beyond doubt
_LETTERS = {"es": {"ñ": 1.0, "¿": 2.0, "¡": 2.0}, "fr": dict.fromkeys("èêàùœûîë", 0.5),
            "pt": dict.fromkeys("ãõâ", 0.5)}
#: word endings typical of one language (nação/nación/nation; internacionais/internacionales)
_SUFFIXES = {"es": ("ción", "ciones", "ales", "idad"), "fr": ("eux", "aux", "ées", "ité"),
             "pt": ("ção", "ções", "ões", "ais", "dade")}
_TOKEN = re.compile(r"\w+", re.UNICODE)


def detect_language(text: str) -> str:
    """en, es, fr or pt: the language of a (short) question; English when unsure."""
    lowered = text.lower()
    words = _TOKEN.findall(lowered)
    scores = {lang: float(sum(w in vocabulary for w in words)) for lang, vocabulary in _WORD_SETS.items()}
    for lang, letters in _LETTERS.items():
        scores[lang] += sum(letters.get(ch, 0.0) for ch in lowered)
    for lang, endings in _SUFFIXES.items():
        scores[lang] += 0.5 * sum(len(w) > 5 and w.endswith(endings) for w in words)
    if re.search(r"\w \?", text):  # French typography: a space before the question mark
        scores["fr"] += 1
    best = max(LANGUAGES, key=lambda lang: scores[lang])  # ties go to the earlier (English)
    return best if scores[best] > 0 else DEFAULT_LANGUAGE
