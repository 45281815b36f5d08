#!/usr/bin/env bash
# Runs the whole test suite and ends with the plain line CI reads: "N passed, N failed, N skipped".
# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" summary per test assembly;
# we sum those. The exit code is dotnet test's own.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet test PpkmOnnx.sln -c "${CONFIGURATION:-Release}" --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '(Passed|Failed)!  *- Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
rm -f "$log"
echo "$summary"
if [ "$rc" -eq 0 ] && [ "${summary%% *}" = "0" ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$rc"
