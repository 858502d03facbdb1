"""Networks as records (bot/networks.py) and the migration of members enrolled before them."""

from __future__ import annotations

import pytest
import sqlite_utils
from click.testing import CliRunner

from bot.cli import main
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


def run(tmp_path, *args, env=None):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args], env=env)


def test_cli_networks_add_list_remove(tmp_path):
    added = run(tmp_path, "networks", "add", "redtram", "--name", "REDTRAM", "--languages", "es,pt")
    assert added.exit_code == 0 and "redtram  REDTRAM  (es, pt)" in added.stdout
    assert run(tmp_path, "networks", "add", "wacap", "--name", "WACAP").exit_code == 0
    assert run(tmp_path, "users", "add", "5", "--role", "coordinator", "--network", "redtram").exit_code == 0
    listed = run(tmp_path, "networks", "list").stdout
    assert "REDTRAM  (es, pt)  1 member(s), 1 coordinator(s), 0 group(s)" in listed
    assert "WACAP  (any language)  0 member(s)" in listed
    refused = run(tmp_path, "networks", "remove", "redtram")
    assert refused.exit_code == 1 and "still has 1 member(s)" in refused.stderr
    assert run(tmp_path, "networks", "remove", "wacap").exit_code == 0
    bad = run(tmp_path, "networks", "add", "Red Tram")
    assert bad.exit_code == 1 and bad.stderr.count("\n") == 1 and "network id 'Red Tram'" in bad.stderr


def test_cli_users_invitations_and_groups_name_the_network_when_there_are_several(tmp_path):
    run(tmp_path, "networks", "add", "redtram")
    run(tmp_path, "networks", "add", "wacap")
    unnamed = run(tmp_path, "users", "add", "7", "--role", "prosecutor")
    assert unnamed.exit_code == 1 and "several networks (redtram, wacap)" in unnamed.stderr
    added = run(tmp_path, "users", "add", "7", "--role", "prosecutor", "--network", "wacap")
    assert "role prosecutor in wacap (prosecutor)" in added.stdout
    assert "7  prosecutor   " in run(tmp_path, "users", "list").stdout
    invited = run(tmp_path, "invite", "create", "--role", "coordinator", "--network", "redtram",
                  env={"JITBOT_TELEGRAM_BOT_USERNAME": "@jit_bot", "JITBOT_TELEGRAM_TOKEN": ""})
    assert invited.exit_code == 0 and "coordinator in network redtram" in invited.stderr
    assert "redtram" in run(tmp_path, "invite", "list").stdout
    grouped = run(tmp_path, "groups", "add", "-100", "--network", "redtram")
    assert grouped.exit_code == 0 and "registered to network redtram" in grouped.stdout
    removed = run(tmp_path, "users", "remove", "7", "--network", "wacap")
    assert removed.exit_code == 0 and UserStore(tmp_path / "users.db").member(7) is None


def test_the_move_into_the_default_network_is_said_once_by_the_first_command(tmp_path):
    db = sqlite_utils.Database(tmp_path / "users.db")
    user_migrations.apply(db)
    db["users"].insert({"telegram_id": 3, "role": "prosecutor", "name": "Ana"})
    db.close()
    first = run(tmp_path, "users", "list")
    assert "now in network 'default'" in first.stderr and "default (prosecutor)" in first.stdout
    assert "default" not in run(tmp_path, "users", "list").stderr


def test_coordinators_change_only_their_networks_material_admins_everything(store):
    store.networks.add("redtram")
    store.networks.add("wacap")
    store.add_user(5, "coordinator", network="redtram")
    store.add_user(5, "prosecutor", network="wacap")
    store.add_user(9, "admin")
    coordinator, admin = store.edit_rights(5), store.edit_rights(9)
    assert coordinator.may_change({"redtram"})
    assert not coordinator.may_change({"wacap"})  # a member there, not its coordinator
    assert not coordinator.may_change({"redtram", "wacap"})  # shared with a network not theirs
    assert not coordinator.may_change(set())  # public: for an admin while there are several networks
    assert coordinator.upload_choices == ("redtram",)
    assert admin.may_change({"wacap"}) and admin.may_change(set())
    assert admin.upload_choices == ("", "redtram", "wacap")


def test_with_a_single_network_its_coordinators_keep_changing_public_material(store):
    store.add_user(5, "coordinator")  # into 'default', the only network
    assert store.edit_rights(5).may_change(set()) and store.edit_rights(5).may_change({"default"})
    assert store.edit_rights(5).upload_choices == ("",)  # new documents public, as before networks
    store.add_user(6, "prosecutor")
    assert not store.edit_rights(6).may_change(set())


def test_a_network_with_documents_or_contacts_is_not_removed(tmp_path, monkeypatch):
    from bot import cli
    from tests.contact_rows import ROWS, write_csv
    from tests.unit.test_cli_kb import HashingServices

    monkeypatch.setattr(cli, "Services", HashingServices)
    run(tmp_path, "networks", "add", "redtram", "--name", "REDTRAM")
    run(tmp_path, "networks", "add", "iap", "--name", "IAP")
    note = tmp_path / "note.md"
    note.write_text("# Note\n\n1. The Quetzal desk answers urgent requests within two days.\n")
    assert run(tmp_path, "kb", "add", str(note), "--network", "iap").exit_code == 0
    refused = run(tmp_path, "networks", "remove", "iap")
    assert refused.exit_code == 1 and "still has 1 document(s) (note) and 0 contact entries" in refused.stderr
    imported = run(tmp_path, "contacts", "import", str(write_csv(tmp_path / "contacts.csv")))
    assert imported.exit_code == 0, imported.output
    red = sum(row[1] == "REDTRAM" for row in ROWS)
    refused = run(tmp_path, "networks", "remove", "redtram")  # its entries would turn public
    assert refused.exit_code == 1 and f"0 document(s) (-) and {red} contact entr" in refused.stderr
    assert len(run(tmp_path, "networks", "list").stdout.splitlines()) == 2  # both still there
