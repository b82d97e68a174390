package dev.strata.capture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.strata.api.link.Link;
import dev.strata.api.netif.FrameTap;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/** An interface registry with named interfaces and no links: it only keeps the taps the capture sets. */
final class FakeInterfaces implements InterfaceManager {

    /** A setTap call: the name (null for every interface) and the tap (null to remove). */
    record TapCall(String name, FrameTap tap) {
    }

    final List<String> names = new ArrayList<>(List.of("lo", "strata0"));
    final Map<String, FrameTap> taps = new HashMap<>();
    final List<TapCall> calls = new ArrayList<>();

    @Override
    public NetworkInterface configure(InterfaceConfig config) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean down(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<NetworkInterface> interfaces() {
        return names.stream().map(FakeInterfaces::networkInterface).toList();
    }

    @Override
    public NetworkInterface byName(String name) {
        return names.contains(name) ? networkInterface(name) : null;
    }

    @Override
    public NetworkInterface byAddress(int address) {
        return null;
    }

    @Override
    public synchronized boolean setTap(String name, FrameTap tap) {
        calls.add(new TapCall(name, tap));
        if (name == null) {
            for (String each : names) {
                put(each, tap);
            }
            return true;
        }
        if (!names.contains(name)) {
            return false;
        }
        put(name, tap);
        return true;
    }

    private void put(String name, FrameTap tap) {
        if (tap == null) {
            taps.remove(name);
        } else {
            taps.put(name, tap);
        }
    }

    synchronized FrameTap tap(String name) {
        return taps.get(name);
    }

    static NetworkInterface networkInterface(String name) {
        return new NetworkInterface() {
            @Override
            public int index() {
                return 1;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public Link link() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int ipv4Address() {
                return 0;
            }

            @Override
            public int prefixLength() {
                return 0;
            }

            @Override
            public boolean isLoopback() {
                return "lo".equals(name);
            }

            @Override
            public boolean isUp() {
                return true;
            }
        };
    }
}
