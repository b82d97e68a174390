package dev.strata.testsupport;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;

/**
 * A link that records the bytes of every frame it is given and releases the buffer (the
 * Ethernet, ARP, IPv4 and shell tests share it). Transmission can be refused ({@link #accept}),
 * which counts a transmit drop.
 */
public final class FakeLink implements Link {
    public final String name;
    public final long mac;
    public final int mtu;
    public final boolean loopback;
    public final LinkStatistics statistics = new LinkStatistics();
    public final List<byte[]> sent = new ArrayList<>();
    public boolean accept = true;

    /** A link named {@code lo} (loopback) or {@code strata0}, MTU 1500. */
    public FakeLink(long mac, boolean loopback) {
        this(loopback ? "lo" : "strata0", mac, 1500, loopback);
    }

    public FakeLink(String name, long mac, int mtu, boolean loopback) {
        this.name = name;
        this.mac = mac;
        this.mtu = mtu;
        this.loopback = loopback;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
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
