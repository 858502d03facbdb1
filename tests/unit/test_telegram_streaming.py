"""The streamed answer's message: at most one edit per interval, then the final answer."""

from __future__ import annotations

import asyncio

from telegram.error import BadRequest

from bot.telegram.streaming import MessageStreamer, chat_history, remember_turn


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Chat:
    """Records what would be sent and edited."""

    def __init__(self, fail_edits: bool = False):
        self.calls: list[tuple[str, str]] = []
        self.fail_edits = fail_edits

    async def send(self, text):
        self.calls.append(("send", text))
        return "message-1"

    async def edit(self, message, text):
        if self.fail_edits:
            raise BadRequest("Message is not modified")
        self.calls.append((f"edit {message}", text))


async def test_first_text_is_sent_then_edited_at_most_once_per_interval():
    chat, clock = Chat(), FakeClock()
    streamer = MessageStreamer(asyncio.get_running_loop(), chat.send, chat.edit, interval=1.0, clock=clock)
    await streamer.offer("One [1].")
    clock.now += 0.4
    await streamer.offer("One [1]. Two [2].")  # too soon: skipped
    clock.now += 0.7
    await streamer.offer("One [1]. Two [2]. Three <3> [3].")
    assert chat.calls == [
        ("send", "One [1]. …"),
        ("edit message-1", "One [1]. Two [2]. Three &lt;3&gt; [3]. …"),
    ]
    assert await streamer.finish() == "message-1"
    clock.now += 5
    await streamer.offer("Late text [1].")  # after finish: the final answer owns the message
    assert len(chat.calls) == 2


async def test_pushes_from_the_answering_thread_reach_the_chat():
    chat = Chat()
    streamer = MessageStreamer(asyncio.get_running_loop(), chat.send, chat.edit, interval=0.0)
    await asyncio.to_thread(streamer.push, "From the worker [1].")
    for _ in range(50):  # the push hops onto this loop; let it run
        if chat.calls:
            break
        await asyncio.sleep(0.01)
    assert chat.calls == [("send", "From the worker [1]. …")]


async def test_a_refused_edit_loses_nothing():
    chat, clock = Chat(fail_edits=True), FakeClock()
    streamer = MessageStreamer(asyncio.get_running_loop(), chat.send, chat.edit, clock=clock)
    await streamer.offer("One [1].")
    clock.now += 2
    await streamer.offer("One [1]. Two [2].")
    assert chat.calls == [("send", "One [1]. …")]
    assert await streamer.finish() == "message-1"


async def test_nothing_streamed_means_no_message_to_replace():
    chat = Chat()
    streamer = MessageStreamer(asyncio.get_running_loop(), chat.send, chat.edit)
    await streamer.offer("   ")
    assert await streamer.finish() is None and chat.calls == []


def test_chat_history_keeps_the_last_three_turns():
    chat_data: dict = {}
    for n in range(5):
        remember_turn(chat_data, f"question {n}", f"answer {n}")
    assert chat_history(chat_data) == [(f"question {n}", f"answer {n}") for n in (2, 3, 4)]
    assert chat_history({}) == []
