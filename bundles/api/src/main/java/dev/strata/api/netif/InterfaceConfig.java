package dev.strata.api.netif;

import dev.strata.api.link.LinkRequest;

/**
 * What {@code ifconfig NAME ADDR/PREFIX [mtu N] [hw MAC] [netns NS] up} asks for.
 *
 * @param name the interface (and link device) name
 * @param address the IPv4 address
 * @param prefixLength its prefix length, 0 to 32
 * @param mtu the MTU, or 0 for the link's default
 * @param macAddress the hardware address, or {@link LinkRequest#ANY_MAC}
 * @param netns the Linux network namespace for a TAP device, or null
 */
public record InterfaceConfig(String name, int address, int prefixLength, int mtu, long macAddress, String netns) {

    public InterfaceConfig {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32: " + prefixLength);
        }
    }

    /** The link request this configuration opens its link with. */
    public LinkRequest linkRequest() {
        return new LinkRequest(name, mtu, macAddress, netns);
    }
}
