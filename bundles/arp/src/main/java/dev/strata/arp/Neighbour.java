package dev.strata.arp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.neighbour.NeighbourState;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.api.time.Cancellable;

/**
 * One neighbour cache entry and its queue of packets waiting for resolution. Every field is
 * guarded by the {@link ArpLayer}'s lock.
 */
final class Neighbour {

    /** RFC 1122 2.3.2.2 asks for a small queue; Linux's default is a few packets, ours 16. */
    static final int QUEUE_LIMIT = 16;

    final int address;
    NetworkInterface networkInterface;
    long macAddress = -1;
    NeighbourState state;
    /** Scheduler time of the last confirmation, or of creation. */
    long confirmedNanos;
    /** Requests sent in the current INCOMPLETE or PROBE round. */
    int probes;
    /** Bumped whenever the timer is replaced; a timer that fires with an older value is stale. */
    int generation;
    Cancellable timer;
    boolean removed;

    private PacketBuffer[] queue;
    private int head;
    private int queued;

    Neighbour(int address, NetworkInterface networkInterface, NeighbourState state, long now) {
        this.address = address;
        this.networkInterface = networkInterface;
        this.state = state;
        this.confirmedNanos = now;
    }

    int queued() {
        return queued;
    }

    /** Queues {@code packet}; returns the oldest packet if the queue was full (the caller releases it), else null. */
    PacketBuffer enqueue(PacketBuffer packet) {
        if (queue == null) {
            queue = new PacketBuffer[QUEUE_LIMIT];
        }
        PacketBuffer dropped = null;
        if (queued == QUEUE_LIMIT) {
            dropped = queue[head];
            queue[head] = null;
            head = (head + 1) % QUEUE_LIMIT;
            queued--;
        }
        queue[(head + queued) % QUEUE_LIMIT] = packet;
        queued++;
        return dropped;
    }

    /** Empties the queue, oldest first; null when it was empty. */
    PacketBuffer[] drain() {
        if (queued == 0) {
            return null;
        }
        PacketBuffer[] packets = new PacketBuffer[queued];
        for (int i = 0; i < packets.length; i++) {
            int slot = (head + i) % QUEUE_LIMIT;
            packets[i] = queue[slot];
            queue[slot] = null;
        }
        head = 0;
        queued = 0;
        return packets;
    }

    void cancelTimer() {
        generation++;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
