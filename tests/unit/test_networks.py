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
    assert store.member(3).networks == (("default", "prosecutor"),) and store.member(3).role == "prosecutor"
    assert store.member(2).networks == (("default", "coordinator"),)
    assert store.scope_for(1).unrestricted and store.group_scope(-100).networks == {"default"}


def test_a_member_holds_a_role_in_each_network_and_sees_those_networks(store):
    store.networks.add("redtram")
    store.networks.add("wacap")
    store.add_user(5, "coordinator", "Coord", network="redtram")
    member = store.add_user(5, "prosecutor", network="wacap")
    assert member.role == "coordinator"  # the highest held anywhere: may upload
    assert member.networks == (("redtram", "coordinator"), ("wacap", "prosecutor"))
    assert store.scope_for(5).networks == {"redtram", "wacap"}
    assert store.coordinator_networks(5) == ["redtram"]
    store.add_user(9, "admin")
    assert store.scope_for(9).unrestricted and store.coordinator_networks(9) == ["redtram", "wacap"]
    assert store.scope_for(12345).networks == frozenset()  # a stranger: public at most


def test_without_a_network_named_the_only_one_is_used_and_several_must_be_named(store):
    assert store.add_user(1, "prosecutor").networks == (("default", "prosecutor"),)  # made for it
    store.networks.add("redtram")
    with pytest.raises(ValueError, match="several networks .*--network"):
        store.add_user(2, "prosecutor")
    with pytest.raises(ValueError, match="unknown network 'iap'"):
        store.add_user(2, "prosecutor", network="iap")
    assert store.member(2) is None


def test_leaving_the_last_network_ends_membership_and_a_network_with_members_stays(store):
    store.networks.add("redtram")
    store.networks.add("wacap")
    store.add_user(5, "prosecutor", network="redtram")
    store.add_user(5, "coordinator", network="wacap")
    with pytest.raises(NetworkError, match="still has 1 member"):
        store.networks.remove("wacap")
    assert store.remove_user(5, network="wacap")
    assert store.member(5).role == "prosecutor" and store.coordinator_networks(5) == []
    assert not store.remove_user(5, network="wacap")
    assert store.remove_user(5, network="redtram") and store.member(5) is None
    assert store.networks.remove("wacap")


def test_invitations_and_groups_name_their_network(store):
    store.networks.add("redtram")
    store.networks.add("wacap")
    invite = store.create_invite("prosecutor", network="wacap")
    assert store.redeem(invite.code, 77).networks == (("wacap", "prosecutor"),)
    assert store.create_invite("admin").network is None
    assert store.add_group(-100, "JIT", network="redtram") == "redtram"
    assert store.group_scope(-100).networks == {"redtram"}
    assert store.group_scope(-999).networks == frozenset()
