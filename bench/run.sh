#!/usr/bin/env bash
# bench/run.sh — end-to-end benchmark of the aiguillage server on one content
# repository: builds the binaries, times a first start (index build) and a
# restart, loads cached service pages and the search API with bench/load,
# then prints the server's memory and the index size on disk, and stops it.
#
#   bench/run.sh                                   # 10,000 services
#   CORPUS=/tmp/aiguillage-bench/s100000-c1 bench/run.sh
#   FRESH=0 DURATION=10s bench/run.sh              # keep the index: restart only
#
# Settings (environment): CORPUS (a git content repository, default
# /tmp/aiguillage-bench/s10000-c1, made by /work/shared/corpus/gen.py), OUT
# (default bench/out/<corpus name>), PORT (18080), CLIENTS (8), DURATION
# (20s), WARMUP (3s), PAGES (200 service URLs), FRESH (1: delete the state
# first, so the first start builds the index). Extra variables such as
# GOGC are passed to the server.
#
# The server and the load generator run on the same machine and share its
# cores: on a 2-core machine the figures are those of a server that gets
# about 1.5 cores. bench/load reports the server's CPU time per request too,
# which depends less on what else the machine is doing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-/tmp/aiguillage-bench/s10000-c1}
name=$(basename "$CORPUS")
OUT=${OUT:-$root/bench/out/$name}
PORT=${PORT:-18080}
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
PAGES=${PAGES:-200}
FRESH=${FRESH:-1}
base=http://127.0.0.1:$PORT

if [ ! -d "$CORPUS/.git" ] && [ ! -f "$CORPUS/HEAD" ]; then
	echo "run.sh: $CORPUS is not a git repository; make one with" >&2
	echo "  python3 /work/shared/corpus/gen.py --out $CORPUS --services 10000 --history-commits 1" >&2
	echo "(above ~20,000 services, add --departements with more départements: see BENCHMARKS.md)" >&2
	exit 2
fi
mkdir -p "$OUT/bin"
data=$OUT/data

echo "# aiguillage benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}')"
echo "software: $(go version | cut -d' ' -f3-), commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . ':!bench' || echo ' (+ uncommitted changes)')"
echo "corpus:   $CORPUS ($(git -C "$CORPUS" ls-tree --name-only HEAD services/ | wc -l) services, $(git -C "$CORPUS" rev-list --count HEAD) commits)"
echo "load:     $CLIENTS clients, $DURATION after $WARMUP warm-up; server and load generator share the machine"
echo

echo "## build"
(cd "$root" && go build -o "$OUT/bin/aiguillage" ./cmd/aiguillage && go build -o "$OUT/bin/load" ./bench/load)
load=$OUT/bin/load

pid=
stop_server() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" || true
	fi
	pid=
}
trap stop_server EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# start_server LABEL: starts the server, prints the time to the first
# /healthz answer and to "indexed": true.
start_server() {
	local t0 up= h
	t0=$(now)
	"$OUT/bin/aiguillage" serve --content "$CORPUS" --data "$data" --addr "127.0.0.1:$PORT" --poll -1s \
		>"$OUT/server.out" 2>>"$OUT/server.log" &
	pid=$!
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "run.sh: the server exited; see $OUT/server.log" >&2
			exit 1
		fi
		h=$(curl -s --max-time 2 "$base/healthz" || true)
		if [ -z "$up" ] && [ -n "$h" ]; then
			up="$(since "$t0") s (server CPU $(cpu) s)"
		fi
		case $h in *'"indexed":true'*) break ;; esac
		sleep 0.05
	done
	echo "$1: /healthz answers after $up, index ready after $(since "$t0") s (server CPU $(cpu) s)" \
		"(RSS $(rss VmRSS), peak $(rss VmHWM))"
}

rss() { awk -v k="$1:" '$1 == k { printf "%.0f MB", $2 / 1024 }' "/proc/$pid/status"; }
# cpu prints the user+system CPU seconds the server used so far (fields 14
# and 15 of /proc/PID/stat, in 1/100 s, counted after the command name).
cpu() { cut -d')' -f2- "/proc/$pid/stat" | awk '{ printf "%.1f", ($12 + $13) / 100 }'; }

echo
echo "## start-up"
: >"$OUT/server.log"
if [ "$FRESH" = 1 ]; then
	rm -rf "$data"
	start_server "first start (history index + search index built)"
	grep -E 'catalogue loaded|search index synced|history index ready' "$OUT/server.log" | sed 's/^/    log: /' | cut -c1-200
	stop_server
fi
start_server "restart (existing index)"
grep -E 'catalogue loaded|serving' "$OUT/server.log" | tail -2 | sed 's/^/    log: /' | cut -c1-200

echo
echo "## URL lists"
# Service pages spread evenly over the catalogue.
git -C "$CORPUS" ls-tree --name-only HEAD services/ |
	awk -v n="$PAGES" '{ a[NR] = $0 } END { step = NR / n; if (step < 1) step = 1; for (i = 1; i <= NR && c < n; i += step) { c++; print a[int(i)] } }' |
	sed "s|^services/\(.*\)\.md$|$base/services/\1|" >"$OUT/urls-pages.txt"
# Desk queries (a typo included: "hebergment") around six communes, by INSEE code.
: >"$OUT/urls-search.txt"
i=0
for q in aide+alimentaire domiciliation+sdf rsa surendetement hebergment+urgence permis+de+conduire mdph colis; do
	for commune in 71137 71270 51454 35238 74010 92050; do # Cluny, Mâcon, Reims, Rennes, Annecy, Nanterre
		rayon=$(((i % 3 + 1) * 10))
		echo "$base/api/v1/search?q=$q&commune=$commune&rayon=$rayon" >>"$OUT/urls-search.txt"
		i=$((i + 1))
	done
done
echo "$(wc -l <"$OUT/urls-pages.txt") service pages, $(wc -l <"$OUT/urls-search.txt") searches"

run_load() {
	echo
	echo "## $1 (load average $(cut -d' ' -f1 /proc/loadavg))"
	shift
	"$load" -cpu-pid "$pid" "$@"
}

run_load "first render of each page (cache empty), 1 client" -url "$OUT/urls-pages.txt" -c 1 -once
run_load "cached service pages" -url "$OUT/urls-pages.txt" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP"
run_load "cached service pages, gzip" -url "$OUT/urls-pages.txt" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP" -gzip
run_load "search API" -url "$OUT/urls-search.txt" -c "$CLIENTS" -d "$DURATION" -warmup "$WARMUP"

echo
echo "## memory and disk"
echo "server RSS after the loads: $(rss VmRSS) (peak $(rss VmHWM))"
state=$(ls -d "$data"/state/*/); state=${state%/}
du -sh "$state/index" "$state/history.db" 2>/dev/null | sed 's/^/disk: /'
stop_server
