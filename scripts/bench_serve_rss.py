"""Resident memory of an idle `jitbot serve` (VmRSS from /proc), against the stand-in Bot API.

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_serve_rss.py --data-dir DIR

DIR is a data directory already loaded (e.g. `jitbot --data-dir DIR kb samples`); it is
copied, so the bot writes nothing into it. Reported: VmRSS and VmHWM once the bot polls and
has been idle for --idle seconds, then again after one member's question has been answered
and the bot has been idle again (the embedding model and indexes are then loaded). Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
MEMBER = 700_001


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle before reading")
    parser.add_argument("--question", default="Where are integrated joint investigations usually located?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jitbot-rss-") as folder:
        data_dir = Path(folder) / "data"
        shutil.copytree(args.data_dir, data_dir)
        UserStore(data_dir / "users.db").add_user(MEMBER, "prosecutor", "bench")
        with FakeBotAPI() as api:
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "JITBOT_DATA_DIR": str(data_dir),
                   "JITBOT_TELEGRAM_TOKEN": TOKEN, "JITBOT_TELEGRAM_API_URL": api.url,
                   "JITBOT_LOG_SECRET": "bench-only-secret"}
            started = time.monotonic()
            bot = subprocess.Popen([JITBOT, "serve"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            try:
                api.wait_for("getUpdates", timeout=600)
                ready = time.monotonic() - started
                time.sleep(args.idle)
                idle = memory(bot.pid)
                message = api.push_message(MEMBER, args.question)
                asked = time.monotonic()
                with api.changed:
                    while not any(s.reply_to == message["message_id"] for s in api.sent):
                        if time.monotonic() - asked > 300:
                            raise SystemExit("no reply within 300 s")
                        api.changed.wait(1.0)
                answered = time.monotonic() - asked
                time.sleep(args.idle)
                after = memory(bot.pid)
            finally:
                bot.terminate()
                bot.wait(timeout=30)
    print(json.dumps({"ready_s": round(ready, 1), "idle_mb": idle, "first_answer_s": round(answered, 2),
                      "idle_after_one_answer_mb": after,
                      "load_avg": [round(x, 2) for x in os.getloadavg()]}, indent=2))


if __name__ == "__main__":
    main()
