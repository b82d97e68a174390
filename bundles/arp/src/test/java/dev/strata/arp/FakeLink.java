package dev.strata.arp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;

/** A link that records the bytes of every frame it is given and releases the buffer. */
final class FakeLink implements Link {
    final long mac;
    final boolean loopback;
    final LinkStatistics statistics = new LinkStatistics();
    final List<byte[]> sent = new ArrayList<>();
    boolean accept = true;

    FakeLink(long mac, boolean loopback) {
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
