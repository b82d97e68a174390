package dev.strata.api.link;

/**
 * What to open: device name, MTU, hardware address and Linux network namespace.
 *
 * @param name the device name (at most 15 characters, as Linux allows)
 * @param mtu the MTU, or 0 for the link type's default (1500 for TAP, 65536 for loopback)
 * @param macAddress this end's hardware address in the low 48 bits, or -1 to have one made
 *     (a random locally administered unicast address)
 * @param netns the Linux network namespace (a name under {@code /var/run/netns}) to open the
 *     device in, or null for the JVM's own
 */
public record LinkRequest(String name, int mtu, long macAddress, String netns) {

    public static final long ANY_MAC = -1;

    public LinkRequest {
        if (name == null || name.isEmpty() || name.length() > 15) {
            throw new IllegalArgumentException("interface name must be 1 to 15 characters: " + name);
        }
        if (mtu < 0) {
            throw new IllegalArgumentException("mtu must not be negative: " + mtu);
        }
    }

    /** A request for {@code name} with every other setting at its default. */
    public static LinkRequest of(String name) {
        return new LinkRequest(name, 0, ANY_MAC, null);
    }
}
