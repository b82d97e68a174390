#!/usr/bin/env bash
# UDP echo datagrams per second for docs/PERFORMANCE.md: a kernel-side load generator
# (udp_peer.py rate: python3, WINDOW datagrams of SIZE bytes outstanding, one socket) against
#   - Strata's built-in UDP echo (port 7) over TAP, and, measured in the same run as the
#     reference,
#   - a kernel UDP echo server (udp_peer.py echo-server, python3) in a second namespace over
#     a veth pair.
# Both servers are single-threaded; the same generator drives both. Figures only: this never
# fails on a number.
#
# Needs root, /dev/net/tun, python3 and a built distribution (mvn -B -q install -DskipTests).
# Uses only 198.18.0.0/15 inside namespaces it creates and deletes (SPEC section 6).
#
#   integration-tests/src/test/scripts/udp-echo-rate.sh [SECONDS] [WINDOW] [SIZE]
set -euo pipefail

SECONDS_PER_RUN=${1:-5}
WINDOW=${2:-32}
SIZE=${3:-64}

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
root=$(cd "$here/../../../.." && pwd -P)
dist="$root/distribution/target/strata"
peer="$here/udp_peer.py"
[ -x "$dist/bin/strata" ] || { echo "udp-echo-rate: no built distribution at $dist" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "udp-echo-rate: needs root (namespaces, TAP)" >&2; exit 1; }

n=$$
tapns="strata-test-${n}1"
vethns_a="strata-test-${n}2"
vethns_b="strata-test-${n}3"
data=$(mktemp -d /tmp/strata-udp-rate.XXXXXX)
strata_pid=
echo_pid=

cleanup() {
    if [ -n "$strata_pid" ] && kill -0 "$strata_pid" 2>/dev/null; then
        kill -TERM "$strata_pid" 2>/dev/null || true
        wait "$strata_pid" 2>/dev/null || true
    fi
    if [ -n "$echo_pid" ]; then
        kill "$echo_pid" 2>/dev/null || true
        wait "$echo_pid" 2>/dev/null || true
    fi
    for ns in "$tapns" "$vethns_a" "$vethns_b"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$data"
}
trap cleanup EXIT

client() { STRATA_DATA="$data" "$dist/bin/client" "$@"; }
rate() { sed -n 's/^rate \([0-9]*\)\/s.*/\1/p'; }
lost() { sed -n 's/.* lost \([0-9]*\)$/\1/p'; }

# --- reference: a kernel UDP echo in a second namespace over veth -------------------------
ip netns add "$vethns_a"
ip netns add "$vethns_b"
ip link add veth-udp-a netns "$vethns_a" type veth peer name veth-udp-b netns "$vethns_b"
ip netns exec "$vethns_a" ip addr add 198.19.0.1/24 dev veth-udp-a
ip netns exec "$vethns_b" ip addr add 198.19.0.2/24 dev veth-udp-b
ip netns exec "$vethns_a" ip link set veth-udp-a up
ip netns exec "$vethns_b" ip link set veth-udp-b up
ip netns exec "$vethns_b" python3 "$peer" echo-server 198.19.0.2 7 &
echo_pid=$!
sleep 0.5
ip netns exec "$vethns_a" python3 "$peer" rate 198.19.0.2 7 1 "$WINDOW" "$SIZE" >/dev/null
veth=$(ip netns exec "$vethns_a" python3 "$peer" rate 198.19.0.2 7 "$SECONDS_PER_RUN" "$WINDOW" "$SIZE")

# --- Strata over TAP ----------------------------------------------------------------------
ip netns add "$tapns"
ip netns exec "$tapns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
STRATA_DATA="$data" "$dist/bin/strata" </dev/null >"$data/strata.log" 2>&1 &
strata_pid=$!
for _ in $(seq 240); do
    client ifconfig >/dev/null 2>&1 && break   # the commands, not only the control channel
    kill -0 "$strata_pid" 2>/dev/null || { echo "udp-echo-rate: bin/strata exited:" >&2; cat "$data/strata.log" >&2; exit 1; }
    sleep 0.25
done
client "ifconfig strata0 198.18.0.2/24 netns $tapns up" >/dev/null
ip netns exec "$tapns" ip addr add 198.18.0.1/24 dev strata0
ip netns exec "$tapns" ip link set strata0 up
# warm-up: let the JIT compile the receive, socket and echo paths before measuring
ip netns exec "$tapns" python3 "$peer" rate 198.18.0.2 7 3 "$WINDOW" "$SIZE" >/dev/null
stack=$(ip netns exec "$tapns" python3 "$peer" rate 198.18.0.2 7 "$SECONDS_PER_RUN" "$WINDOW" "$SIZE")

echo "udp_peer.py rate: ${SECONDS_PER_RUN} s, window $WINDOW, $SIZE-byte datagrams, $(nproc) CPU, $(uname -r), $(java -version 2>&1 | head -1)"
printf '| path | echoed datagrams/s | lost |\n| --- | --- | --- |\n'
printf '| kernel -> kernel python3 UDP echo, veth (reference) | %s | %s |\n' "$(echo "$veth" | rate)" "$(echo "$veth" | lost)"
printf '| kernel -> Strata UDP echo (port 7), TAP | %s | %s |\n' "$(echo "$stack" | rate)" "$(echo "$stack" | lost)"
