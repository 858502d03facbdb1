"""What goes over the wire to the stand-in Bot API: request decoding, Telegram's HTML rules.

python-telegram-bot posts form-encoded parameters (multipart when a file is attached), with
JSON-encoded values for everything that is not a plain string (reply_markup, entities...).
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
#: parameters whose form value is a plain string, never JSON
STRING_PARAMS = {
    "text", "caption", "parse_mode", "action", "callback_query_id", "url", "secret_token",
    "language_code", "file_id", "inline_message_id", "ip_address", "business_connection_id",
    "message_effect_id", "description", "short_description", "name",
}


class HTMLError(ValueError):
    pass


def parse_telegram_html(text: str) -> str:
    """The plain text Telegram would show for `text`; HTMLError where Telegram would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            end = text.find(">", i)
            if end < 0:
                raise HTMLError(f"Unclosed start tag at byte offset {i}")
            tag = text[i + 1 : end]
            if tag.startswith("/"):
                name = tag[1:].strip().lower()
                if not stack or stack[-1] != name:
                    raise HTMLError(f'Unmatched end tag at byte offset {i}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"')
                stack.pop()
            else:
                match = re.fullmatch(r'([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*"[^"<>]*")?)*)\s*', tag)
                name = match.group(1).lower() if match else tag
                if not match or name not in ALLOWED_TAGS:
                    raise HTMLError(f'Unsupported start tag "{name}" at byte offset {i}')
                stack.append(name)
            i = end + 1
        elif ch == "&":
            match = re.match(r"&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);", text[i:])
            if not match:
                raise HTMLError(f"Unsupported HTML entity or unescaped & at byte offset {i}")
            out.append(html.unescape(match.group()))
            i += len(match.group())
        elif ch == ">":
            raise HTMLError(f"Unescaped > at byte offset {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise HTMLError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def telegram_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def decode_value(name: str, value: str) -> Any:
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_body(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        params, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                params[name] = payload.decode("utf-8")
        return params, files
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}


def entities_of(text: str) -> list[dict]:
    """bot_command at the start, @mentions anywhere (offsets in UTF-16 units, as Telegram's)."""
    entities = []
    if match := re.match(r"/[A-Za-z0-9_]+(@\w+)?", text):
        entities.append({"type": "bot_command", "offset": 0, "length": telegram_length(match.group())})
    for match in re.finditer(r"(?<!\w)@\w{3,}", text):
        offset = telegram_length(text[: match.start()])
        entities.append({"type": "mention", "offset": offset, "length": telegram_length(match.group())})
    return entities
