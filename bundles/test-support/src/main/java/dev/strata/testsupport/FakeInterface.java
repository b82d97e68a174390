package dev.strata.testsupport;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;

/**
 * An interface over a {@link FakeLink}, named as its link; address, prefix length and state
 * settable by the test (volatile: some tests change them while another thread reads).
 */
public final class FakeInterface implements NetworkInterface {
    public final int index;
    public final FakeLink link;
    public volatile int address;
    public volatile int prefixLength;
    public volatile boolean up = true;

    public FakeInterface(int index, FakeLink link, int address, int prefixLength) {
        this.index = index;
        this.link = link;
        this.address = address;
        this.prefixLength = prefixLength;
    }

    /** An interface with the address and prefix length of {@code cidr} ("198.18.0.2/24"), or none if null. */
    public FakeInterface(int index, FakeLink link, String cidr, boolean up) {
        this(index, link, 0, 0);
        if (cidr != null) {
            int[] parsed = Ipv4Address.parseCidr(cidr);
            this.address = parsed[0];
            this.prefixLength = parsed[1];
        }
        this.up = up;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public String name() {
        return link.name();
    }

    @Override
    public Link link() {
        return link;
    }

    @Override
    public int ipv4Address() {
        return address;
    }

    @Override
    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public boolean isUp() {
        return up;
    }
}
