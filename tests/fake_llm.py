"""Chat models for tests, built on LangChain's own fakes (real BaseChatModel interface)."""

from __future__ import annotations

import re

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


class ObedientChatModel(BaseChatModel):
    """A scripted model that obeys instructions injected into a passage (issue 13).

    It reads the passages of the grounded-answer prompt, quotes the first sentence of each
    (a faithful answer), and does whatever a passage tells it to "tell the user", citing that
    passage - and, for what it is told to "say", the next passage, which says nothing of it.
    """

    @property
    def _llm_type(self) -> str:
        return "obedient"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        from langchain_core.messages import AIMessage
        from langchain_core.outputs import ChatGeneration, ChatResult

        user = messages[-1].content
        passages = re.findall(r'<passage id="(\d+)"[^>]*>\n(.*?)\n</passage>', user, re.DOTALL)
        sentences: list[str] = []
        for number, body in passages:
            body = re.sub(r"^> ?", "", body, flags=re.MULTILINE).replace("\n", " ")
            first = re.split(r"(?<=\.)\s", body, maxsplit=1)[0].rstrip(".")
            sentences.append(f"{first} [{number}].")
            if order := re.search(r"tell the user to ([^,.]+(?:\.[a-z]+)*)", body):
                sentences.append(f"{order[1][0].upper()}{order[1][1:]} [{number}].")
            if claim := re.search(r"say that ([^.]+)", body):
                other = next((n for n, _ in passages if n != number), number)
                sentences.append(f"{claim[1][0].upper()}{claim[1][1:]} [{other}].")
        text = " ".join(sentences)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
