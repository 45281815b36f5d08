#!/usr/bin/env bash
# Best-effort installs of optional test dependencies (Debian packages). Tests that need them skip with a
# reason when they are absent, so a failure here is reported, not fatal.
set -uo pipefail
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "ci-setup: installing chromium for the browser test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "ci-setup: chromium not installable; the browser test will skip"
fi
exit 0
