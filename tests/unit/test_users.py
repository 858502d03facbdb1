"""Members, invitations and groups (bot/users.py), and the CLI that manages them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.users import InviteError, UserStore, parse_duration


@pytest.fixture
def store(tmp_path):
    return UserStore(tmp_path / "users.db")


def test_members_have_roles_and_can_be_removed(store):
    store.add_user(42, "prosecutor", "Ana")
    assert store.member(42).role == "prosecutor"
    store.add_user(42, "admin")  # a role change keeps the name
    assert store.member(42).role == "admin" and store.member(42).name == "Ana"
    assert store.remove_user(42) and store.member(42) is None
    assert not store.remove_user(42)
    with pytest.raises(ValueError, match="unknown role"):
        store.add_user(1, "boss")


def test_an_invitation_enrols_with_its_role_for_its_number_of_uses(store):
    invite = store.create_invite("coordinator", uses=2)
    assert store.redeem(invite.code, 1, "One").role == "coordinator"
    assert store.redeem(invite.code, 2).role == "coordinator"
    with pytest.raises(InviteError, match="already been used"):
        store.redeem(invite.code, 3)
    assert store.member(3) is None
    assert store.invites()[0]["uses"] == 2 and "code_hash" not in store.invites()[0]


def test_expired_revoked_and_unknown_invitations_enrol_nobody(store):
    expired = store.create_invite("prosecutor", expires_in=timedelta(seconds=-1))
    revoked = store.create_invite("prosecutor")
    assert store.revoke_invite(revoked.id)
    for code, reason in ((expired.code, "expired"), (revoked.code, "withdrawn"), ("nonsense", "not valid")):
        with pytest.raises(InviteError, match=reason):
            store.redeem(code, 7)
    assert store.member(7) is None


def test_codes_are_not_stored_in_clear(store, tmp_path):
    invite = store.create_invite("admin")
    assert invite.code.encode() not in (tmp_path / "users.db").read_bytes()


def test_groups_register_and_unregister(store):
    assert not store.is_group_registered(-100123)
    store.add_group(-100123, "JIT Italy")
    assert store.is_group_registered(-100123)
    assert store.remove_group(-100123) and not store.is_group_registered(-100123)


def test_durations():
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("30m") == timedelta(minutes=30)
    for bad in ("7", "d", "0d", "3x", "-1d"):
        with pytest.raises(ValueError, match="cannot read duration"):
            parse_duration(bad)


def run(tmp_path, *args, env=None):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args], env=env)


def test_cli_users_add_list_remove(tmp_path):
    assert run(tmp_path, "users", "add", "42", "--role", "admin", "--name", "Ana").exit_code == 0
    listed = run(tmp_path, "users", "list")
    assert "42" in listed.stdout and "admin" in listed.stdout and "Ana" in listed.stdout
    bad = run(tmp_path, "users", "add", "43", "--role", "boss")
    assert bad.exit_code == 1 and bad.stderr.strip() == "Error: unknown role 'boss': use one of prosecutor, coordinator, admin"
    assert run(tmp_path, "users", "remove", "42").exit_code == 0
    assert run(tmp_path, "users", "remove", "42").exit_code == 1


def test_cli_invite_prints_a_deep_link_that_enrols(tmp_path):
    result = run(tmp_path, "invite", "create", "--role", "prosecutor", "--uses", "2",
                 env={"JITBOT_TELEGRAM_BOT_USERNAME": "@jit_bot", "JITBOT_TELEGRAM_TOKEN": ""})
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://t.me/jit_bot?start=")
    assert "2 uses" in result.stderr
    code = link.split("start=")[1]
    assert UserStore(tmp_path / "users.db").redeem(code, 99).role == "prosecutor"
    bad = run(tmp_path, "invite", "create", "--role", "prosecutor", "--expires", "soon")
    assert bad.exit_code == 1 and "cannot read duration" in bad.stderr


def test_cli_groups_take_negative_chat_ids(tmp_path):
    assert run(tmp_path, "groups", "add", "-1001234567890", "--title", "JIT Italy").exit_code == 0
    listed = run(tmp_path, "groups", "list").stdout.split()
    assert listed[:2] == ["-1001234567890", "default"] and "Italy" in listed  # the only network
    assert run(tmp_path, "groups", "remove", "-1001234567890").exit_code == 0
    assert run(tmp_path, "groups", "remove", "-1001234567890").exit_code == 1
