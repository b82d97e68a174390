package dev.strata.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.strata.api.netif.FrameTap;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/**
 * An interface registry over the list {@link #interfaces} the test fills; records configure and
 * down calls ({@link #configured}, {@link #downed}); configure fails with {@link #failure} when it
 * is set; frame taps are refused.
 */
public final class FakeInterfaceManager implements InterfaceManager {
    public final List<NetworkInterface> interfaces = new ArrayList<>();
    public final List<InterfaceConfig> configured = new ArrayList<>();
    public final List<String> downed = new ArrayList<>();
    public IOException failure;

    @Override
    public NetworkInterface configure(InterfaceConfig config) throws IOException {
        if (failure != null) {
            throw failure;
        }
        configured.add(config);
        return null;
    }

    @Override
    public boolean down(String name) {
        if (byName(name) == null) {
            return false;
        }
        downed.add(name);
        return true;
    }

    @Override
    public List<NetworkInterface> interfaces() {
        return List.copyOf(interfaces);
    }

    @Override
    public NetworkInterface byName(String name) {
        for (int i = 0; i < interfaces.size(); i++) { // indexed: no iterator, for allocation tests
            if (interfaces.get(i).name().equals(name)) {
                return interfaces.get(i);
            }
        }
        return null;
    }

    @Override
    public NetworkInterface byAddress(int address) {
        for (int i = 0; i < interfaces.size(); i++) {
            NetworkInterface candidate = interfaces.get(i);
            if (candidate.isUp() && candidate.ipv4Address() == address) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public boolean setTap(String name, FrameTap tap) {
        return false;
    }
}
