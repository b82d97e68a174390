package dev.strata.core;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkProvider;
import dev.strata.api.link.LinkReceiver;
import dev.strata.api.netif.FrameTap;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/**
 * The interface registry: opens links through the {@link LinkProvider} of their type
 * ({@code lo} through the loopback, every other name through TAP), keeps each interface's
 * address and state, and tells {@link InterfaceListener}s. A listener that arrives late (a
 * layer restarted) hears of every interface that is already up, so a swapped bundle
 * rebuilds its state from events alone.
 *
 * <p>Changes are serialised by the registry's lock and listeners are called under it (they
 * only read interfaces back, never change them); lookups on the packet path read a
 * volatile array and take no lock.
 */
@Component(service = InterfaceManager.class, configurationPid = InterfaceRegistry.PID, immediate = true)
@Designate(ocd = InterfaceRegistry.Config.class)
public final class InterfaceRegistry implements InterfaceManager {

    static final String PID = "dev.strata.core";
    static final String LOOPBACK_NAME = "lo";
    static final String TAP = "tap";
    static final String LOOPBACK = "loopback";

    @ObjectClassDefinition(name = "Strata core", description = "Interfaces the stack has without any other configuration.")
    public @interface Config {
        @AttributeDefinition(description = "Bring up lo with 127.0.0.1/8 as soon as the loopback link exists.")
        boolean loopback() default true;
    }

    private static final Logger LOG = System.getLogger(InterfaceRegistry.class.getName());

    private final Map<String, LinkProvider> providers = new ConcurrentHashMap<>();
    private final List<InterfaceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile LinkReceiver linkLayer;
    private volatile Interface[] interfaces = new Interface[0];
    private volatile boolean loopbackWanted;
    private boolean active;

    @Activate
    public InterfaceRegistry(Config config) {
        loopbackWanted = config.loopback();
    }

    @Activate
    void activate() {
        synchronized (this) {
            active = true;
        }
        bringUpLoopbackIfWanted();
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            for (Interface existing : interfaces) {
                takeDown(existing);
            }
            active = false;
        }
    }

    // ---- services ------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindLinkProvider(LinkProvider provider, Map<String, Object> properties) {
        Object type = properties.get(LinkProvider.TYPE_PROPERTY);
        if (type == null) {
            return;
        }
        providers.put(type.toString(), provider);
        if (LOOPBACK.equals(type.toString())) {
            bringUpLoopbackIfWanted();
        }
    }

    void unbindLinkProvider(LinkProvider provider, Map<String, Object> properties) {
        Object type = properties.get(LinkProvider.TYPE_PROPERTY);
        if (type == null || !providers.remove(type.toString(), provider)) {
            return;
        }
        // The provider's links die with it: their interfaces go down.
        synchronized (this) {
            for (Interface existing : interfaces) {
                if (existing.providerType().equals(type.toString())) {
                    takeDown(existing);
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + LinkReceiver.LAYER_PROPERTY + "=" + LinkReceiver.LINK_LAYER + ")")
    void bindLinkLayer(LinkReceiver receiver) {
        linkLayer = receiver;
    }

    void unbindLinkLayer(LinkReceiver receiver) {
        if (linkLayer == receiver) {
            linkLayer = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(InterfaceListener listener) {
        synchronized (this) {
            listeners.add(listener);
            for (Interface existing : interfaces) {
                if (existing.isUp()) {
                    notifyUp(listener, existing);
                }
            }
        }
    }

    void unbindListener(InterfaceListener listener) {
        listeners.remove(listener);
    }

    LinkReceiver linkLayer() {
        return linkLayer;
    }

    // ---- InterfaceManager ------------------------------------------------------------------

    @Override
    public NetworkInterface configure(InterfaceConfig config) throws IOException {
        if (config.address() != 0 && Ipv4Address.isMulticast(config.address())) {
            throw new IllegalArgumentException("cannot assign a multicast address: " + Ipv4Address.format(config.address()));
        }
        synchronized (this) {
            if (!active) {
                throw new IOException("the interface registry is stopping");
            }
            Interface existing = find(config.name());
            if (existing != null && existing.isUp() && sameLink(existing.link(), config)) {
                if (existing.ipv4Address() != config.address() || existing.prefixLength() != config.prefixLength()) {
                    notifyDown(existing);
                    existing.assign(config.address(), config.prefixLength());
                    notifyUp(existing);
                }
                return existing;
            }
            if (existing != null) {
                takeDown(existing);
            }
            String type = LOOPBACK_NAME.equals(config.name()) ? LOOPBACK : TAP;
            LinkProvider provider = providers.get(type);
            if (provider == null) {
                throw new IOException("cannot open " + config.name() + ": no " + type + " link driver is running");
            }
            Link link = provider.open(config.linkRequest());
            Interface created = new Interface(freeIndex(), link, type, this);
            created.assign(config.address(), config.prefixLength());
            link.setReceiver(created);
            created.up(true);
            add(created);
            notifyUp(created);
            return created;
        }
    }

    @Override
    public boolean down(String name) {
        synchronized (this) {
            Interface existing = find(name);
            if (existing == null) {
                return false;
            }
            takeDown(existing);
            return true;
        }
    }

    @Override
    public List<NetworkInterface> interfaces() {
        List<NetworkInterface> all = new ArrayList<>(Arrays.asList(interfaces));
        all.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return all;
    }

    @Override
    public NetworkInterface byName(String name) {
        return find(name);
    }

    @Override
    public NetworkInterface byAddress(int address) {
        for (Interface candidate : interfaces) {
            if (candidate.ipv4Address() == address && candidate.isUp()) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public boolean setTap(String name, FrameTap tap) {
        Interface[] current = interfaces;
        boolean found = false;
        for (Interface candidate : current) {
            if (name == null || candidate.name().equals(name)) {
                candidate.tap(tap);
                found = true;
            }
        }
        return found;
    }

    // ---- internals -------------------------------------------------------------------------

    private void bringUpLoopbackIfWanted() {
        synchronized (this) {
            if (!active || !loopbackWanted || !providers.containsKey(LOOPBACK) || find(LOOPBACK_NAME) != null) {
                return;
            }
            try {
                configure(new InterfaceConfig(LOOPBACK_NAME, Ipv4Address.LOOPBACK, 8, 0, 0, null));
            } catch (IOException | RuntimeException failure) {
                LOG.log(Level.ERROR, "cannot bring up lo", failure);
            }
        }
    }

    private static boolean sameLink(Link link, InterfaceConfig config) {
        return (config.mtu() == 0 || config.mtu() == link.mtu())
                && (config.macAddress() < 0 || config.macAddress() == link.macAddress())
                && config.netns() == null;
    }

    private Interface find(String name) {
        for (Interface candidate : interfaces) {
            if (candidate.name().equals(name)) {
                return candidate;
            }
        }
        return null;
    }

    private int freeIndex() {
        int index = 1;
        while (true) {
            boolean taken = false;
            for (Interface existing : interfaces) {
                taken |= existing.index() == index;
            }
            if (!taken) {
                return index;
            }
            index++;
        }
    }

    private void add(Interface created) {
        Interface[] grown = Arrays.copyOf(interfaces, interfaces.length + 1);
        grown[grown.length - 1] = created;
        interfaces = grown;
    }

    private void takeDown(Interface existing) {
        if (existing.isUp()) {
            notifyDown(existing);
        }
        existing.up(false);
        interfaces = Arrays.stream(interfaces).filter(i -> i != existing).toArray(Interface[]::new);
        existing.link().setReceiver(null);
        existing.link().close();
    }

    private void notifyUp(Interface changed) {
        for (InterfaceListener listener : listeners) {
            notifyUp(listener, changed);
        }
    }

    private static void notifyUp(InterfaceListener listener, Interface changed) {
        try {
            listener.interfaceUp(changed);
        } catch (RuntimeException failure) {
            LOG.log(Level.ERROR, "interface listener failed on " + changed.name(), failure);
        }
    }

    private void notifyDown(Interface changed) {
        for (InterfaceListener listener : listeners) {
            try {
                listener.interfaceDown(changed);
            } catch (RuntimeException failure) {
                LOG.log(Level.ERROR, "interface listener failed on " + changed.name(), failure);
            }
        }
    }
}
