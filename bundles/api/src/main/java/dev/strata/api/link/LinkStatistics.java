package dev.strata.api.link;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters {@code ifconfig} shows for a link: packets, bytes, errors and drops in each
 * direction. Updated by the link (and by the layers above, for frames they drop as
 * malformed), read at any time.
 */
public final class LinkStatistics {

    private final AtomicLong rxPackets = new AtomicLong();
    private final AtomicLong rxBytes = new AtomicLong();
    private final AtomicLong rxErrors = new AtomicLong();
    private final AtomicLong rxDropped = new AtomicLong();
    private final AtomicLong txPackets = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong txErrors = new AtomicLong();
    private final AtomicLong txDropped = new AtomicLong();

    /** A frame of {@code bytes} bytes was received. */
    public void received(int bytes) {
        rxPackets.incrementAndGet();
        rxBytes.addAndGet(bytes);
    }

    /** A frame of {@code bytes} bytes was sent. */
    public void transmitted(int bytes) {
        txPackets.incrementAndGet();
        txBytes.addAndGet(bytes);
    }

    /** A received frame was malformed (too short, bad header): an RX error, as Linux counts it. */
    public void receiveError() {
        rxErrors.incrementAndGet();
    }

    /** A received frame was well formed but not wanted or not deliverable (no receiver, not for us). */
    public void receiveDropped() {
        rxDropped.incrementAndGet();
    }

    /** A frame could not be written (device error, too large). */
    public void transmitError() {
        txErrors.incrementAndGet();
    }

    /** A frame was dropped before the device (queue full, link down). */
    public void transmitDropped() {
        txDropped.incrementAndGet();
    }

    public long rxPackets() {
        return rxPackets.get();
    }

    public long rxBytes() {
        return rxBytes.get();
    }

    public long rxErrors() {
        return rxErrors.get();
    }

    public long rxDropped() {
        return rxDropped.get();
    }

    public long txPackets() {
        return txPackets.get();
    }

    public long txBytes() {
        return txBytes.get();
    }

    public long txErrors() {
        return txErrors.get();
    }

    public long txDropped() {
        return txDropped.get();
    }
}
