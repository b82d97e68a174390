package dev.strata.api.netif;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Sees every frame an interface receives and sends ({@code capture}, like a packet socket
 * under tcpdump). Set with {@link InterfaceManager#setTap}; with no tap set, the interface
 * pays one volatile read per frame.
 */
@ConsumerType
@FunctionalInterface
public interface FrameTap {

    /**
     * A frame, whole, in {@code frame}'s region. Called on the thread that moves the frame;
     * must copy what it keeps and return quickly. The buffer stays the caller's.
     *
     * @param outbound true for a frame being sent, false for one received
     * @param timestampNanos wall-clock time of the frame in nanoseconds since the epoch
     */
    void frame(NetworkInterface networkInterface, PacketBuffer frame, boolean outbound, long timestampNanos);
}
