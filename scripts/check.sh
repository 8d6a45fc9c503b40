#!/usr/bin/env bash
# Everything CI checks, in order: services, build, lint, types, tests, package publishing,
# the examples and the API docs. Run it with `pnpm check`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export CX_POSTGRES_URL="${CX_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

test_log="$(mktemp)"
trap 'rm -f "$test_log"' EXIT

bash scripts/start-services.sh
pnpm exec turbo run build --output-logs=errors-only
pnpm exec biome check .
pnpm exec turbo run typecheck --output-logs=errors-only
pnpm exec turbo run test --concurrency=2 | tee "$test_log"
# The totals of every package's vitest run, printed as the closing line.
totals=$(sed 's/\x1b\[[0-9;]*m//g' "$test_log" | awk '/Tests +[0-9]/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
     END { printf "%d passed, %d failed, %d skipped", p, f, s }')
pnpm exec turbo run check:package --output-logs=errors-only
node scripts/smoke-dist.mjs
pnpm --filter "./examples/*" --sequential run start
pnpm exec typedoc --logLevel Warn
echo "check: $totals"
