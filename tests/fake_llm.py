"""Chat models for tests, built on LangChain's own fakes (real BaseChatModel interface)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field


class UnreachableChatModel(BaseChatModel):
    """A chat model whose server is down."""

    @property
    def _llm_type(self) -> str:
        return "unreachable"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        raise ConnectionError("connection refused")


class RecordingChatModel(FakeListChatModel):
    """FakeListChatModel that also keeps the messages it was sent."""

    received: list = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.received.append(messages)
        return super()._call(messages, stop, run_manager, **kwargs)
