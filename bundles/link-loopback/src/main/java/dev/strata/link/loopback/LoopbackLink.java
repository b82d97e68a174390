package dev.strata.link.loopback;

import java.util.function.Consumer;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.link.ReceiveBatch;

/**
 * The loopback link, Linux's {@code lo} inside the stack: every frame transmitted comes back
 * as a received frame.
 *
 * <p>{@link #transmit} only queues the frame; a delivery thread ({@code strata-lo}) hands it
 * to the receiver. The hop is deliberate: a layer that sends to its own address (ICMP
 * answering {@code ping 127.0.0.1}) would otherwise be re-entered synchronously from inside
 * its own send, holding whatever it holds. As Linux's {@code lo} does, a looped frame counts
 * as both transmitted and received.
 */
final class LoopbackLink implements Link {

    /** Frames that may wait for the delivery thread; beyond this a transmit is dropped. */
    static final int QUEUE_CAPACITY = 1024;

    /** Frames per receive batch, as Linux's NAPI weight. */
    static final int BATCH_FRAMES = 64;

    private final String name;
    private final int mtu;
    private final LinkStatistics statistics = new LinkStatistics();
    private final FrameQueue queue;
    private final Thread delivery;
    private final Consumer<LoopbackLink> onClose;
    private volatile LinkReceiver receiver;
    private volatile boolean open = true;

    LoopbackLink(String name, int mtu, int queueCapacity, Consumer<LoopbackLink> onClose) {
        this.name = name;
        this.mtu = mtu;
        this.onClose = onClose;
        this.queue = new FrameQueue(queueCapacity);
        this.delivery = new Thread(this::deliverLoop, "lo".equals(name) ? "strata-lo" : "strata-lo-" + name);
        this.delivery.setDaemon(true);
        this.delivery.start();
    }

    @Override
    public String name() {
        return name;
    }

    /** All zeros, as Linux's {@code lo}: the Ethernet header of a looped frame carries no real address. */
    @Override
    public long macAddress() {
        return 0;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean isLoopback() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void setReceiver(LinkReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean transmit(PacketBuffer frame) {
        if (!open || !queue.offer(frame)) {
            statistics.transmitDropped();
            frame.release();
            return false;
        }
        // close() may have drained the queue between our check and our offer: take the frame
        // back if it is still there (if close() got it first, close() released it).
        if (!open && queue.remove(frame)) {
            statistics.transmitDropped();
            frame.release();
            return false;
        }
        return true;
    }

    @Override
    public LinkStatistics statistics() {
        return statistics;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        delivery.interrupt();
        if (Thread.currentThread() != delivery) {
            try {
                delivery.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
        onClose.accept(this);
    }

    /** Frames waiting for delivery; for tests. */
    int queued() {
        return queue.size();
    }

    private void deliverLoop() {
        while (open) {
            PacketBuffer frame = queue.take();
            if (frame == null) {
                break;
            }
            if (!open) {
                statistics.transmitDropped();
                frame.release();
                break;
            }
            // the frames queued meanwhile go in one receive batch (ReceiveBatch, as NAPI's
            // budget of 64): what the layers above defer to its end (an ACK, a wake-up) runs once
            ReceiveBatch batch = ReceiveBatch.current();
            batch.begin();
            try {
                deliver(frame);
                for (int i = 1; i < BATCH_FRAMES && open; i++) {
                    PacketBuffer next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    deliver(next);
                }
            } finally {
                batch.end();
            }
        }
        drain();
    }

    private void deliver(PacketBuffer frame) {
        int length = frame.length();
        statistics.transmitted(length);
        statistics.received(length);
        // A received frame carries no metadata of its life as an outgoing one.
        frame.linkOffset(-1);
        frame.networkOffset(-1);
        frame.transportOffset(-1);
        frame.inputInterface(null);
        LinkReceiver current = receiver;
        if (current == null) {
            statistics.receiveDropped();
            frame.release();
            return;
        }
        try {
            current.receive(frame);
        } catch (Throwable t) {
            // The receiver owns the frame even when it throws; the delivery thread must survive.
            statistics.receiveError();
        }
    }

    private void drain() {
        for (PacketBuffer frame = queue.poll(); frame != null; frame = queue.poll()) {
            statistics.transmitDropped();
            frame.release();
        }
    }
}
