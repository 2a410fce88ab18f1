#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a database.
#
#   DATABASE_URL=postgres://yanglao:***@127.0.0.1:5432/yanglao scripts/restore.sh FILE.dump [MEDIA.tar.gz]
#
# The target database must exist (createdb it first when restoring elsewhere). Its tables
# are replaced by the backup's (--clean --if-exists), in one transaction: a restore that
# fails leaves the database as it was. Stop gunicorn and the Celery worker and beat first.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to restore into}"
dump="${1:?usage: restore.sh FILE.dump [MEDIA.tar.gz]}"
media="${2:-}"
[[ -f "$dump" ]] || { echo "no such backup: $dump" >&2; exit 1; }

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL" "$dump"

if [[ -n "$media" ]]; then
  : "${MEDIA_ROOT:?set MEDIA_ROOT to restore the uploaded files}"
  mkdir -p "$MEDIA_ROOT"
  tar -xzf "$media" -C "$MEDIA_ROOT"
fi
echo "restored $dump"
