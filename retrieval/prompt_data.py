"""Text that goes into a prompt as data: documents and chat turns cannot speak outside it."""

from __future__ import annotations

import re

# Tags that delimit the prompt's parts. Inside document text they are neutralised, so that a
# document cannot close its own <passage> and speak outside it.
_DELIMITERS = re.compile(
    r"<\s*/?\s*(?:passages?|question|conversation|last_message|system|user|assistant)\b[^>]*>",
    re.IGNORECASE,
)


def neutralise(text: str) -> str:
    return _DELIMITERS.sub(lambda m: m[0].replace("<", "&lt;").replace(">", "&gt;"), text)
