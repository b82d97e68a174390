package dev.strata.tcp;

/**
 * Connections by their 4-tuple: an open-addressed table (linear probing, backward-shift
 * deletion) so a lookup on the receive path allocates nothing. Not thread-safe: the caller
 * guards it.
 */
final class ConnectionTable {

    private TcpConnection[] slots = new TcpConnection[64];
    private int size;

    int size() {
        return size;
    }

    TcpConnection get(int localAddress, int localPort, int remoteAddress, int remotePort) {
        int mask = slots.length - 1;
        for (int i = hash(localAddress, localPort, remoteAddress, remotePort) & mask;; i = (i + 1) & mask) {
            TcpConnection c = slots[i];
            if (c == null) {
                return null;
            }
            if (c.matches(localAddress, localPort, remoteAddress, remotePort)) {
                return c;
            }
        }
    }

    /** Adds a connection whose 4-tuple is not in the table. */
    void put(TcpConnection connection) {
        if (2 * (size + 1) > slots.length) {
            TcpConnection[] old = slots;
            slots = new TcpConnection[old.length * 2];
            size = 0;
            for (TcpConnection c : old) {
                if (c != null) {
                    insert(c);
                }
            }
        }
        insert(connection);
    }

    private void insert(TcpConnection c) {
        int mask = slots.length - 1;
        int i = hash(c.localAddress(), c.localPort(), c.remoteAddress(), c.remotePort()) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
        size++;
    }

    /** Removes this very connection if it is in the table. */
    boolean remove(TcpConnection connection) {
        int mask = slots.length - 1;
        int i = hash(connection.localAddress(), connection.localPort(), connection.remoteAddress(), connection.remotePort())
                & mask;
        while (slots[i] != null && slots[i] != connection) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return false;
        }
        slots[i] = null;
        size--;
        // backward-shift: move later entries of the probe run into the hole
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            TcpConnection c = slots[j];
            int home = hash(c.localAddress(), c.localPort(), c.remoteAddress(), c.remotePort()) & mask;
            // c may move to the hole if its home is not in (hole, j] cyclically
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                slots[hole] = c;
                slots[j] = null;
                hole = j;
            }
        }
        return true;
    }

    /** True when some connection uses {@code localPort} (for ephemeral port choice). */
    boolean usesLocalPort(int localPort) {
        for (TcpConnection c : slots) {
            if (c != null && c.localPort() == localPort) {
                return true;
            }
        }
        return false;
    }

    /** A snapshot of the connections, for netstat and shutdown; allocates. */
    TcpConnection[] toArray() {
        TcpConnection[] out = new TcpConnection[size];
        int n = 0;
        for (TcpConnection c : slots) {
            if (c != null) {
                out[n++] = c;
            }
        }
        return out;
    }

    private static int hash(int localAddress, int localPort, int remoteAddress, int remotePort) {
        int h = remoteAddress * 0x9E3779B1 + remotePort;
        h = h * 0x85EBCA6B + localPort;
        h = h * 0xC2B2AE35 + localAddress;
        return h ^ (h >>> 16);
    }
}
