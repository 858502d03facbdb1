"""Networks at the command line: kb add/update --network, kb list, ask --network/--as-member,
contacts find --network, logs stats --network (CliRunner, hashing embedder)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot import cli
from tests.contact_rows import write_csv
from tests.unit.test_cli_kb import HashingServices
from tests.unit.test_network_scope import PUBLIC, REDTRAM, REDTRAM_Q, WACAP, WACAP_Q


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    monkeypatch.setattr(cli, "Services", HashingServices)
    monkeypatch.setenv("JITBOT_SAMPLES", "off")


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def jitbot(data_dir, *args):
    return CliRunner().invoke(cli.main, ["--data-dir", str(data_dir), *args])


@pytest.fixture
def loaded(data_dir, tmp_path):
    for network, name in (("redtram", "REDTRAM"), ("wacap", "WACAP")):
        assert jitbot(data_dir, "networks", "add", network, "--name", name).exit_code == 0
    for name, text, networks in (("guide", PUBLIC, []), ("redtram-note", REDTRAM, ["--network", "redtram"]),
                                 ("wacap-memo", WACAP, ["--network", "WACAP"])):
        path = tmp_path / f"{name}.md"
        path.write_text(text)
        added = jitbot(data_dir, "kb", "add", str(path), *networks)
        assert added.exit_code == 0, added.output
    return data_dir


def cited(data_dir, question, *options) -> set[str]:
    result = jitbot(data_dir, "ask", "--json", question, *options)
    assert result.exit_code == 0, result.output
    return {c["document_id"] for c in json.loads(result.stdout)["citations"]}


def test_kb_add_list_and_update_carry_the_networks(loaded, tmp_path):
    listed = jitbot(loaded, "kb", "list").stdout
    assert "[redtram]" in listed and "[wacap]" in listed and "[public]" in listed
    docs = {d["id"]: d["networks"] for d in json.loads(jitbot(loaded, "kb", "list", "--json").stdout)}
    assert docs == {"guide": [], "redtram-note": ["redtram"], "wacap-memo": ["wacap"]}
    assert "networks        wacap" in jitbot(loaded, "kb", "show", "wacap-memo").stdout
    unknown = jitbot(loaded, "kb", "add", str(tmp_path / "guide.md"), "--network", "iap")
    assert unknown.exit_code == 2 and "unknown network 'iap'" in unknown.output
    assert "Traceback" not in unknown.output
    public = jitbot(loaded, "kb", "update", "wacap-memo", str(tmp_path / "wacap-memo.md"), "--public")
    assert public.exit_code == 0 and public.stdout.startswith("networks   wacap-memo v1")
    assert json.loads(jitbot(loaded, "kb", "show", "wacap-memo", "--json").stdout)["networks"] == []
    history = json.loads(jitbot(loaded, "kb", "history", "wacap-memo", "--json").stdout)
    assert [(h["action"], h["networks"]) for h in history] == [("networks", ""), ("add", "wacap")]


def test_ask_as_a_network_or_a_member_searches_only_what_they_may_read(loaded):
    assert "wacap-memo" in cited(loaded, WACAP_Q)  # the operator reads everything
    assert "wacap-memo" not in cited(loaded, WACAP_Q, "--network", "redtram")
    assert "wacap-memo" in cited(loaded, WACAP_Q, "--network", "wacap")
    assert "redtram-note" not in cited(loaded, REDTRAM_Q, "--network", "wacap")
    assert jitbot(loaded, "users", "add", "4242", "--role", "prosecutor", "--network", "redtram").exit_code == 0
    assert "redtram-note" in cited(loaded, REDTRAM_Q, "--as-member", "4242")
    assert "wacap-memo" not in cited(loaded, WACAP_Q, "--as-member", "4242")
    stranger = jitbot(loaded, "ask", WACAP_Q, "--as-member", "999")
    assert stranger.exit_code == 2 and "no member with Telegram id 999" in stranger.output
    unknown = jitbot(loaded, "ask", WACAP_Q, "--network", "iap")
    assert unknown.exit_code == 2 and "unknown network 'iap'" in unknown.output


def test_contacts_find_and_logs_stats_per_network(loaded, tmp_path):
    assert jitbot(loaded, "contacts", "import", str(write_csv(tmp_path / "c.csv"))).exit_code == 0
    everyone = jitbot(loaded, "contacts", "find", "Zambia").stdout
    assert "Mwila Chanda Phiri" in everyone
    outsider = jitbot(loaded, "contacts", "find", "Zambia", "--network", "redtram").stdout
    assert "Mwila Chanda Phiri" not in outsider and "Bwalya Musonda Tembo" in outsider
    cited(loaded, WACAP_Q, "--network", "wacap")
    cited(loaded, REDTRAM_Q, "--network", "redtram")
    cited(loaded, REDTRAM_Q, "--network", "redtram")
    cited(loaded, REDTRAM_Q)  # the operator's questions belong to no network
    stats = json.loads(jitbot(loaded, "logs", "stats", "--json", "--network", "redtram").stdout)
    assert (stats["questions"], stats["networks"]) == (2, ["redtram"])
    assert {d["document_id"] for d in stats["top_documents"]} <= {"guide", "redtram-note"}
    both = json.loads(jitbot(loaded, "logs", "stats", "--json", "--network", "redtram", "--network", "wacap").stdout)
    assert both["questions"] == 3
    assert json.loads(jitbot(loaded, "logs", "stats", "--json").stdout)["questions"] == 4
    assert "network redtram" in jitbot(loaded, "logs", "stats", "--network", "redtram").stdout
