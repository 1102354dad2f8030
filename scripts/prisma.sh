#!/usr/bin/env bash
# Runs the Prisma CLI offline: these variables stop it from downloading engines,
# which this project does not use (queries go through driver adapters).
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_QUERY_ENGINE_LIBRARY="$PWD/scripts/prisma.sh"
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
export CHECKPOINT_DISABLE=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
export DATABASE_URL="${DATABASE_URL:-postgresql://unused@127.0.0.1:5432/unused}"
exec node_modules/.bin/prisma "$@"
