"""A stand-in for an OpenAI-compatible chat server (vLLM, llama.cpp), on 127.0.0.1.

A real HTTP server in a thread, implementing POST /v1/chat/completions without and with
SSE streaming, so that the real langchain-openai client is tested end to end. Replies come
from a script (a function of the request's messages); every request body is recorded.

    with StandInLLM(reply="Claim [1].") as server:
        ChatOpenAI(base_url=server.url, api_key="x", model="standin")

Run on its own (for `jitbot eval qa --generator` by hand):

    python -m tests.openai_standin --port 8011 --script quote
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

Reply = Callable[[list[dict]], str]


class StandInLLM:
    def __init__(self, reply: Reply | str = "", *, delay: float = 0.0, port: int = 0,
                 chunk_words: int = 3):
        self.reply: Reply = reply if callable(reply) else (lambda messages, text=reply: text)
        self.delay = delay
        self.chunk_words = chunk_words
        #: the JSON body of every request received, in order
        self.requests: list[dict] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers still sleeping out a delay
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the last request said ---------------------------------------------------
    def messages(self, index: int = -1) -> list[dict]:
        return self.requests[index]["messages"]

    def message(self, role: str, index: int = -1) -> str:
        return next(m["content"] for m in self.messages(index) if m["role"] == role)


def _handler_for(standin: StandInLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            standin.requests.append(body)
            if standin._stopping.wait(standin.delay):
                return
            text = standin.reply(body["messages"])
            model = body.get("model", "standin")
            try:
                if body.get("stream"):
                    self._stream(text, model)
                else:
                    self._complete(text, model)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to answer

        def _complete(self, text: str, model: str) -> None:
            payload = json.dumps({
                "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, text: str, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()  # HTTP/1.0: the body ends when the connection closes
            words = re.findall(r"\S+\s*", text)
            pieces = ["".join(words[i:i + standin.chunk_words])
                      for i in range(0, len(words), standin.chunk_words)]
            first = True
            for piece in pieces + [None]:
                delta = {} if piece is None else {"content": piece}
                if first:
                    delta["role"] = "assistant"
                    first = False
                chunk = {
                    "id": "chatcmpl-standin", "object": "chat.completion.chunk",
                    "created": int(time.time()), "model": model,
                    "choices": [{"index": 0, "delta": delta,
                                 "finish_reason": "stop" if piece is None else None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


# --- scripted replies ------------------------------------------------------------------------
_PASSAGE = re.compile(r'<passage id="(\d+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)


def quote_script(messages: list[dict]) -> str:
    """A scripted "model" for demonstrations: it quotes the first sentence of passages 1 and 2
    with their numbers, and on purpose misbehaves on some questions (chosen by a hash of the
    question, so runs are repeatable): one in four gets an extra uncited sentence, one in four
    an invented citation [9]. It knows nothing; it exercises the checks, nothing more.
    """
    user = next(m["content"] for m in messages if m["role"] == "user")
    if "<last_message>" in user:  # the follow-up rewrite prompt: return the message as is
        return re.search(r"<last_message>\n(.*?)\n</last_message>", user, re.DOTALL)[1]
    passages = _PASSAGE.findall(user)
    if not passages:
        return "NOT_IN_PASSAGES"
    sentences = []
    for number, text in passages[:2]:
        first = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
        sentences.append(f"{first.rstrip('.')} [{number}].")
    question = re.search(r"<question>\n(.*?)\n</question>", user, re.DOTALL)[1]
    bucket = zlib.crc32(question.encode()) % 4
    if bucket == 0:
        sentences.append("This is well established in practice.")
    elif bucket == 1:
        sentences.append("Further details are set out in the annex [9].")
    return " ".join(sentences)


SCRIPTS: dict[str, Reply] = {"quote": quote_script}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--script", choices=sorted(SCRIPTS), default="quote")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each reply")
    args = parser.parse_args()
    server = StandInLLM(SCRIPTS[args.script], delay=args.delay, port=args.port)
    print(f"stand-in OpenAI-compatible server on {server.url} (script: {args.script})", flush=True)
    try:
        server._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
