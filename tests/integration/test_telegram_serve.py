"""`jitbot serve` as a real process: the real model answers, SIGTERM stops it in seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.users import UserStore
from knowledge.catalogue import Catalogue

from .fake_bot_api import TOKEN, FakeBotAPI

pytestmark = pytest.mark.slow

MEMBER = 4242
JITBOT = str(Path(sys.executable).parent / "jitbot")


def test_serve_answers_with_the_real_model_and_stops_on_sigterm(tmp_path):
    UserStore(tmp_path / "users.db").add_user(MEMBER, "prosecutor")
    with FakeBotAPI() as api:
        env = {
            **os.environ, "HF_HUB_OFFLINE": "1", "JITBOT_DATA_DIR": str(tmp_path),
            "JITBOT_TELEGRAM_TOKEN": TOKEN, "JITBOT_TELEGRAM_API_URL": api.url,
            "JITBOT_LOG_SECRET": "test-only-secret",  # members are logged as pseudonyms
        }
        # serve never loads the fictional samples itself: a coordinator chooses to (kb samples).
        subprocess.run([JITBOT, "kb", "samples"], env=env, check=True, capture_output=True)
        process = subprocess.Popen([JITBOT, "serve", "--verbose"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # Warming up takes a while on a small CPU.
            api.wait_for("getUpdates", timeout=240)
            api.push_message(MEMBER, "Where are integrated joint investigations usually located?")
            [reply] = api.wait_for_messages(MEMBER, timeout=60)
            assert "State of operation" in reply.text
            assert "[1] Best practices in joint investigations" in reply.text

            sent = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
            stopped_after = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr[-2000:]
    assert stopped_after < 5, f"took {stopped_after:.1f}s to stop"
    assert "Stopped." in stderr and "Traceback" not in stderr
    assert TOKEN not in stderr  # the token is part of every API URL: it must not be logged


@pytest.mark.parametrize("mode", ["redacted", "off"])
def test_serve_verbose_keeps_questions_ids_and_names_out_of_stderr(tmp_path, mode):
    member, stranger = 987654321, 876543219
    UserStore(tmp_path / "users.db").add_user(member, "prosecutor", "Zebulon")
    (tmp_path / ".initialised").touch()  # an empty knowledge base: no samples to index first
    question = "Did Operation Quetzalcoatl set up a JIT with Ruritania?"
    with FakeBotAPI() as api:
        env = {
            **os.environ, "HF_HUB_OFFLINE": "1", "JITBOT_DATA_DIR": str(tmp_path),
            "JITBOT_TELEGRAM_TOKEN": TOKEN, "JITBOT_TELEGRAM_API_URL": api.url,
            "JITBOT_LOG_SECRET": "test-only-secret", "JITBOT_QUERY_LOG": mode,
        }
        process = subprocess.Popen([JITBOT, "serve", "-v"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            api.wait_for("getUpdates", timeout=240)
            api.push_message(member, question, first_name="Zebulon", username="zeb_the_prosecutor")
            api.push_message(stranger, "I am Yolanda from Quetzalcoatl", first_name="Yolanda")
            api.wait_for_messages(member, timeout=60)
            api.wait_for_messages(stranger, timeout=60)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr[-2000:]
    assert "is ready" in stderr  # the service log itself is still written
    for private in ("Quetzalcoatl", "Ruritania", "Zebulon", "zeb_the_prosecutor", "Yolanda",
                    str(member), str(stranger)):
        assert private not in stderr, private


def test_serve_on_an_empty_data_directory_loads_no_fictional_samples(tmp_path):
    with FakeBotAPI() as api:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "JITBOT_DATA_DIR": str(tmp_path), "JITBOT_SAMPLES": "on",
               "JITBOT_TELEGRAM_TOKEN": TOKEN, "JITBOT_TELEGRAM_API_URL": api.url,
               "JITBOT_LOG_SECRET": "test-only-secret"}
        process = subprocess.Popen([JITBOT, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            api.wait_for("getUpdates", timeout=120)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)
    assert "jitbot kb samples" in stderr  # says how to fill it
    assert not (tmp_path / ".samples").exists()
    assert Catalogue(tmp_path / "catalogue.db").is_empty()
