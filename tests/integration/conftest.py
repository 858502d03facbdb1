"""Fixtures the Telegram integration tests share."""

import pytest

from .fake_bot_api import FakeBotAPI


@pytest.fixture
def api():
    """The stand-in Bot API on 127.0.0.1 that the real python-telegram-bot client talks to."""
    with FakeBotAPI() as api:
        yield api
