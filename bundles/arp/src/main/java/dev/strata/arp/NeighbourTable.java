package dev.strata.arp;

/**
 * The neighbour cache's index: IPv4 address to {@link Neighbour} in an open-addressed table
 * with linear probing, so a lookup on the send path neither boxes nor allocates. Deletion
 * shifts the following cluster back (no tombstones). Not thread-safe: the ARP layer's lock
 * guards it. Address 0 is never a key.
 */
final class NeighbourTable {

    private final int[] keys;
    private final Neighbour[] values;
    private final int mask;
    private final int limit;
    private int size;

    /** A table holding up to {@code limit} entries (at most half full, so probes stay short). */
    NeighbourTable(int limit) {
        int capacity = Integer.highestOneBit(Math.max(4, limit) * 2 - 1) << 1;
        this.keys = new int[capacity];
        this.values = new Neighbour[capacity];
        this.mask = capacity - 1;
        this.limit = limit;
    }

    private int slot(int address) {
        int hash = address * 0x9E37_79B9;
        return (hash ^ (hash >>> 16)) & mask;
    }

    Neighbour get(int address) {
        for (int i = slot(address); ; i = (i + 1) & mask) {
            Neighbour value = values[i];
            if (value == null) {
                return null;
            }
            if (keys[i] == address) {
                return value;
            }
        }
    }

    boolean isFull() {
        return size >= limit;
    }

    /** Adds an entry for an address not in the table; false if the table is full. */
    boolean add(Neighbour neighbour) {
        if (size >= limit) {
            return false;
        }
        int i = slot(neighbour.address);
        while (values[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = neighbour.address;
        values[i] = neighbour;
        size++;
        return true;
    }

    /** Removes and returns the entry for {@code address}, or null. */
    Neighbour remove(int address) {
        int i = slot(address);
        while (true) {
            if (values[i] == null) {
                return null;
            }
            if (keys[i] == address) {
                break;
            }
            i = (i + 1) & mask;
        }
        Neighbour removed = values[i];
        // Knuth 6.4 algorithm R: move back every later entry of the cluster whose home slot
        // does not lie cyclically in (i, j], so lookups never stop at the hole.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (values[j] == null) {
                break;
            }
            int home = slot(keys[j]);
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        values[hole] = null;
        size--;
        return removed;
    }

    int size() {
        return size;
    }

    /** Slots to iterate over with {@link #at(int)} (null for empty slots). */
    int capacity() {
        return values.length;
    }

    Neighbour at(int slot) {
        return values[slot];
    }
}
