"""`jitbot admin serve` as a real process: Datasette on the query log, behind a password."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.admin_datasette import hash_password
from bot.query_log import QueryLog

pytestmark = pytest.mark.slow

JITBOT = str(Path(sys.executable).parent / "jitbot")
PASSWORD = "correct horse battery"
GAP = "Can the JIT in Peru hear witnesses by video link?"
HASH = hash_password(PASSWORD)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    query_log = QueryLog(data_dir / "logs.db", secret=b"sixteen-byte-secret")
    query_log.record(question=GAP, abstained=True, front_end="telegram")
    query_log.record(question="What is a JIT?", answer="A team. [1]", front_end="telegram")
    query_log.db.close()
    port = free_port()
    env = {**os.environ, "JITBOT_DATA_DIR": str(data_dir), "JITBOT_ADMIN_PASSWORD_HASH": HASH}
    process = subprocess.Popen([JITBOT, "admin", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/-/login", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("admin serve did not start: " + process.communicate()[1][-2000:])
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        stderr = process.communicate()[1]
        assert "Traceback" not in stderr, stderr[-2000:]


@contextlib.contextmanager
def logged_in(url: str, password: str):
    """A cookie-carrying client that went through the /-/login form."""
    with httpx.Client(base_url=url, timeout=10) as client:
        form = client.get("/-/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', form.text)[1]
        client.post("/-/login", data={"username": "root", "password": password, "csrftoken": token})
        yield client


def test_the_canned_query_answers_with_the_password(admin_url):
    with logged_in(admin_url, PASSWORD) as client:
        assert "ds_actor" in client.cookies
        response = client.get("/logs/unanswered.json", params={"_shape": "objects"})
        assert response.status_code == 200
        assert [row["question"] for row in response.json()["rows"]] == [GAP]
        per_day = client.get("/logs/questions_per_day.json", params={"_shape": "objects"}).json()["rows"]
        assert per_day[0]["questions"] == 2 and per_day[0]["not_answered"] == 1


def test_everything_is_refused_without_the_password(admin_url):
    assert httpx.get(admin_url + "/logs/unanswered.json").status_code == 403
    assert httpx.get(admin_url + "/logs/queries.json").status_code == 403
    assert httpx.get(admin_url + "/-/metadata.json").status_code == 403
    for page in ("/", "/logs", "/logs/queries", "/logs/unanswered"):  # a browser goes to the login page
        response = httpx.get(admin_url + page)
        assert response.status_code == 302 and response.headers["location"] == "/-/login", page
        assert GAP not in response.text
    with logged_in(admin_url, "a wrong guess") as client:
        assert "ds_actor" not in client.cookies
        assert client.get("/logs/unanswered.json").status_code == 403


def test_the_log_cannot_be_changed_through_datasette(admin_url):
    with logged_in(admin_url, PASSWORD) as client:
        refused = client.get("/logs.json", params={"sql": "DELETE FROM queries"})
        assert refused.status_code == 400
        count = client.get("/logs.json", params={"sql": "SELECT count(*) AS n FROM queries", "_shape": "objects"})
        assert count.json()["rows"] == [{"n": 2}]
        assert client.get("/logs.db").status_code in (403, 404)  # no download of the file


def test_only_the_log_is_listed_and_no_page_shows_the_password_hash(admin_url):
    with logged_in(admin_url, PASSWORD) as client:
        databases = client.get("/.json").json()
        assert list(databases) == ["logs"]  # not Datasette's _internal
        assert client.get("/_internal.json").status_code == 403
        for page in ("/-/metadata.json", "/-/metadata", "/-/plugins.json", "/-/settings.json", "/-/config",
                     "/-/versions.json", "/-/actor.json", "/", "/logs"):
            text = client.get(page).text
            assert HASH not in text and "pbkdf2_sha256$" not in text, page
