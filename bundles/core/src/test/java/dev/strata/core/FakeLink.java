package dev.strata.core;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.link.LinkStatistics;

/** A link that records what is sent and lets a test inject received frames. */
final class FakeLink implements Link {

    final LinkRequest request;
    final boolean loopback;
    final List<byte[]> sent = new ArrayList<>();
    final LinkStatistics statistics = new LinkStatistics();
    LinkReceiver receiver;
    boolean open = true;

    FakeLink(LinkRequest request, boolean loopback) {
        this.request = request;
        this.loopback = loopback;
    }

    void inject(PacketBuffer frame) {
        receiver.receive(frame);
    }

    @Override
    public String name() {
        return request.name();
    }

    @Override
    public long macAddress() {
        return loopback ? 0 : 0x02_00_00_00_00_01L;
    }

    @Override
    public int mtu() {
        return request.mtu() == 0 ? (loopback ? 65536 : 1500) : request.mtu();
    }

    @Override
    public boolean isLoopback() {
        return loopback;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void setReceiver(LinkReceiver newReceiver) {
        receiver = newReceiver;
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        sent.add(frame.toByteArray());
        frame.release();
        return true;
    }

    @Override
    public LinkStatistics statistics() {
        return statistics;
    }

    @Override
    public void close() {
        open = false;
    }
}
