package dev.strata.arp;

import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.testsupport.FakeLink;

/** An interface over a {@link FakeLink}; address, prefix and state settable by the test. */
final class FakeInterface implements NetworkInterface {
    final FakeLink link;
    final String name;
    int address;
    int prefixLength = 24;
    boolean up = true;

    FakeInterface(String name, FakeLink link, int address) {
        this.name = name;
        this.link = link;
        this.address = address;
    }

    @Override
    public int index() {
        return link.loopback ? 1 : 2;
    }

    @Override
    public String name() {
        return name;
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
