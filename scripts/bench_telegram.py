"""Load test of the Telegram bot: many members asking at once, through the stand-in Bot API.

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_telegram.py --members 50 --questions 10

`jitbot serve` runs as a real process (real embedding model, real indexes) against the
stand-in server (tests/integration/fake_bot_api.py) in this process. Every member sends
all their questions at the same moment; the script checks that every question got
exactly one reply, in order within each chat, and reports the time from an update being
available to getUpdates to the reply reaching the server (p50/p95/max) and throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.users import UserStore
from tests.integration.fake_bot_api import TOKEN, FakeBotAPI

JITBOT = str(Path(sys.executable).parent / "jitbot")
DEFAULT_QUESTIONS = ROOT / "tests" / "eval" / "qa-dev.jsonl"
FALLBACK_QUESTIONS = ROOT / "tests" / "eval" / "qa-extra.jsonl"


def load_questions(path: Path) -> list[str]:
    if not path.exists():
        path = FALLBACK_QUESTIONS
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="per member")
    parser.add_argument("--data-dir", type=Path, help="an initialised data dir (default: a fresh one)")
    parser.add_argument("--questions-file", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--workers", type=int, help="JITBOT_TELEGRAM_WORKERS for the bot")
    parser.add_argument("--max-rate", type=float, help="JITBOT_TELEGRAM_MAX_RATE for the bot")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for all replies")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="jitbot-bench-"))
    questions = load_questions(args.questions_file)
    members = [700_000 + i for i in range(args.members)]
    if args.data_dir is None:  # a fresh data directory: the samples are what members ask about
        subprocess.run([JITBOT, "--data-dir", str(data_dir), "kb", "samples"], check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    users = UserStore(data_dir / "users.db")
    for member in members:
        users.add_user(member, "prosecutor", f"bench {member}")

    with FakeBotAPI() as api, open(data_dir / "bench-serve.log", "w") as log:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "JITBOT_DATA_DIR": str(data_dir),
               "JITBOT_TELEGRAM_TOKEN": TOKEN, "JITBOT_TELEGRAM_API_URL": api.url,
               "JITBOT_LOG_SECRET": "bench-only-secret"}  # members are logged as pseudonyms
        if args.workers:
            env["JITBOT_TELEGRAM_WORKERS"] = str(args.workers)
        if args.max_rate is not None:
            env["JITBOT_TELEGRAM_MAX_RATE"] = str(args.max_rate)
        started = time.monotonic()
        bot = subprocess.Popen([JITBOT, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            api.wait_for("getUpdates", timeout=600)
            print(f"bot ready after {time.monotonic() - started:.1f}s (data dir {data_dir})", file=sys.stderr)

            rng = random.Random(4)
            asked: dict[tuple[int, int], str] = {}
            burst = time.monotonic()
            for member in members:  # everybody at once (pushing 500 updates takes milliseconds)
                for question in rng.choices(questions, k=args.questions):
                    message = api.push_message(member, question)
                    asked[(member, message["message_id"])] = question
            total = len(asked)
            deadline = time.monotonic() + args.timeout
            while True:
                with api.changed:
                    replied = {(s.chat_id, s.reply_to) for s in api.sent if s.reply_to}
                    if len(replied & asked.keys()) >= total or time.monotonic() > deadline:
                        break
                    api.changed.wait(1.0)
            done = time.monotonic()
            time.sleep(1.0)  # let any duplicate reply show itself
            sent = list(api.sent)
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
        stop_seconds = time.monotonic() - done - 1.0

    replies: dict[tuple[int, int], list] = {}
    for s in sent:
        if s.reply_to:
            replies.setdefault((s.chat_id, s.reply_to), []).append(s)
    lost = [key for key in asked if key not in replies]
    duplicated = [key for key, got in replies.items() if len(got) > 1]
    unexpected = [key for key in replies if key not in asked]
    errors = sum("something went wrong" in s.text for s in sent)
    in_order = all(
        [s.reply_to for s in sent if s.chat_id == m and s.reply_to] == sorted(k[1] for k in asked if k[0] == m)
        for m in members
    )
    latencies = [replies[key][0].time - api.pushed_at[key] for key in asked if key in replies]
    result = {
        "members": args.members, "questions_per_member": args.questions, "questions": total,
        "answered_once": total - len(lost) - len(duplicated), "lost": len(lost), "duplicated": len(duplicated),
        "unexpected": len(unexpected), "error_replies": errors, "per_chat_order_kept": in_order,
        "messages_sent": len(sent), "chat_actions": len(api.calls("sendChatAction")),
        "p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 2) if latencies else None,
        "max_s": round(max(latencies), 2) if latencies else None,
        "first_reply_s": round(min(latencies), 2) if latencies else None,
        "wall_s": round(done - burst, 1), "answers_per_s": round(total / (done - burst), 2),
        "sigterm_exit_s": round(stop_seconds, 1), "exit_code": bot.returncode,
        "workers": args.workers or "default", "max_rate": args.max_rate if args.max_rate is not None else "default",
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    sys.exit(0 if not lost and not duplicated and not unexpected and in_order else 1)


if __name__ == "__main__":
    main()
