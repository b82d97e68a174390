package dev.strata.testsupport;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;

/**
 * A link that records the bytes of every frame it is given and releases the buffer (the
 * Ethernet and ARP tests share it). Transmission can be refused ({@link #accept}), which counts
 * a transmit drop.
 */
public final class FakeLink implements Link {
    public final long mac;
    public final boolean loopback;
    public final LinkStatistics statistics = new LinkStatistics();
    public final List<byte[]> sent = new ArrayList<>();
    public boolean accept = true;

    public FakeLink(long mac, boolean loopback) {
        this.mac = mac;
        this.loopback = loopback;
    }

    @Override
    public String name() {
        return loopback ? "lo" : "strata0";
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public boolean isLoopback() {
        return loopback;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void setReceiver(LinkReceiver receiver) {
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        if (accept) {
            sent.add(frame.toByteArray());
            statistics.transmitted(frame.length());
        } else {
            statistics.transmitDropped();
        }
        frame.release();
        return accept;
    }

    @Override
    public LinkStatistics statistics() {
        return statistics;
    }

    @Override
    public void close() {
    }
}
