"""A time limit on parsing one file (JITBOT_MAX_PARSE_SECONDS), checked inside the parsing loops.

Why checks in the loops rather than a worker process with a timeout: the time goes into Python
loops — python-docx walking paragraphs, pypdf's pages, the HTML walk, the markdown block parser
and the chunker — each of which now calls `check()` once per item, so a pathological file stops
within one item of the limit, in the thread that parses it (the bot parses in a worker thread,
where signals cannot reach). The only steps that cannot be stopped between items are single
library calls on the whole input — inflating and parsing a .docx's XML with lxml — and those are
bounded beforehand by the unpacked-size and compression caps (knowledge/limits.py), which are
checked from the zip directory without unpacking. A subprocess would also stop C code, but would
cost a process start and a copy of the parsed document per file, and Chroma's threads make
forking this process unsafe.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("jitbot_parse_deadline", default=None)


class ParseTimeExceeded(Exception):
    """Parsing one file took longer than the limit."""

    def __init__(self, seconds: float):
        super().__init__(f"parsing took longer than the limit of {seconds:g} s")
        self.seconds = seconds

    @property
    def reason(self) -> str:
        return (f"parsing took longer than the limit of {self.seconds:g} s (JITBOT_MAX_PARSE_SECONDS); "
                "nothing was changed")


@contextlib.contextmanager
def parse_deadline(seconds: float | None) -> Iterator[None]:
    """Within the block, `check()` raises ParseTimeExceeded once `seconds` have passed."""
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Called once per paragraph, page, node or block by the parsers; cheap (~0.1 µs)."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise ParseTimeExceeded(deadline[1])
