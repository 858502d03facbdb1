"""Networks as records (bot/networks.py) and the migration of members enrolled before them."""

from __future__ import annotations

import pytest
import sqlite_utils

from bot.networks import NetworkError, check_languages
from bot.users import UserStore
from bot.users import migrations as user_migrations


@pytest.fixture
def store(tmp_path):
    return UserStore(tmp_path / "users.db")


def test_networks_are_added_listed_changed_and_removed(store):
    networks = store.networks
    added = networks.add("REDTRAM", name="Red Iberoamericana", languages="es, pt")
    assert (added.id, added.name, added.languages) == ("redtram", "Red Iberoamericana", ("es", "pt"))
    networks.add("wacap", name="WACAP", languages=["fr", "en"])
    assert networks.ids() == ["redtram", "wacap"]
    assert networks.add("redtram", languages="es").name == "Red Iberoamericana"  # name kept
    assert networks.remove("wacap").name == "WACAP"
    assert [n.id for n in networks.all()] == ["redtram"] and networks.get("wacap") is None


def test_bad_ids_languages_and_unknown_networks_are_one_clear_line(store):
    with pytest.raises(ValueError, match="network id 'Red Tram'"):
        store.networks.add("Red Tram")
    with pytest.raises(ValueError, match="language 'spanish'"):
        check_languages("es,spanish")
    with pytest.raises(NetworkError, match="unknown network 'iap'"):
        store.networks.remove("iap")


def test_a_data_directory_without_members_gets_no_default_network(store):
    assert store.networks.ids() == [] and store.networks.pop_notices() == []


def test_members_groups_and_invitations_of_before_move_into_default_and_it_is_said_once(tmp_path):
    path = tmp_path / "users.db"
    db = sqlite_utils.Database(path)
    user_migrations.apply(db)  # a users.db as the previous version left it
    db["users"].insert_all([
        {"telegram_id": 1, "role": "admin", "name": "Boss"},
        {"telegram_id": 2, "role": "coordinator", "name": "Coord"},
        {"telegram_id": 3, "role": "prosecutor", "name": "Ana"},
    ])
    db["groups"].insert({"chat_id": -100, "title": "JIT"})
    db.close()

    store = UserStore(path)
    assert store.networks.ids() == ["default"]
    notices = store.networks.pop_notices()
    assert len(notices) == 1 and "2 member(s), 1 group(s)" in notices[0]
    assert UserStore(path).networks.pop_notices() == []  # said once, not at every start
