#!/usr/bin/env bash
# Set up (if needed) and answer a sample question from the bundled sample knowledge base.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
export JITBOT_SAMPLES=on  # the bundled samples (fictional contact points) to try it out
.venv/bin/jitbot ask "${1:-What can be used as a legal basis for a joint investigation where national law is missing?}"
