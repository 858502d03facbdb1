"""A stand-in Telegram Bot API server: real HTTP on 127.0.0.1, served from a thread.

Point the real python-telegram-bot client at `FakeBotAPI.url` (JITBOT_TELEGRAM_API_URL)
and it talks to this server exactly as to api.telegram.org: form-encoded or multipart
requests to /bot<token>/<method>, file downloads from /file/bot<token>/<path>.

Tests push updates (messages, commands, callback queries, documents), inspect every
call the bot made (`calls`, `wait_for`, `sent`) and inject errors (`fail_next`).

It checks what Telegram checks, a little more strictly: HTML is parsed with Telegram's
tag set (an unescaped `<`, `>` or `&` is an error here), text over 4,096 characters is
refused, callback data over 64 bytes is refused, and messages go only to chats the
server has seen.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from .bot_api_wire import (
    HTMLError,
    decode_body,
    decode_value,
    entities_of,
    parse_telegram_html,
    telegram_length,
)

TOKEN = "123456:TEST-token"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # a client closed a kept-alive connection
            return
        super().handle_error(request, client_address)


class APIError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)


@dataclass
class Sent:
    """A message the bot sent (and its later edits)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict | None
    reply_to: int | None
    time: float
    kind: str = "text"  # text | photo | document
    file: bytes = b""

    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


class FakeBotAPI:
    def __init__(self, token: str = TOKEN, username: str = "jitbot_test_bot"):
        self.token = token
        self.bot = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": "JIT assistant",
            "username": username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.changed = threading.Condition()
        self.updates: list[dict] = []  # not yet confirmed by an offset
        self.delivered: set[int] = set()
        self.pushed_at: dict[tuple[int, int], float] = {}
        self.call_log: list[Call] = []
        self.sent: list[Sent] = []
        self.chats: dict[int, dict] = {}
        self.commands: dict[str, list] = {}
        self.webhook: dict[str, Any] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.callback_ids: set[str] = set()
        self.faults: dict[str, list[tuple[int, dict]]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._ids = itertools.count(1)
        self._closing = False
        self.server = _Server(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True, name="fake-bot-api")

    # --- lifecycle -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The Bot API root, as JITBOT_TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        with self.changed:
            self._closing = True
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pushing updates -------------------------------------------------------------
    def push_update(self, payload: dict) -> int:
        with self.changed:
            update_id = next(self._update_ids)
            self.updates.append({"update_id": update_id, **payload})
            self.changed.notify_all()
        return update_id

    def chat(self, chat_id: int, chat_type: str = "private", title: str | None = None, **user) -> dict:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = user.get("first_name", "Member")
        else:
            chat["title"] = title or f"Group {chat_id}"
        self.chats.setdefault(chat_id, chat)
        return self.chats[chat_id]

    def user(self, user_id: int, first_name: str = "Member", username: str | None = None,
             language_code: str = "en") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        if username:
            user["username"] = username
        return user

    def push_message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Member",
        username: str | None = None,
        document: dict | None = None,
        caption: str | None = None,
        language_code: str = "en",
    ) -> dict:
        """A user's message (commands and @mentions get their entities); returns the message."""
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type, chat_title, first_name=first_name),
            "from": self.user(user_id, first_name, username, language_code),
        }
        if text is not None:
            message["text"] = text
            if entities := entities_of(text):
                message["entities"] = entities
        if document is not None:
            message["document"] = document
            if caption:
                message["caption"] = caption
        self.pushed_at[(chat_id, message["message_id"])] = time.monotonic()
        self.push_update({"message": message})
        return message

    def push_callback(self, user_id: int, data: str, sent: Sent, first_name: str = "Member",
                      language_code: str = "en") -> str:
        """A press on an inline button of a message the bot sent."""
        callback_id = str(next(self._ids))
        with self.changed:
            self.callback_ids.add(callback_id)
        message = {
            "message_id": sent.message_id, "date": int(time.time()),
            "chat": self.chats[sent.chat_id], "from": self.bot, "text": sent.text,
        }
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        self.push_update({
            "callback_query": {
                "id": callback_id, "from": self.user(user_id, first_name, language_code=language_code),
                "message": message,
                "chat_instance": str(sent.chat_id), "data": data,
            }
        })
        return callback_id

    def add_file(self, content: bytes, file_name: str = "file.bin", mime_type: str = "application/octet-stream") -> dict:
        """Store a file the bot can getFile and download; returns a Document object."""
        file_id = f"file-{next(self._ids)}"
        with self.changed:
            self.files[file_id] = (f"documents/{file_id}-{file_name}", content)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                "mime_type": mime_type, "file_size": len(content)}

    def push_document(self, user_id: int, content: bytes, file_name: str, caption: str | None = None, **kw) -> dict:
        return self.push_message(user_id, document=self.add_file(content, file_name), caption=caption, **kw)

    # --- inspecting ------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self.changed:
            return [c for c in self.call_log if method is None or c.method == method]

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self.changed:
            return [s for s in self.sent if s.chat_id == chat_id]

    def wait_for(
        self, method: str, predicate: Callable[[Call], bool] = lambda c: True,
        count: int = 1, timeout: float = 10.0,
    ) -> list[Call]:
        """Block until `count` calls of `method` match; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [c for c in self.call_log if c.method == method and predicate(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    recent = [(c.method, {k: str(v)[:60] for k, v in c.params.items()}) for c in self.call_log[-8:]]
                    raise AssertionError(f"{len(found)}/{count} {method} calls after {timeout}s; last calls: {recent}")
                self.changed.wait(left)

    def wait_for_messages(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[Sent]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len(found := [s for s in self.sent if s.chat_id == chat_id]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(found)}/{count} messages to chat {chat_id} after {timeout}s")
                self.changed.wait(left)
            return found

    # --- faults ----------------------------------------------------------------------
    def fail_next(self, method: str, times: int = 1, code: int = 429,
                  description: str = "Too Many Requests: retry after 1", parameters: dict | None = None) -> None:
        """The next `times` calls of `method` get this error instead of being executed."""
        if code == 429 and parameters is None:
            parameters = {"retry_after": 1}
        body = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        with self.changed:
            self.faults.setdefault(method, []).extend([(code, body)] * times)

    # --- the API ---------------------------------------------------------------------
    def _dispatch(self, method: str, params: dict, files: dict) -> tuple[int, Any]:
        with self.changed:
            self.call_log.append(Call(method, params, files))
            self.changed.notify_all()
            faults = self.faults.get(method)
            if faults:
                return faults.pop(0)
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            with self.changed:
                result = handler(params, files)
                self.changed.notify_all()
        except APIError as error:
            body = {"ok": False, "error_code": error.code, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return error.code, body
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30.0)
        with self.changed:
            if offset > 0:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and not self._closing and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            batch = self.updates[:limit]
            self.delivered.update(u["update_id"] for u in batch)
            return batch

    def _api_getMe(self, params, files):
        return self.bot

    def _api_deleteWebhook(self, params, files):
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def _api_setWebhook(self, params, files):
        self.webhook = dict(params)
        return True

    def _api_getWebhookInfo(self, params, files):
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.updates)}

    def _api_setMyCommands(self, params, files):
        for command in params.get("commands") or []:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")) or not command.get("description"):
                raise APIError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._commands_key(params)] = params.get("commands") or []
        return True

    def _api_deleteMyCommands(self, params, files):
        self.commands.pop(json.dumps(params.get("scope") or {"type": "default"}), None)
        return True

    def _api_getMyCommands(self, params, files):
        return self.commands.get(self._commands_key(params), [])

    @staticmethod
    def _commands_key(params: dict) -> str:
        """Menus are kept per scope and per language_code, as Telegram keeps them."""
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = json.loads(scope)
        key = json.dumps(scope, sort_keys=True)
        return key + (f"|{params['language_code']}" if params.get("language_code") else "")

    def _api_sendChatAction(self, params, files):
        self._known_chat(params)
        return True

    def _api_answerCallbackQuery(self, params, files):
        if params.get("callback_query_id") not in self.callback_ids:
            raise APIError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.callback_ids.discard(params["callback_query_id"])
        return True

    def _api_sendMessage(self, params, files):
        chat = self._known_chat(params)
        text = self._text(params, "text", required=True)
        return self._message(self._store(chat, params, text, "text"))

    def _api_sendPhoto(self, params, files):
        return self._send_file(params, files, "photo")

    def _api_sendDocument(self, params, files):
        return self._send_file(params, files, "document")

    def _api_editMessageText(self, params, files):
        sent = self._find(params)
        sent.html = params.get("text", "")
        sent.text = self._text(params, "text", required=True)
        if "reply_markup" in params:
            sent.reply_markup = self._markup(params)
        return self._message(sent)

    def _api_editMessageReplyMarkup(self, params, files):
        sent = self._find(params)
        sent.reply_markup = self._markup(params)
        return self._message(sent)

    def _api_getFile(self, params, files):
        if params.get("file_id") not in self.files:
            raise APIError(400, "Bad Request: invalid file_id")
        path, content = self.files[params["file_id"]]
        return {"file_id": params["file_id"], "file_unique_id": f"u{params['file_id']}",
                "file_size": len(content), "file_path": path}

    def _api_close(self, params, files):
        return True

    _api_logOut = _api_close

    # --- helpers for the API methods (called with self.changed held) -------------------
    def _known_chat(self, params: dict) -> dict:
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            raise APIError(400, "Bad Request: chat not found") from None
        if chat_id not in self.chats:
            raise APIError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def _text(self, params: dict, name: str, required: bool = False) -> str:
        raw = params.get(name)
        if raw is None or raw == "":
            if required:
                raise APIError(400, f"Bad Request: message {name} is empty")
            return ""
        text = str(raw)
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                text = parse_telegram_html(text)
            except HTMLError as error:
                raise APIError(400, f"Bad Request: can't parse entities: {error}") from None
        limit = 4096 if name == "text" else 1024
        if telegram_length(text) > limit:
            raise APIError(400, f"Bad Request: message {'is' if name == 'text' else 'caption is'} too long")
        if not text.strip():
            raise APIError(400, f"Bad Request: message {name} is empty")
        return text

    def _markup(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise APIError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _store(self, chat: dict, params: dict, text: str, kind: str, content: bytes = b"") -> Sent:
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_to and (chat["id"], reply_to) not in self.pushed_at and not reply.get("allow_sending_without_reply"):
            raise APIError(400, "Bad Request: message to be replied not found")
        sent = Sent(chat["id"], next(self._message_ids), str(params.get("text") or params.get("caption") or ""),
                    text, self._markup(params), reply_to, time.monotonic(), kind, content)
        self.sent.append(sent)
        return sent

    def _message(self, sent: Sent) -> dict:
        message = {"message_id": sent.message_id, "date": int(time.time()),
                   "chat": self.chats[sent.chat_id], "from": self.bot}
        if sent.kind == "text":
            message["text"] = sent.text
        elif sent.text:
            message["caption"] = sent.text
        if sent.kind == "document":
            message["document"] = {"file_id": f"sent-{sent.message_id}", "file_unique_id": f"s{sent.message_id}",
                                   "file_size": len(sent.file)}
        if sent.kind == "photo":
            message["photo"] = [{"file_id": f"sent-{sent.message_id}", "file_unique_id": f"s{sent.message_id}",
                                 "width": 800, "height": 600, "file_size": len(sent.file)}]
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _find(self, params: dict) -> Sent:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        for sent in self.sent:
            if str(sent.chat_id) == str(chat_id) and sent.message_id == message_id:
                return sent
        raise APIError(400, "Bad Request: message to edit not found")

    def _send_file(self, params: dict, files: dict, kind: str) -> dict:
        chat = self._known_chat(params)
        caption = self._text(params, "caption")
        content = files.get(kind)
        if content is None:
            ref = params.get(kind)
            if ref not in self.files:
                raise APIError(400, f"Bad Request: there is no {kind} in the request")
            content = self.files[ref][1]
        return self._message(self._store(chat, params, caption, kind, content))

    # --- HTTP ------------------------------------------------------------------------
    def _handler_class(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                prefix = f"/file/bot{api.token}/"
                if path.startswith(prefix):
                    wanted = path[len(prefix):]
                    for file_path, content in list(api.files.values()):
                        if file_path == wanted:
                            return self._reply(200, content, "application/octet-stream")
                    return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                self._api(dict(parse_qsl(urlsplit(self.path).query)), {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                params, files = decode_body(self.headers.get("Content-Type", ""), body)
                params.update(dict(parse_qsl(urlsplit(self.path).query)))
                self._api(params, files)

            def _api(self, raw: dict, files: dict) -> None:
                parts = unquote(urlsplit(self.path).path).strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                if parts[0][3:] != api.token:
                    return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                params = {k: decode_value(k, v) for k, v in raw.items()}
                status, payload = api._dispatch(parts[1], params, files)
                self._json(status, payload)

            def _json(self, status: int, payload: Any) -> None:
                self._reply(status, json.dumps(payload).encode(), "application/json")

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (e.g. a cancelled long poll)

        return Handler
