#!/usr/bin/env bash
# Re-record the cassettes under cassettes/ from a running OpenAI-compatible server. Starts nothing itself.
#
#   local llama.cpp server (default):  scripts/record_cassettes.sh
#   OpenAI:   OPENAI_API_KEY=sk-... SUMMARIZER_RECORD_BASE_URL=https://api.openai.com/v1 \
#             SUMMARIZER_RECORD_MODEL=gpt-4o-mini scripts/record_cassettes.sh
#
# Set PYTHON=/path/to/venv/bin/python unless that venv is active.
# Extra arguments go to pytest, e.g. `-k harbour` or `--record-mode=once` (only record missing cassettes).
# See docs/recording.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Python of the environment the package is installed in (with pytest-recording): $PYTHON, else the
# active virtualenv's, else python3 on PATH.
if [ -z "${PYTHON:-}" ]; then
  if [ -n "${VIRTUAL_ENV:-}" ]; then PYTHON="$VIRTUAL_ENV/bin/python"; else PYTHON=python3; fi
fi
export SUMMARIZER_RECORD_BASE_URL="${SUMMARIZER_RECORD_BASE_URL:-http://127.0.0.1:8765/v1}"
echo "recording from $SUMMARIZER_RECORD_BASE_URL (model: ${SUMMARIZER_RECORD_MODEL:-as in the cassettes, else smollm2})" >&2
exec "$PYTHON" -m pytest tests/test_cassettes.py -k test_cassette_ --record-mode=rewrite -p no:cacheprovider "$@"
