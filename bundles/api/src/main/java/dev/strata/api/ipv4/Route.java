package dev.strata.api.ipv4;

/**
 * One row of the routing table.
 *
 * @param destination the network address
 * @param prefixLength its prefix length; 0 for the default route
 * @param gateway the next hop, or {@link Ipv4Address#ANY} for a directly connected network
 * @param interfaceName the outgoing interface
 * @param metric lower wins among equally specific routes
 * @param connected true for the route an interface's address brings with it (removed with it)
 */
public record Route(int destination, int prefixLength, int gateway, String interfaceName, int metric, boolean connected) {

    public Route {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32: " + prefixLength);
        }
        destination &= Ipv4Address.netmask(prefixLength);
    }

    public int netmask() {
        return Ipv4Address.netmask(prefixLength);
    }

    public boolean matches(int address) {
        return ((address ^ destination) & netmask()) == 0;
    }

    /** Flags as {@code route -n} prints them: U (up), G (gateway), H (host). */
    public String flags() {
        return "U" + (gateway != Ipv4Address.ANY ? "G" : "") + (prefixLength == 32 ? "H" : "");
    }
}
