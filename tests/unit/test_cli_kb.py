"""`jitbot kb` through click's CliRunner with a temporary data directory (hashing embedder)."""

from __future__ import annotations

import getpass
import json
from functools import cached_property

import pytest
from click.testing import CliRunner

from bot import cli
from bot.services import Services
from tests.fakes import HashingEmbedder
from tests.unit.test_kb_versions import GUIDE_V1, GUIDE_V2

OTHER = "# Seconded members\n\n1. Seconded members carry their national identity documents at all times.\n"


class HashingServices(Services):
    @cached_property
    def embedder(self):
        return HashingEmbedder()


@pytest.fixture(autouse=True)
def no_model(monkeypatch):
    monkeypatch.setattr(cli, "Services", HashingServices)


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def run(data_dir, *args, input=None):
    return CliRunner().invoke(cli.main, ["--data-dir", str(data_dir), "kb", *args], input=input)


def history(data_dir, *args) -> list[dict]:
    result = run(data_dir, "history", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_a_folder_then_again_then_a_new_edition(data_dir, tmp_path):
    folder = tmp_path / "guides"
    (folder / "nested").mkdir(parents=True)
    (folder / "jit-guide.md").write_text(GUIDE_V1)
    (folder / "nested" / "seconded.md").write_text(OTHER)
    (folder / "notes.xyz").write_text("not a document")
    first = run(data_dir, "add", str(folder), "--tags", "jit", "--as", "ana")
    assert first.exit_code == 0, first.output
    assert [line.split()[:2] for line in first.stdout.splitlines()] == [
        ["added", "jit-guide"], ["added", "seconded"]]
    assert first.stderr.strip().endswith("2 added, 0 updated, 0 unchanged, 0 failed")

    (folder / "jit-guide.md").write_text(GUIDE_V2)
    second = run(data_dir, "add", str(folder))
    assert second.stdout.splitlines()[0].startswith("updated    jit-guide v2 (replaces v1)")
    assert second.stdout.splitlines()[1].startswith("unchanged  seconded v1")
    assert "0 added, 1 updated, 1 unchanged, 0 failed" in second.stderr
    latest = history(data_dir)
    assert [(r["action"], r["user"], r["via"]) for r in latest[:2]] == [
        ("update", getpass.getuser(), "cli"), ("add", "ana", "cli")]  # no --as: the OS login


def test_update_remove_show_and_history(data_dir, tmp_path):
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    run(data_dir, "add", str(guide), "--as", "ana")
    doc = "jit-guide"
    edition = tmp_path / "guide-2nd-edition.md"
    edition.write_text(GUIDE_V2)
    updated = run(data_dir, "update", doc, str(edition), "--source-url", "https://example.org/g2", "--as", "ben")
    assert updated.exit_code == 0, updated.output
    assert updated.stdout.startswith(f"updated    {doc} v2 (replaces v1)  3 passages")
    assert run(data_dir, "update", doc, str(edition)).stdout.startswith(f"unchanged  {doc} v2")

    shown = run(data_dir, "show", doc)
    assert shown.exit_code == 0
    assert "source_url      https://example.org/g2" in shown.stdout
    assert "v1   superseded" in shown.stdout and "v2   serving" in shown.stdout
    assert "paragraph 1: 1. A joint investigation team is set up" in shown.stdout
    old = json.loads(run(data_dir, "show", doc, "--version", "1", "--json").stdout)
    assert "six months" in old["passages"][0]["text"]

    refused = run(data_dir, "remove", doc, input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    removed = run(data_dir, "remove", doc, "--as", "ana", input="y\n")
    assert removed.exit_code == 0, removed.output
    assert f"removed    {doc} v2  3 passages" in removed.stdout
    assert "The knowledge base is empty" in run(data_dir, "list").stdout
    assert "(removed)" in run(data_dir, "list", "--all").stdout
    assert [(r["action"], r["user"], r["version_before"], r["version_after"]) for r in history(data_dir, doc)] == [
        ("remove", "ana", 2, None), ("update", "ben", 1, 2), ("add", "ana", None, 1)]
    text = run(data_dir, "history").stdout.splitlines()
    assert "remove" in text[0] and "by ana via cli" in text[0]


def test_unknown_documents_and_bad_files_give_one_line_and_change_nothing(data_dir, tmp_path):
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    run(data_dir, "add", str(guide))
    before = run(data_dir, "list", "--json").stdout
    for args in (("update", "nope", str(guide)), ("remove", "nope", "-y"), ("show", "nope")):
        result = run(data_dir, *args)
        assert result.exit_code == 1 and result.stderr.strip() == "Error: no document with id nope " + (
            "(see: jitbot kb list)" if args[0] == "remove" else "(see: jitbot kb list --all)")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"")
    failed = run(data_dir, "add", str(scan))
    assert failed.exit_code == 1
    assert failed.stderr.splitlines()[0] == f"failed     {scan}: empty file"
    assert run(data_dir, "list", "--json").stdout == before
    assert [r["action"] for r in history(data_dir)] == ["add"]


def test_check_reports_damage_and_repair_mends_it(data_dir, tmp_path):
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    run(data_dir, "add", str(guide))
    clean = run(data_dir, "check")
    assert clean.exit_code == 0 and clean.stdout.startswith("OK: the catalogue and both indexes agree (3 passages")

    services = HashingServices(cli.load_settings(data_dir=data_dir))
    lost = min(services.catalogue.served_passage_ids())
    services.dense_index.delete([lost])
    damaged = run(data_dir, "check")
    assert damaged.exit_code == 1
    assert damaged.stdout == f"problem: 1 served passages missing from the vector index (e.g. {lost})\n"
    assert "kb check --repair" in damaged.stderr
    repaired = run(data_dir, "check", "--repair", "--as", "ana")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: embedded 1 served passages missing from the vector index" in repaired.stdout
    assert repaired.stdout.splitlines()[-1].startswith("OK: the catalogue and both indexes agree now")
    assert run(data_dir, "check").exit_code == 0
    assert history(data_dir)[0]["action"] == "repair"


def test_check_on_an_empty_data_directory(data_dir):
    result = run(data_dir, "check")
    assert result.exit_code == 0 and "nothing to check" in result.stdout


class InterruptedServices(HashingServices):
    @cached_property
    def dense_index(self):
        from tests.unit.test_kb_versions import KilledDenseIndex

        return KilledDenseIndex(self.embedder, path=self.data_dir / "chroma")


def test_an_interrupted_update_is_reported_then_check_repair_cleans_up(data_dir, tmp_path, monkeypatch):
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1)
    run(data_dir, "add", str(guide))
    guide.write_text(GUIDE_V2)
    monkeypatch.setattr(cli, "Services", InterruptedServices)
    interrupted = run(data_dir, "add", str(guide))
    assert interrupted.exit_code == 130
    assert "Interrupted: the previous versions are still the ones served" in interrupted.stderr
    monkeypatch.setattr(cli, "Services", HashingServices)

    assert "v1   serving" in run(data_dir, "show", "jit-guide").stdout
    found = run(data_dir, "check")
    assert found.exit_code == 1
    assert "problem: unfinished version jit-guide@v2 (status 'indexing', no update running)" in found.stdout
    repaired = run(data_dir, "check", "--repair")
    assert "repaired: jit-guide: discarded unfinished v2 (jit-guide.md, 3 passages)" in repaired.stdout
    assert repaired.exit_code == 0 and run(data_dir, "check").exit_code == 0
    assert json.loads(run(data_dir, "list", "--json").stdout)[0]["current_version"] == 1


def test_a_contacts_import_is_in_the_history_too(data_dir, tmp_path):
    from tests import contact_rows

    path = contact_rows.write_csv(tmp_path / "directory.csv")
    contacts = ["--data-dir", str(data_dir), "contacts", "import", str(path)]
    assert CliRunner().invoke(cli.main, [*contacts, "--dry-run"]).exit_code == 0
    assert history(data_dir) == []
    assert CliRunner().invoke(cli.main, [*contacts, "--as", "carla"]).exit_code == 0
    assert CliRunner().invoke(cli.main, contacts).exit_code == 0  # unchanged: not a change
    [row] = history(data_dir)
    assert (row["action"], row["user"], row["detail"]) == (
        "contacts", "carla", "directory.csv: 6 added, 0 changed, 0 unchanged, 0 removed")
