#!/usr/bin/env bash
# End-to-end echo latency for docs/PERFORMANCE.md: the average RTT of
#   ping -c 1000 -i 0.002  from the kernel side of a namespace to Strata over TAP,
# and, measured in the same run as the reference, the same ping between two kernel
# namespaces over a veth pair. Figures only: this never fails on a number.
#
# Needs root, /dev/net/tun and a built distribution (mvn -B -q install -DskipTests).
# Uses only 198.18.0.0/15 inside namespaces it creates and deletes (SPEC section 6).
#
#   integration-tests/src/test/scripts/ping-latency.sh [COUNT] [WARMUP]
set -euo pipefail

COUNT=${1:-1000}
WARMUP=${2:-2000}
INTERVAL=0.002

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
root=$(cd "$here/../../../.." && pwd -P)
dist="$root/distribution/target/strata"
[ -x "$dist/bin/strata" ] || { echo "ping-latency: no built distribution at $dist" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "ping-latency: needs root (namespaces, TAP)" >&2; exit 1; }

n=$$
tapns="strata-test-${n}1"
vethns_a="strata-test-${n}2"
vethns_b="strata-test-${n}3"
data=$(mktemp -d /tmp/strata-latency.XXXXXX)
strata_pid=

cleanup() {
    if [ -n "$strata_pid" ] && kill -0 "$strata_pid" 2>/dev/null; then
        kill -TERM "$strata_pid" 2>/dev/null || true
        wait "$strata_pid" 2>/dev/null || true
    fi
    for ns in "$tapns" "$vethns_a" "$vethns_b"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$data"
}
trap cleanup EXIT

client() { STRATA_DATA="$data" "$dist/bin/client" "$@"; }

# average of an iputils summary: rtt min/avg/max/mdev = a/b/c/d ms -> b, in microseconds
avg_us() { sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' | awk '{ printf "%.1f", $1 * 1000 }'; }
mdev_us() { sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/[0-9.]*/\([0-9.]*\) ms|\1|p' | awk '{ printf "%.1f", $1 * 1000 }'; }
loss() { sed -n 's/.* \([0-9.]*%\) packet loss.*/\1/p'; }

# --- reference: kernel to kernel over veth ------------------------------------------------
ip netns add "$vethns_a"
ip netns add "$vethns_b"
ip link add veth-lat-a netns "$vethns_a" type veth peer name veth-lat-b netns "$vethns_b"
ip netns exec "$vethns_a" ip addr add 198.19.0.1/24 dev veth-lat-a
ip netns exec "$vethns_b" ip addr add 198.19.0.2/24 dev veth-lat-b
ip netns exec "$vethns_a" ip link set veth-lat-a up
ip netns exec "$vethns_b" ip link set veth-lat-b up
ip netns exec "$vethns_a" ping -q -c 100 -i "$INTERVAL" 198.19.0.2 >/dev/null || true
veth=$(ip netns exec "$vethns_a" ping -q -c "$COUNT" -i "$INTERVAL" 198.19.0.2 || true)

# --- Strata over TAP ----------------------------------------------------------------------
ip netns add "$tapns"
ip netns exec "$tapns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
STRATA_DATA="$data" "$dist/bin/strata" </dev/null >"$data/strata.log" 2>&1 &
strata_pid=$!
for _ in $(seq 240); do
    client lb >/dev/null 2>&1 && break
    kill -0 "$strata_pid" 2>/dev/null || { echo "ping-latency: bin/strata exited:" >&2; cat "$data/strata.log" >&2; exit 1; }
    sleep 0.25
done
client "ifconfig strata0 198.18.0.2/24 netns $tapns up" >/dev/null
ip netns exec "$tapns" ip addr add 198.18.0.1/24 dev strata0
ip netns exec "$tapns" ip link set strata0 up
# warm-up: let the JIT compile the receive and echo paths before measuring
ip netns exec "$tapns" ping -q -c "$WARMUP" -i "$INTERVAL" 198.18.0.2 >/dev/null || true
stack=$(ip netns exec "$tapns" ping -q -c "$COUNT" -i "$INTERVAL" 198.18.0.2 || true)

echo "ping -c $COUNT -i $INTERVAL, 56 data bytes, $(nproc) CPU, $(uname -r), $(java -version 2>&1 | head -1)"
printf '| path | avg RTT | mdev | loss |\n| --- | --- | --- | --- |\n'
printf '| kernel -> kernel, veth (reference) | %s us | %s us | %s |\n' "$(echo "$veth" | avg_us)" "$(echo "$veth" | mdev_us)" "$(echo "$veth" | loss)"
printf '| kernel -> Strata, TAP | %s us | %s us | %s |\n' "$(echo "$stack" | avg_us)" "$(echo "$stack" | mdev_us)" "$(echo "$stack" | loss)"
