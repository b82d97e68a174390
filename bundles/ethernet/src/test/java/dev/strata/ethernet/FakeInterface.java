package dev.strata.ethernet;

import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;
import dev.strata.testsupport.FakeLink;

/** An interface over a {@link FakeLink}, up unless told otherwise. */
final class FakeInterface implements NetworkInterface {
    final FakeLink link;
    final int address;
    boolean up = true;

    FakeInterface(FakeLink link, int address) {
        this.link = link;
        this.address = address;
    }

    @Override
    public int index() {
        return link.loopback ? 1 : 2;
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
        return 24;
    }

    @Override
    public boolean isUp() {
        return up;
    }
}
