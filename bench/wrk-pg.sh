#!/usr/bin/env bash
# bench/wrk-pg.sh: home reports on PostgreSQL measured from outside, with wrk
# (issue 15): the product as it is served (`campusguard serve`, its own
# collector settings, its access log), driven by a load generator that is not
# in the server's process, beside another build in the same run.
#
# Builds the product (and, with --compare REF, the build at REF too), builds a
# demo county with each build in a database of its own (its own migrations),
# and then, for each round, serves each build on a fresh copy of its county
# (CREATE DATABASE … TEMPLATE) and drives it with wrk: 64 connections, every
# request a new home report of one of the county's students, as in
# BenchmarkHomeReportsHTTP (bench/wrk-home.lua). It prints each run with the
# CPU time per request of the server process and of PostgreSQL (every
# postgres process on this machine, from /proc, over the run only), fails on
# any answer other than 201, and checks that every acknowledged report is
# stored.
#
#   CAMPUSGUARD_TEST_POSTGRES=postgres://…/postgres bench/wrk-pg.sh                       # 3 rounds of 15 s
#   CAMPUSGUARD_TEST_POSTGRES=postgres://…/postgres bench/wrk-pg.sh --compare 42f6bfd     # the build before issue 15 beside this one
#   CAMPUSGUARD_TEST_POSTGRES=postgres://…/postgres bench/wrk-pg.sh --seconds 3 --rounds 1 --students 2000   # CI's brief run
#
# CAMPUSGUARD_TEST_POSTGRES names a role that may create databases, on this
# machine (the CPU figures read /proc). The databases it makes are named
# cgwrk_<pid>_… and dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=15 rounds=3 students=20000 connections=64 threads=2 compare=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --students) students=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --compare) compare=$2; shift 2 ;;
    *) echo "bench/wrk-pg.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk psql curl go; do
  command -v $tool >/dev/null || { echo "bench/wrk-pg.sh: $tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done
admin=${CAMPUSGUARD_TEST_POSTGRES:-}
[ -n "$admin" ] || { echo "bench/wrk-pg.sh: set CAMPUSGUARD_TEST_POSTGRES to a postgres:// URL of a role that may create databases" >&2; exit 1; }
# url DB: the admin URL with its database replaced by DB.
url() { sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$1#" <<<"$admin"; }
# psql, quiet: no notices (DROP … IF EXISTS) or warnings (VACUUM skips the
# catalogs a role that is not a superuser may not vacuum).
psql() { PGOPTIONS="-c client_min_messages=error" command psql "$@"; }
sql() { psql "$admin" -v ON_ERROR_STOP=1 -qAtc "$1"; }

me=bench/wrk-pg.sh work=$(mktemp -d)
. bench/lib.sh
prefix="cgwrk_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for db in $(sql "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}_%'" 2>/dev/null); do
    sql "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  done
  remove_base
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building" >&2
build_products

echo "== building a demo county of $students students with each build" >&2
for name in "${builds[@]}"; do
  sql "CREATE DATABASE ${prefix}_$name"
  "$work/$name" demo --no-serve --students "$students" --history-days 3 --db "$(url "${prefix}_$name")" >/dev/null
  psql "$(url "${prefix}_$name")" -qc 'VACUUM ANALYZE' >/dev/null
done
# The county: the first root of the demo; its active students, in id order.
county=$(psql "$(url "${prefix}_new")" -qAtc "SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
psql "$(url "${prefix}_new")" -qAtc "SELECT id FROM people WHERE kind = 'student' AND active AND region_id = $county
  ORDER BY id" >"$work/ids"
# The days: the week that a home report may still name, oldest first.
days=$(for i in 6 5 4 3 2 1 0; do date -u -d "-$i days" +%F; done | paste -sd,)
echo "== county $county: $(wc -l <"$work/ids") students; days $days" >&2

# postgres_ticks: CPU time (user + system, in clock ticks) of every postgres
# process on this machine, so far.
postgres_ticks() {
  local total=0 t
  for p in $(pgrep -x postgres || true); do
    t=$(cpu_ticks "$p" 2>/dev/null) || continue
    total=$((total + t))
  done
  echo "$total"
}

port=18190
results="$work/results"
: >"$results"
for round in $(seq 1 "$rounds"); do
  for name in "${builds[@]}"; do
    db="${prefix}_run"
    sql "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    sql "CREATE DATABASE $db TEMPLATE ${prefix}_$name"
    dsn=$(url "$db")
    token=$("$work/$name" token create --name wrk --role region_admin --org "$county" --db "$dsn" 2>"$work/token.err") ||
      { cat "$work/token.err" >&2; exit 1; }
    next_port
    "$work/$name" serve --db "$dsn" --addr "127.0.0.1:$port" >/dev/null 2>"$work/$name.log" &
    pid=$!
    pids+=("$pid")
    wait_served "$name"
    sleep 3 # the jobs that run when a server starts (the open-day job, detection, the briefing) are not the load
    run="r${round}${name}$$"
    ticks0=$(cpu_ticks "$pid") pg0=$(postgres_ticks)
    out=$(IDS="$work/ids" DAYS="$days" THREADS="$threads" TOKEN="$token" RUN="$run" wrk -t"$threads" -c"$connections" \
      -d"${seconds}s" -s bench/wrk-home.lua "http://127.0.0.1:$port" 2>"$work/wrk.err") || true
    ticks=$(( $(cpu_ticks "$pid") - ticks0 )) pg=$(( $(postgres_ticks) - pg0 ))
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    wrk_result "$name" "$out"
    stored=$(psql "$dsn" -qAtc "SELECT count(*) FROM checks WHERE client_key LIKE 'wrk-$run-%'")
    if [ "$stored" -lt "$reqs" ]; then
      echo "bench/wrk-pg.sh: $name acknowledged $reqs reports but $stored are stored" >&2
      exit 1
    fi
    app_us=$(us_per "$ticks" "$reqs") pg_us=$(us_per "$pg" "$reqs")
    printf 'round %s %-5s %s server_us_per_req=%s postgres_us_per_req=%s\n' "$round" "$name" "${line#RESULT }" "$app_us" "$pg_us"
    echo "$name $rps $app_us $pg_us" >>"$results"
  done
done

echo
echo "median over $rounds round(s) of ${seconds}s, $connections connections, $students students:"
for name in "${builds[@]}"; do
  m=$(awk -v n="$name" '$1 == n {print $2}' "$results" | median)
  a=$(awk -v n="$name" '$1 == n {print $3}' "$results" | median)
  p=$(awk -v n="$name" '$1 == n {print $4}' "$results" | median)
  printf '  %-5s %8.0f req/s  %5.0f µs of server CPU and %5.0f µs of PostgreSQL CPU a report\n' "$name" "$m" "$a" "$p"
done
if [ -n "$compare" ]; then
  # The ratio of each round's pair, then their median: the machine's speed
  # moves between rounds, less within one.
  ratio=$(awk '$1 == "base" {b[++i] = $2} $1 == "new" {n[++j] = $2} END {for (k = 1; k <= j; k++) print n[k] / b[k]}' "$results" | median)
  printf '  this build / %s: %.2f× (median of the rounds'"'"' ratios)\n' "$compare" "$ratio"
fi
