package dev.strata.api.ether;

import org.osgi.annotation.versioning.ConsumerType;

import dev.strata.api.buffer.PacketBuffer;

/**
 * A network-layer protocol the Ethernet layer hands frames to, registered as a service with
 * the property {@value EtherType#PROPERTY} (an Integer, {@code 0x0800} for IPv4).
 */
@ConsumerType
@FunctionalInterface
public interface EtherTypeHandler {

    /**
     * Takes a packet and its ownership. Its region starts at the network header ({@link
     * PacketBuffer#networkOffset()}), {@link PacketBuffer#linkOffset()} is the Ethernet
     * header and {@link PacketBuffer#inputInterface()} the interface. Must not throw.
     */
    void receive(PacketBuffer packet);
}
