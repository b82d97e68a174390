package dev.strata.api.ipv4;

/** IP protocol numbers (IANA) the stack knows. */
public final class IpProtocol {

    /** Service property of an {@link IpProtocolHandler}: the protocol number it takes, as an Integer. */
    public static final String PROPERTY = "strata.ip.protocol";

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    private IpProtocol() {
    }
}
