#!/usr/bin/env bash
# The rehearsal (deploy/rehearsal.py): the reference deployment on this machine — HAProxy, two web hosts, two
# workers, PostgreSQL with a streaming replica, Redis, SeaweedFS — broken step by step under load. Installs what it
# needs (as root, with apt: haproxy, iproute2, redis-server, PostgreSQL's server binaries; the Python requirements
# into .venv), then runs it; exits 1 when anything acknowledged is lost. About 6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v ip >/dev/null || need+=(iproute2)
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "The rehearsal needs: ${need[*]} (apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

make --no-print-directory install-dev translations >/dev/null
exec timeout 900 .venv/bin/python deploy/rehearsal.py
