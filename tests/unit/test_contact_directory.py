"""The stored directory: re-imports by id, removal only on request, staleness."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.contacts import months_before
from tests.contact_rows import ROWS, TODAY, directory, records


def test_reimport_reports_added_changed_unchanged_and_keeps_absent_ids():
    store = directory(ROWS[:4])
    new = records(ROWS[1:])
    new[0]["email"] = "m.phiri@npa-zm.example"  # cp-010
    new[0]["phone"] = "+260 555 0999"
    plan = store.plan_import(new)
    assert [r["id"] for r in plan.added] == ["cp-029", "cp-101"]
    assert plan.changed == {"cp-010": ["email", "phone"]}
    assert sorted(plan.unchanged) == ["cp-011", "cp-019"]
    assert plan.removed == []  # cp-022 is not in the file, but removal needs --replace
    store.apply(plan, now="2026-11-23T10:00:00+00:00")
    assert len(store.rows()) == 6
    assert store.contacts(country="ZM")[0]["email"] == "m.phiri@npa-zm.example"
    assert store.plan_import(new).is_empty


def test_replace_removes_ids_absent_from_the_file_but_not_skipped_rows():
    store = directory()
    plan = store.plan_import(records(ROWS[:3]), replace=True, keep={"cp-019"})
    assert plan.removed == ["cp-029", "cp-101"]
    store.apply(plan, now="x")
    assert [r["id"] for r in store.rows()] == ["cp-010", "cp-011", "cp-019", "cp-022"]


def test_a_file_without_an_optional_column_leaves_it_alone():
    store = directory(ROWS[:1])
    with_address = records(ROWS[:1])[0] | {"address": "Parnassusweg 220, The Hague (fictional)"}
    store.apply(store.plan_import([with_address]), now="x")
    plan = store.plan_import(records(ROWS[:1]))  # no address column
    assert plan.unchanged == ["cp-022"]
    assert store.contacts()[0]["address"] == "Parnassusweg 220, The Hague (fictional)"


def test_contacts_filter_by_country_in_any_language_and_by_network():
    store = directory()
    assert [c["id"] for c in store.contacts(country="Zâmbia")] == ["cp-010", "cp-011"]
    assert [c["id"] for c in store.contacts(network="jits network")] == ["cp-022", "cp-029", "cp-101"]
    assert store.contacts(country="BR", network="JITs Network") == []


def test_contact_dicts_carry_id_and_stale_flag():
    contact = directory().contacts(country="MD")[0]
    assert contact["id"] == "cp-101" and contact["country_code"] == "MD"
    assert {"name", "role", "authority", "unit", "network", "country", "languages", "email",
            "phone", "secure_channel", "topics", "last_verified", "stale"} <= set(contact)
    assert "address" not in contact  # optional keys only when set


@pytest.mark.parametrize(
    "verified, today, stale",
    [
        ("2025-11-23", TODAY, False),  # exactly twelve months ago: still fine
        ("2025-11-22", TODAY, True),
        ("2024-09-12", TODAY, True),
        ("2026-03-03", TODAY, False),
        ("2026-03-03", date(2027, 3, 4), True),  # the same entry, a year later
    ],
)
def test_stale_after_twelve_months_relative_to_the_injected_today(verified, today, stale):
    row = list(ROWS[0])
    row[-1] = verified
    assert directory([row], today=today).contacts()[0]["stale"] is stale


def test_staleness_period_is_configurable():
    store = directory(ROWS[:1], stale_after_months=6)  # verified 2026-03-21
    assert store.contacts()[0]["stale"] is True


def test_months_before_handles_short_months():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
