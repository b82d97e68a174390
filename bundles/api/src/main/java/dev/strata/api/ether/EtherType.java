package dev.strata.api.ether;

/** EtherType values (IEEE 802 numbers) the stack knows. */
public final class EtherType {

    /** Service property of an {@link EtherTypeHandler}: the EtherType it takes, as an Integer. */
    public static final String PROPERTY = "strata.ethertype";

    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int VLAN = 0x8100;
    public static final int IPV6 = 0x86DD;

    private EtherType() {
    }
}
