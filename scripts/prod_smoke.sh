#!/usr/bin/env bash
# `make prod-smoke`: the production recipe, end to end, on this machine.
#
# Starts gunicorn, a Celery worker and Celery beat with config.settings.production against
# PostgreSQL and Redis (a database and a Redis db of its own), migrates, creates a county
# user, logs in over HTTP (with the CSRF token, as a browser does), asks for the weekly
# pack, polls its progress until it is done, downloads the zip and checks it holds the 6
# attachment spreadsheets. Everything it started is stopped on exit, whatever happens.
#
#   SMOKE_DATABASE_URL  postgres://postgres@127.0.0.1:5432/yanglao_smoke (dropped and created)
#   SMOKE_REDIS_URL     redis://127.0.0.1:6379/14
#   SMOKE_PORT          8201
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL="${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/yanglao_smoke}"
REDIS="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/14}"
PORT="${SMOKE_PORT:-8201}"
PY=.venv/bin/python
WORK="$(mktemp -d /tmp/yanglao-smoke.XXXXXX)"
PASSWORD="Smoke-test-2026"
pids=()

stop_all() {
  status=$?
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then
    echo "--- prod-smoke failed; the logs:" >&2
    tail -n 40 "$WORK"/*.log >&2 || true
  fi
  rm -rf "$WORK"
  exit $status
}
trap stop_all EXIT INT TERM

export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="$DB_URL" REDIS_URL="$REDIS"
export SECRET_KEY="smoke-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT"
export MEDIA_ROOT="$WORK/media"
# The settings as deployed pass the deployment check ...
$PY manage.py check --deploy --fail-level WARNING
# ... then plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0

echo "=== prod-smoke: database ${DB_URL##*/}, Redis ${REDIS}, port $PORT"
redis-cli -u "$REDIS" FLUSHDB >/dev/null
admin_url="${DB_URL%/*}/postgres"
name="${DB_URL##*/}"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
psql "$admin_url" -qc "CREATE DATABASE \"$name\""

$PY manage.py migrate --noinput >"$WORK/migrate.log"
$PY manage.py collectstatic --noinput >"$WORK/collectstatic.log"
$PY manage.py shell -c "
from accounts.models import OrgUnit, Role, User
from tests.factories import InstitutionFactory
county = OrgUnit.objects.create(name='衡山县', level='county')
township = OrgUnit.objects.create(name='开云镇', level='township', parent=county)
InstitutionFactory(township=township, name='开云镇福寿养老院')
user = User(username='smoke', unit=county, role=Role.COUNTY_REVIEWER)
user.set_password('$PASSWORD')
user.save()
"

.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  >"$WORK/gunicorn.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=1 --without-gossip \
  --without-mingle >"$WORK/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule="$WORK/beat-schedule" \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler >"$WORK/beat.log" 2>&1 &
pids+=($!)

$PY - "$PORT" "$PASSWORD" "$WORK" <<'PYEOF'
import io
import re
import sys
import time
import zipfile

import requests

port, password, work = sys.argv[1], sys.argv[2], sys.argv[3]
base = f"http://127.0.0.1:{port}"
deadline = time.monotonic() + 60
while True:
    try:
        if requests.get(f"{base}/login/", timeout=5).status_code == 200:
            break
    except requests.RequestException:
        pass
    if time.monotonic() > deadline:
        sys.exit("gunicorn did not come up")
    time.sleep(0.5)

# /health/ (core/health.py), as nginx and systemd ask it: database, cache, broker, a worker
# answering its ping, disk and migrations all "ok" once the worker is up; no data in it.
deadline = time.monotonic() + 60
while True:
    health = requests.get(f"{base}/health/", timeout=15)
    if health.status_code == 200 or time.monotonic() > deadline:
        break
    time.sleep(1)
assert health.status_code == 200, f"/health/ answered {health.status_code}: {health.text}"
checks = health.json()["checks"]
assert set(checks) == {"database", "cache", "disk", "migrations", "broker", "worker"}, checks
print("health:", checks)
# The API's document, public and served by gunicorn like the pages.
assert requests.get(f"{base}/api/v1/schema/", timeout=15).status_code == 200

session = requests.Session()
headers = {"Referer": f"{base}/"}


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


login = session.get(f"{base}/login/", timeout=10)
assert "Content-Security-Policy" in login.headers, "no CSP header"
response = session.post(
    f"{base}/login/",
    data={"username": "smoke", "password": password, "csrfmiddlewaretoken": token(login.text)},
    headers=headers,
    timeout=10,
    allow_redirects=False,
)
assert response.status_code == 302, f"login refused: {response.status_code}"
print("logged in over HTTP")

# Static files as collected: hashed names, brotli when asked for, cached for ten years.
dashboard = session.get(f"{base}/reporting/dashboard/", timeout=10)
assert dashboard.status_code == 200, dashboard.status_code
plotly = re.search(r'src="(/static/vendor/plotly/plotly-basic\.min\.\w+\.js)"', dashboard.text)
assert plotly, "the dashboard does not load the hashed plotly bundle"
asset = session.get(base + plotly.group(1), headers={"Accept-Encoding": "br, gzip"}, timeout=10)
assert asset.headers.get("Content-Encoding") == "br", asset.headers
assert "immutable" in asset.headers.get("Cache-Control", ""), asset.headers
print(f"static files compressed and cached: plotly {asset.headers.get('Content-Length')} bytes as sent")

packs = session.get(f"{base}/reporting/packs/", timeout=10)
assert packs.status_code == 200, packs.status_code
week = re.search(r'<option value="(\d{4}-W\d{2})"', packs.text).group(1)
response = session.post(
    f"{base}/reporting/packs/request/",
    data={"report_set": "district_weekly", "week": week, "csrfmiddlewaretoken": token(packs.text)},
    headers=headers,
    timeout=30,
    allow_redirects=False,
)
assert response.status_code == 302, f"request refused: {response.status_code}"
run_url = response.headers["Location"]
run_id = re.search(r"/packs/(\d+)/", run_url).group(1)
print(f"asked for the weekly pack of {week}: run {run_id}")

deadline = time.monotonic() + 180
while True:
    status = session.get(f"{base}/reporting/packs/{run_id}/status/", timeout=10).json()
    if status["status"] == "done":
        break
    if status["status"] == "failed" or time.monotonic() > deadline:
        sys.exit(f"the pack was not built: {status}")
    time.sleep(1)
print("the worker built it")

download = session.get(f"{base}/reporting/packs/{run_id}/download/", timeout=30)
assert download.status_code == 200, download.status_code
names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
sheets = [name for name in names if name.endswith(".xlsx")]
assert len(sheets) == 6, names
print(f"downloaded a zip of {len(sheets)} spreadsheets: OK")
PYEOF

for pid in "${pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "a process died during the smoke test" >&2; exit 1; }
done
echo "prod-smoke: 1 passed, 0 failed"
