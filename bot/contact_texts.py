"""The contact directory's answers in the reader's language: summary, notes, field labels.

knowledge.contact_query returns what it found as data (contacts, ISO country codes,
`ContactNote`s); the wording is chosen here, with country and language names from the
CLDR data that Babel ships (Países Bajos, Pays-Bas...). Contact fields themselves (names,
units, notes written by the network) are shown as they are.
"""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list

from knowledge.countries import country_phrase

from .i18n import N_, Translator

#: knowledge.contact_vocabulary's topic labels, as notes name them ("No contact point on
#: file for extradition"); a test checks that every label there is here
TOPIC_LABELS = (
    N_("joint investigations"), N_("mutual legal assistance"), N_("central authority"),
    N_("trafficking in persons"), N_("smuggling of migrants"), N_("modern slavery"),
    N_("labour exploitation"), N_("police cooperation"), N_("prosecutors"), N_("experts"),
    N_("extradition"), N_("asset recovery"), N_("financial investigations"), N_("cybercrime"),
    N_("child exploitation"), N_("victim protection"), N_("organized crime"),
)


def topics(labels: list[str], t: Translator) -> str:
    return format_list([t.gettext(label) for label in labels], style="or", locale=t.language)


def country(code: str, t: Translator) -> str:
    if t.language == "en":
        return country_phrase(code)
    return Locale(t.language).territories.get(code.upper(), code)


def places(codes: list[str], t: Translator, style: str = "standard") -> str:
    return format_list([country(c, t) for c in codes], style=style, locale=t.language)


def language_names(codes: list[str], t: Translator) -> str:
    names = Locale(t.language).languages
    return format_list([names.get(c, c) for c in codes], style="or", locale=t.language)


def note_text(note, t: Translator) -> str:
    """One ContactNote as a sentence in the reader's language."""
    v = note.values
    where = places(v.get("countries") or [], t)
    kind = note.kind
    if kind == "unknown_place":
        return t.gettext(
            "I do not recognise “{place}” as a country, so I cannot say who the contact point "
            "there is. Name the country (e.g. Netherlands, Países Bajos or NL)."
        ).format(place=v["place"])
    if kind == "no_country":
        return t.gettext("No contact point on file for {country}.").format(country=country(v["country"], t))
    if kind == "no_network":
        networks = format_list(v["networks"], style="or", locale=t.language)
        if where:
            return t.gettext("No {networks} contact point on file in {places}.").format(networks=networks, places=where)
        return t.gettext("No {networks} contact point on file.").format(networks=networks)
    if kind == "no_language":
        languages = language_names(v["languages"], t)
        if where:
            return t.gettext("No contact point in {places} lists {languages} among their languages.").format(
                places=where, languages=languages)
        return t.gettext("No contact point lists {languages} among their languages.").format(languages=languages)
    if kind == "no_topic_here":
        return t.gettext(
            "None of the contact points in {places} is listed for {topics}; these are the ones on file there."
        ).format(places=where, topics=topics(v["topics"], t))
    if kind == "no_topic":
        return t.gettext("No contact point on file for {topics}.").format(topics=topics(v["topics"], t))
    if kind == "name_something":
        return t.gettext("Name a country, a network or a topic to look up contact points.")
    if kind == "no_country_named":
        return t.gettext("No country named: these are the closest matches across the directory.")
    return note.text  # a kind this module does not know yet: its English sentence


def notes_text(lookup, t: Translator) -> str:
    return " ".join(note_text(n, t) for n in getattr(lookup, "notes", []) or [])


def summary(lookup, t: Translator) -> str:
    """One line answering a pure contact question (knowledge.contact_query's `summary`)."""
    if not lookup.contacts:
        return notes_text(lookup, t) or lookup.note
    n = len(lookup.contacts)
    if getattr(lookup, "countries", None):
        return t.ngettext(
            "{n} contact point on file for {places}.", "{n} contact points on file for {places}.", n
        ).format(n=n, places=places(lookup.countries, t))
    return t.ngettext(
        "{n} contact point matching your question.", "{n} contact points matching your question.", n
    ).format(n=n)


def contact_fields(contact: dict, t: Translator) -> dict[str, str]:
    """The labelled parts of a contact that front ends lay out (plain text, not escaped)."""
    return {
        "secure_channel": t.gettext("secure channel: {value}"),
        "languages": t.gettext("languages: {value}"),
        "urgent_line": t.gettext("urgent: {value}"),
        "address": t.gettext("address: {value}"),
        "notes": t.gettext("note: {value}"),
        "verified": t.gettext("last verified {date}"),
        "check": t.gettext("check before use"),
        "stale": t.gettext("{when}: check before use"),
        "not_recent": t.gettext("not verified recently"),
        "contact_point": t.gettext("Contact point"),
    }
