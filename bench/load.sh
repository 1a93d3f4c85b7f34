#!/usr/bin/env bash
# Load test: gunicorn (2 workers) serving the bundled library, beside a minimal Flask app that
# returns a page of the same size under the same gunicorn settings; wrk hits both and prints
# requests/s, latency percentiles and the ratio rumour-page / minimal-app.
#   bench/load.sh            direct to gunicorn
#   bench/load.sh --nginx    also through nginx with proxy_cache (deploy/nginx.conf)
# Env: DURATION (default 10s), CONNECTIONS (default 8), THREADS (default 2).
# search-api-random-queries cycles through 8,160 distinct query URLs (bench/search_queries.lua),
# more than the response cache holds, so it measures real searches with snippets.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
WITH_NGINX=0
[ "${1:-}" = "--nginx" ] && WITH_NGINX=1
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

WORK=$(mktemp -d)
APP_PORT=18101; MIN_PORT=18102; NGINX_PORT=18103
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }

export RUMOURS_CONTENT="$ROOT/content" RUMOURS_INSTANCE="$WORK/instance" RUMOURS_LOG_LEVEL=error
"$ROOT/.venv/bin/rumours" index >/dev/null
RUMOURS_BIND=127.0.0.1:$APP_PORT RUMOURS_WORKERS=2 "$GUNICORN" -c deploy/gunicorn.conf.py >"$WORK/app.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$APP_PORT/healthz"

RUMOUR_URL="http://127.0.0.1:$APP_PORT/en/rumours/take-our-jobs"
PAGE_BYTES=$(curl -fsS "$RUMOUR_URL" | wc -c)
MINIMAL_PAGE_BYTES=$PAGE_BYTES "$GUNICORN" -w 2 -k sync -b 127.0.0.1:$MIN_PORT --chdir bench \
  --log-level error minimal_app:app >"$WORK/min.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MIN_PORT/page"

run_wrk() {  # name url [lua script] -> prints "name req/s p50 p99 errors"
  local script=(); [ -n "${3:-}" ] && script=(-s "$3")
  local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${script[@]}" "$2" 2>&1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {s=s $0 "; "} END {print (s=="" ? "0" : s)}' <<<"$out")
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s errors: %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
  echo "$rps" >"$WORK/rps-$1"
}

# Every worker loads the library at start: give the second one time, then warm both up.
sleep 3
wrk -t2 -c8 -d2s "$RUMOUR_URL" >/dev/null 2>&1 || true
echo "rumours load test: gunicorn 2 workers, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, page $PAGE_BYTES bytes, $(nproc) cores"
run_wrk minimal-app "http://127.0.0.1:$MIN_PORT/page"
run_wrk rumour-page "$RUMOUR_URL"
run_wrk library-page "http://127.0.0.1:$APP_PORT/en/rumours/"
run_wrk home-page "http://127.0.0.1:$APP_PORT/en/"
run_wrk search-api-same-query "http://127.0.0.1:$APP_PORT/api/search?q=they+take+our+jobs&lang=en"
run_wrk search-api-random-queries "http://127.0.0.1:$APP_PORT/" bench/search_queries.lua
if curl -fsS -o /dev/null "http://127.0.0.1:$APP_PORT/en/feed.xml"; then
  run_wrk feed "http://127.0.0.1:$APP_PORT/en/feed.xml"
fi
"$PY" - "$WORK" <<'PYEOF'
import sys, pathlib
w = pathlib.Path(sys.argv[1])
rumour = float((w / "rps-rumour-page").read_text())
minimal = float((w / "rps-minimal-app").read_text())
print(f"ratio rumour-page / minimal-app: {rumour / minimal:.2f} (target >= 0.80)")
PYEOF

if [ "$WITH_NGINX" = 1 ]; then
  command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)"; exit 2; }
  mkdir -p "$WORK/nginx/cache" "$WORK/nginx/logs"
  sed -e "/# BEGIN https redirect/,/# END https redirect/d" -e "/# tls-only/d" \
      -e "s#server 127.0.0.1:8000;#server 127.0.0.1:$APP_PORT;#" \
      -e "s#listen 443 ssl http2;#listen 127.0.0.1:$NGINX_PORT;#" \
      -e "s#/var/cache/nginx/rumours#$WORK/nginx/cache#" \
      -e "s#/srv/rumours/static/#$ROOT/static/#g" deploy/nginx.conf >"$WORK/nginx/site.conf"
  NGINX_USER=""; [ "$(id -u)" = 0 ] && NGINX_USER="user root;"
  cat >"$WORK/nginx/nginx.conf" <<NGINX
$NGINX_USER
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  include $WORK/nginx/site.conf;
}
NGINX
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g "daemon off;" &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$NGINX_PORT/healthz"
  curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/en/rumours/take-our-jobs"
  echo "through nginx (proxy_cache):"
  run_wrk nginx-rumour-page "http://127.0.0.1:$NGINX_PORT/en/rumours/take-our-jobs"
  run_wrk nginx-search-random "http://127.0.0.1:$NGINX_PORT/" bench/search_queries.lua
  run_wrk nginx-static-css "http://127.0.0.1:$NGINX_PORT/static/css/site.css"
  "$PY" - "$WORK" <<'PYEOF'
import sys, pathlib
w = pathlib.Path(sys.argv[1])
direct = float((w / "rps-rumour-page").read_text())
cached = float((w / "rps-nginx-rumour-page").read_text())
print(f"rumour page: direct {direct:.0f} req/s, through nginx cache {cached:.0f} req/s ({cached / direct:.1f}x)")
PYEOF
fi
