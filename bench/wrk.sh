#!/usr/bin/env bash
# bench/wrk.sh: the external measurement of single gate checks (issue 20).
#
# Builds the product (and, with --compare REF, the build at REF too) and the
# decode-only baseline (bench/decodeonly), builds a demo county on SQLite,
# makes a gate device token, and then, for each round, serves each build on
# a fresh copy of that database and the baseline in turn, driving each with
# wrk (64 connections; every request a new gate check of one of 2,600
# students, see bench/wrk-checks.lua). It prints each run and the median
# share of decode-only per build, fails on any answer other than 201/204,
# and checks that every acknowledged check is stored.
#
#   bench/wrk.sh                                  # 3 rounds of 20 s, 20,000 students
#   bench/wrk.sh --compare d0364c9                # the build at d0364c9 beside this one, same run
#   bench/wrk.sh --profile /tmp/cpu.pprof         # a CPU profile of this build's last run
#   bench/wrk.sh --seconds 3 --rounds 1 --students 2000   # CI's brief run, so the script does not rot
#   CG_PREP_SQL='DROP INDEX checks_class_day' bench/wrk.sh  # a lever tried on the demo's database first
#
# Besides requests a second, each run reports the server's CPU time per
# request (user + system, from /proc, over the run only): on a shared
# machine it is the figure that other load disturbs least.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20 rounds=3 students=20000 connections=64 threads=2 compare="" profile="" nids=2600
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --students) students=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --compare) compare=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    *) echo "bench/wrk.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk sqlite3 curl go; do
  command -v $tool >/dev/null || { echo "bench/wrk.sh: $tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done

me=bench/wrk.sh work=$(mktemp -d)
. bench/lib.sh
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  remove_base
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building" >&2
build_products
go build -o "$work/decodeonly" ./bench/decodeonly

echo "== building a demo county of $students students" >&2
"$work/new" demo --no-serve --students "$students" --history-days 0 --db "$work/demo.db" >/dev/null
# A gate's token is granted at one school: the school with the most students.
school=$(sqlite3 "$work/demo.db" "SELECT school_id FROM people WHERE kind = 'student' AND active
  GROUP BY school_id ORDER BY count(*) DESC, school_id LIMIT 1")
token=$("$work/new" token create --name wrk --role gate_staff --org "$school" --db "$work/demo.db" 2>"$work/token.err") ||
  { cat "$work/token.err" >&2; exit 1; }
sqlite3 "$work/demo.db" "SELECT id FROM people WHERE school_id = $school AND kind = 'student' AND active
  ORDER BY id LIMIT $nids" >"$work/ids"
echo "== gate token at school $school; $(wc -l <"$work/ids") students" >&2
[ -z "${CG_PREP_SQL:-}" ] || sqlite3 "$work/demo.db" "$CG_PREP_SQL"
sqlite3 "$work/demo.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

port=18090
# serve NAME: starts the handler named NAME on a fresh port; sets pid.
serve() {
  local name=$1 extra=()
  next_port
  if [ "$name" = decode-only ]; then
    "$work/decodeonly" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
  else
    rm -f "$work/run.db"*
    cp "$work/demo.db" "$work/run.db"
    [ "$name" = new ] && [ -n "$profile" ] && extra=(--cpuprofile "$profile")
    "$work/$name" serve --db "$work/run.db" --addr "127.0.0.1:$port" "${extra[@]}" >/dev/null 2>"$work/$name.log" &
  fi
  pid=$!
  pids+=("$pid")
  wait_served "$name"
}

results="$work/results"
: >"$results"
for round in $(seq 1 "$rounds"); do
  for name in "${builds[@]}" decode-only; do
    serve "$name"
    run="r${round}${name}$$"
    ticks0=$(cpu_ticks "$pid")
    out=$(IDS="$work/ids" TOKEN="$token" RUN="$run" wrk -t"$threads" -c"$connections" -d"${seconds}s" \
      -s bench/wrk-checks.lua "http://127.0.0.1:$port" 2>"$work/wrk.err") || true
    # The server's CPU time (user + system) during the run, from /proc: per
    # request it is the measure that the machine's other load disturbs least.
    ticks=$(( $(cpu_ticks "$pid") - ticks0 ))
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    wrk_result "$name" "$out"
    if [ "$name" != decode-only ]; then
      stored=$(sqlite3 "$work/run.db" "SELECT count(*) FROM checks WHERE client_key LIKE 'wrk-$run-%'")
      if [ "$stored" -lt "$reqs" ]; then
        echo "bench/wrk.sh: $name acknowledged $reqs checks but $stored are stored" >&2
        exit 1
      fi
    fi
    cpu_us=$(us_per "$ticks" "$reqs")
    printf 'round %s %-12s %s cpu_us_per_req=%s\n' "$round" "$name" "${line#RESULT }" "$cpu_us"
    echo "$name $rps $cpu_us" >>"$results"
  done
done

base_rps=$(awk '$1 == "decode-only" {print $2}' "$results" | median)
echo
echo "median req/s over $rounds round(s) of ${seconds}s, $connections connections, $students students:"
for name in "${builds[@]}" decode-only; do
  m=$(awk -v n="$name" '$1 == n {print $2}' "$results" | median)
  c=$(awk -v n="$name" '$1 == n {print $3}' "$results" | median)
  awk -v n="$name" -v m="$m" -v b="$base_rps" -v c="$c" \
    'BEGIN {printf "  %-12s %8.0f req/s  %5.1f %% of decode-only  %6.0f µs of server CPU a request\n", n, m, 100 * m / b, c}'
done
[ -z "$profile" ] || echo "CPU profile of this build's last run: $profile (go tool pprof -top $profile)"
