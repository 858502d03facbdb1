"""Every fixed text in the code has a finished translation in es, fr and pt, shipped compiled.

The msgids are extracted from the code as `scripts/i18n.sh extract` does (babel.cfg), so a
new text that nobody translated, or a catalog left fuzzy, fails here rather than reaching
a member in English.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")
TAG = re.compile(r"</?[a-z]+>|&lt;|&gt;")


def code_messages() -> set[str | tuple[str, str]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords={"gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        found.add(message)
    return found


def catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=lang)


@pytest.fixture(scope="module")
def extracted():
    messages = code_messages()
    assert len(messages) > 100  # the extraction really read the bot's code
    return messages


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_in_the_code_is_translated(extracted, lang):
    po = catalog(lang)
    missing, unfinished = [], []
    for message_id in extracted:
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = po.get(key)
        if entry is None:
            missing.append(key)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            unfinished.append(key)
    assert not missing, f"{lang}: not in the catalog (run scripts/i18n.sh update): {missing}"
    assert not unfinished, f"{lang}: empty or fuzzy translations: {unfinished}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_markup(lang):
    for entry in catalog(lang):
        if not entry.id:
            continue
        sources = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        for string in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(sources[-1])), (lang, entry.id)
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(sources[-1])), (lang, entry.id)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_shipped_compiled_catalog_matches_the_po_file(lang):
    """A .po edited without `scripts/i18n.sh compile` would not reach the bot."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in catalog(lang):
        if entry.id and not isinstance(entry.id, tuple):
            assert compiled.gettext(entry.id) == entry.string, (lang, entry.id)
        elif entry.id:
            assert compiled.ngettext(entry.id[0], entry.id[1], 2) == entry.string[1], (lang, entry.id)


def test_compiled_catalogs_are_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*/LC_MESSAGES/*.mo"' in pyproject
