package dev.strata.api.link;

import org.osgi.annotation.versioning.ProviderType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A device that frames leave and enter by: a Linux TAP device, or the loopback.
 *
 * <p>Frames are Ethernet II frames (destination MAC, source MAC, EtherType, payload) on
 * every link, the loopback included (with all-zero addresses, as Linux's {@code lo}), so
 * one Ethernet layer serves all. A link delivers each received frame to its
 * {@link LinkReceiver}, on the link's own thread, handing over ownership of the buffer.
 */
@ProviderType
public interface Link {

    /** The device name, as {@code ifconfig} shows it ({@code strata0}, {@code lo}). */
    String name();

    /** This end's hardware address, 48 bits in the low bits of the long. */
    long macAddress();

    /** The largest IP datagram the link carries (the Ethernet payload), in bytes. */
    int mtu();

    /** True for the loopback: frames sent come straight back, and no neighbour resolution is needed. */
    boolean isLoopback();

    /**
     * The largest IPv4 datagram carrying TCP the link takes in one frame for the device to
     * cut into segments of {@link PacketBuffer#gsoSize()} (Linux's gso_max_size, TSO), a link
     * that also completes the transport checksum of a frame marked
     * {@link PacketBuffer#checksumPartial()}; 0 (the default) when it does neither.
     */
    default int gsoMaxSize() {
        return 0;
    }

    /** True until {@link #close()} or until the device went away. */
    boolean isOpen();

    /**
     * Sets the one receiver of this link's frames, or detaches it with null; frames that
     * arrive with no receiver are counted as dropped and released.
     */
    void setReceiver(LinkReceiver receiver);

    /**
     * Sends the frame in {@code frame}'s region and takes ownership of the buffer. Never
     * blocks for long and never throws for a frame that cannot be sent: it is counted (as a
     * TX error or drop) and released.
     *
     * @return true if the frame was handed to the device
     */
    boolean transmit(PacketBuffer frame);

    /** Live counters of this link. */
    LinkStatistics statistics();

    /** Releases the device. Idempotent; frames in flight are dropped. */
    void close();
}
