#!/usr/bin/env bash
# Everything CI checks, in order: services, build, lint, types, tests, package publishing,
# the examples and the API docs. Run it with `pnpm check`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export CX_POSTGRES_URL="${CX_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

bash scripts/start-services.sh
pnpm exec turbo run build --output-logs=errors-only
pnpm exec biome check .
pnpm exec turbo run typecheck --output-logs=errors-only
pnpm exec turbo run test --concurrency=2
pnpm exec turbo run check:package --output-logs=errors-only
node scripts/smoke-dist.mjs
pnpm --filter "./examples/*" --sequential run start
pnpm exec typedoc --logLevel Warn
echo "cx check: all passed"
