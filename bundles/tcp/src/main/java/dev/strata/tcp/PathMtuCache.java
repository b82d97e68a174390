package dev.strata.tcp;

/**
 * Path MTUs learned from ICMP "fragmentation needed" (RFC 1191), per destination, so that a
 * new connection to the same host starts with the right MSS; an estimate expires after 10
 * minutes (RFC 1191 6.3 suggests it, and it is Linux's {@code ip_rt_mtu_expires}), when the
 * path may have grown again. A small direct-mapped table: a collision forgets the older
 * destination, which costs one more ICMP round at worst. Guarded by its monitor.
 */
final class PathMtuCache {

    static final long EXPIRES_NANOS = 600_000_000_000L;
    private static final int SIZE = 256;

    private final int[] destinations = new int[SIZE];
    private final int[] mtus = new int[SIZE];
    private final long[] expiries = new long[SIZE];

    private static int slot(int destination) {
        int h = destination * 0x9E3779B1;
        return (h ^ (h >>> 16)) & (SIZE - 1);
    }

    /** Records a smaller path MTU for {@code destination}. */
    synchronized void lower(int destination, int mtu, long now) {
        int i = slot(destination);
        if (mtus[i] != 0 && destinations[i] == destination && now < expiries[i] && mtus[i] <= mtu) {
            return;
        }
        destinations[i] = destination;
        mtus[i] = mtu;
        expiries[i] = now + EXPIRES_NANOS;
    }

    /** The path MTU learned for {@code destination}, or 0 for none (or expired). */
    synchronized int get(int destination, long now) {
        int i = slot(destination);
        if (mtus[i] == 0 || destinations[i] != destination) {
            return 0;
        }
        if (now >= expiries[i]) {
            mtus[i] = 0;
            return 0;
        }
        return mtus[i];
    }
}
