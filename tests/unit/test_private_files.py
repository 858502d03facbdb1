"""The data directory is private: folders 0700, files 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.integration.telegram_harness import FakeModelServices
from tests.unit.test_kb_versions import GUIDE_V1


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # a typical login: files 0644, folders 0755
    yield
    os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_everything_jitbot_writes_in_the_data_directory_is_private(tmp_path, open_umask):
    data = tmp_path / "data"
    services = FakeModelServices(Settings(data_dir=data))
    guide = tmp_path / "jit-guide.md"
    guide.write_text(GUIDE_V1, encoding="utf-8")
    services.knowledge_base.add_file(guide)
    services.users.add_user(1001, "admin", "Ana")
    services.query_log.record(question="A case detail about Ruritania?", front_end="cli")
    services.log_secret()

    found = modes(data)
    for name in ("catalogue.db", "users.db", "logs.db", "catalogue.db-wal", "logs.db-wal", "logs.db-shm"):
        assert found.get(name) == 0o600, (name, oct(found.get(name, 0)))
    assert any(name.startswith("chroma/") for name in found) and any(name.startswith("bm25/") for name in found)
    loose = {name: oct(mode) for name, mode in found.items()
             if mode != (0o700 if (data / name).is_dir() else 0o600)}
    assert loose == {}


def test_files_of_an_older_deployment_are_tightened(tmp_path, open_umask):
    data = tmp_path / "data"
    FakeModelServices(Settings(data_dir=data)).query_log.record(question="x", front_end="cli")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    FakeModelServices(Settings(data_dir=data)).query_log.record(question="y", front_end="cli")
    assert {oct(mode) for name, mode in modes(data).items() if name != "."} == {"0o600"}
    assert modes(data)["."] == 0o700


def test_other_files_in_a_shared_folder_keep_their_modes(tmp_path, open_umask):
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    FakeModelServices(Settings(data_dir=tmp_path)).query_log.record(question="x", front_end="cli")
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "logs.db").stat().st_mode) == 0o600
