# bench/lib.sh: what bench/wrk.sh and bench/wrk-pg.sh share, sourced by both
# after they have set `me` (the script's name, for messages), `work` (their
# temporary directory) and `compare` (a git ref, or empty).

# build_products builds this tree's campusguard as $work/new and, when
# $compare is set, the build at $compare (in a git worktree) as $work/base.
# It sets builds to the names to serve, the build compared with first.
build_products() {
  builds=(new)
  go build -o "$work/new" ./cmd/campusguard
  if [ -n "$compare" ]; then
    git worktree add -q --detach "$work/base-src" "$compare"
    (cd "$work/base-src" && go build -o "$work/base" ./cmd/campusguard)
    builds=(base new)
  fi
}

# remove_base removes the worktree of build_products, for the scripts'
# clean-up.
remove_base() {
  if [ -n "$compare" ] && [ -d "$work/base-src" ]; then git worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; fi
}

# next_port sets port to the next port after it that nothing answers on.
next_port() {
  port=$((port + 1))
  while curl -s -o /dev/null "http://127.0.0.1:$port/"; do port=$((port + 1)); done
}

# wait_served NAME: waits until something answers on $port, or fails with
# $work/NAME.log if the process $pid has gone or ten seconds have passed.
wait_served() {
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then return; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$me: $1 did not start" >&2
  cat "$work/$1.log" >&2 2>/dev/null || true
  exit 1
}

# cpu_ticks PID: the process's CPU time so far (user + system, clock ticks).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# us_per TICKS N: TICKS of CPU time in microseconds for each of N requests.
us_per() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}'; }

# wrk_result NAME OUT: the RESULT line of wrk's output OUT (bench/wrk-common.lua),
# with rps, reqs and bad set from it; fails unless it is there and every
# request was answered as the script expects.
wrk_result() {
  line=$(grep '^RESULT' <<<"$2") || { echo "$2"; cat "$work/wrk.err" >&2; exit 1; }
  rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$line")
  reqs=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.*bad=([0-9]+).*/\1/' <<<"$line")
  if [ "$bad" != 0 ] || [ "$reqs" = 0 ]; then
    echo "$me: $1 answered $bad of $reqs requests with an error:" >&2
    cat "$work/wrk.err" >&2
    exit 1
  fi
}

# median: the median of the numbers on standard input, one a line.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
