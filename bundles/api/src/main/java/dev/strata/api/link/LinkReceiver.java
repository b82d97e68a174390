package dev.strata.api.link;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * Where frames go when they arrive: set on a {@link Link} by the interface registry, and
 * registered as a service by the link layer (Ethernet) with the property
 * {@code strata.layer=link}.
 */
@ConsumerType
@FunctionalInterface
public interface LinkReceiver {

    /** Service property naming the layer a receiver service is; the Ethernet layer registers {@value #LINK_LAYER}. */
    String LAYER_PROPERTY = "strata.layer";
    String LINK_LAYER = "link";

    /**
     * Takes a received frame and its ownership; the frame's region is the whole frame and
     * {@link PacketBuffer#inputInterface()} the interface it arrived on (once the interface
     * registry has stamped it). Must not throw.
     */
    void receive(PacketBuffer frame);
}
