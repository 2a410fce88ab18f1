#!/usr/bin/env bash
# Back up the PostgreSQL database (and the uploaded files) of a production install.
#
#   DATABASE_URL=postgres://yanglao:***@127.0.0.1:5432/yanglao scripts/backup.sh [DIR]
#
# Writes DIR/yanglao-YYYYmmdd-HHMMSS.dump (pg_dump's custom format: compressed, restorable
# table by table) and, when MEDIA_ROOT is set and exists, DIR/media-YYYYmmdd-HHMMSS.tar.gz.
# Keeps the last KEEP_DAYS days (default 30) of backups in DIR. Prints the dump's path.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
dir="${1:-${BACKUP_DIR:-/var/backups/yanglao}}"
keep_days="${KEEP_DAYS:-30}"
stamp="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$dir"
umask 077

dump="$dir/yanglao-$stamp.dump"
# A partial file never looks like a backup: write aside, then rename.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.part"
mv "$dump.part" "$dump"

if [[ -n "${MEDIA_ROOT:-}" && -d "${MEDIA_ROOT}" ]]; then
  tar -czf "$dir/media-$stamp.tar.gz.part" -C "$MEDIA_ROOT" .
  mv "$dir/media-$stamp.tar.gz.part" "$dir/media-$stamp.tar.gz"
fi

find "$dir" -maxdepth 1 -type f \( -name 'yanglao-*.dump' -o -name 'media-*.tar.gz' \) \
  -mtime +"$keep_days" -delete
echo "$dump"
