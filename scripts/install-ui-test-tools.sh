#!/usr/bin/env bash
# Installs what TemporalUiIT drives the Temporal web UI with: Debian's Chromium (apt-get) and the
# pinned playwright-core in ui-tests/ (npm ci). Playwright's own browser download is never used.
# Safe to run again: each step runs only when its result is missing or stale. GMU_CHROMIUM names
# another Chromium to use instead of /usr/bin/chromium (then nothing is installed with apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${GMU_CHROMIUM:-}" ]; then
  if [ ! -x "$GMU_CHROMIUM" ]; then
    echo "install-ui-test-tools: GMU_CHROMIUM=$GMU_CHROMIUM is not an executable" >&2
    exit 1
  fi
  echo "install-ui-test-tools: chromium from GMU_CHROMIUM ($GMU_CHROMIUM)"
elif [ -x /usr/bin/chromium ]; then
  echo "install-ui-test-tools: chromium already installed ($(/usr/bin/chromium --version 2>/dev/null))"
else
  # apt-get's chatter (debconf, needrestart) is kept out of CI's log unless it fails.
  apt_log="$(mktemp)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
      apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    echo "install-ui-test-tools: apt-get install chromium failed (it needs root)" >&2
    exit 1
  fi
  rm -f "$apt_log"
  echo "install-ui-test-tools: installed chromium with apt-get ($(/usr/bin/chromium --version 2>/dev/null))"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install-ui-test-tools: npm is needed (Node.js 20 or later)" >&2
  exit 1
fi
# npm ci leaves node_modules/.package-lock.json behind: older than package-lock.json, the pin moved.
installed_lock=ui-tests/node_modules/.package-lock.json
if [ -f "$installed_lock" ] && [ ! ui-tests/package-lock.json -nt "$installed_lock" ]; then
  echo "install-ui-test-tools: ui-tests/node_modules up to date"
else
  (cd ui-tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "install-ui-test-tools: npm ci in ui-tests (playwright-core $(cd ui-tests && node -p 'require("playwright-core/package.json").version'))"
fi
