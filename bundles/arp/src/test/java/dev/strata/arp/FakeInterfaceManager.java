package dev.strata.arp;

import java.util.ArrayList;
import java.util.List;

import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/** An interface registry over a fixed list of interfaces. */
final class FakeInterfaceManager implements InterfaceManager {
    final List<NetworkInterface> interfaces = new ArrayList<>();

    @Override
    public NetworkInterface configure(InterfaceConfig config) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean down(String name) {
        return false;
    }

    @Override
    public List<NetworkInterface> interfaces() {
        return interfaces;
    }

    @Override
    public NetworkInterface byName(String name) {
        for (NetworkInterface candidate : interfaces) {
            if (candidate.name().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public NetworkInterface byAddress(int address) {
        for (NetworkInterface candidate : interfaces) {
            if (candidate.isUp() && candidate.ipv4Address() == address) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public boolean setTap(String name, dev.strata.api.netif.FrameTap tap) {
        return false;
    }
}
