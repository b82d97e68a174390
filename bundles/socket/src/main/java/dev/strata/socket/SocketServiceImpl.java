package dev.strata.socket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import dev.strata.api.socket.DatagramSocket;
import dev.strata.api.socket.ListeningSocket;
import dev.strata.api.socket.NetSocketException;
import dev.strata.api.socket.SocketError;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;

/**
 * The {@link SocketService} one bundle sees. Bundle scope gives every using bundle its own
 * instance, made when the bundle first gets the service and deactivated when it ungets it
 * (it stopped, was updated, or released the service): so each socket knows its owner
 * ({@code netstat -p}), and a bundle's sockets and selectors are closed when it goes, as a
 * process's are when it exits. The sockets themselves live in the one shared
 * {@link SocketRegistry}.
 */
@Component(service = SocketService.class, scope = ServiceScope.BUNDLE)
public final class SocketServiceImpl implements SocketService {

    private final SocketRegistry registry;
    private final Owner owner;
    private final Set<SocketSelectorImpl> selectors = ConcurrentHashMap.newKeySet();
    private volatile boolean active = true;

    @Activate
    public SocketServiceImpl(@Reference(name = "registry") SocketRegistry registry, ComponentContext context) {
        this(registry, nameOf(context.getUsingBundle()));
    }

    /** For tests and embedding without DS: a service for the bundle called {@code ownerName}. */
    SocketServiceImpl(SocketRegistry registry, String ownerName) {
        this.registry = registry;
        this.owner = new Owner(ownerName);
    }

    /** The using bundle ungot the service (or stopped): close everything it opened. */
    @Deactivate
    void deactivate() {
        active = false;
        for (SocketSelectorImpl selector : new ArrayList<>(selectors)) {
            selector.close();
        }
        registry.closeAll(owner);
    }

    @Override
    public DatagramSocket openDatagram() throws NetSocketException {
        ensureActive("socket");
        return registry.openUdp(owner);
    }

    @Override
    public StreamSocket openStream() throws NetSocketException {
        ensureActive("socket");
        return registry.openTcp(owner);
    }

    @Override
    public ListeningSocket openListening() throws NetSocketException {
        ensureActive("socket");
        return registry.openTcpListening(owner);
    }

    @Override
    public SocketSelector openSelector() {
        if (!active) {
            throw new IllegalStateException("the socket service was released");
        }
        SocketSelectorImpl selector = new SocketSelectorImpl(selectors::remove);
        selectors.add(selector);
        return selector;
    }

    @Override
    public List<SocketInfo> sockets() {
        return registry.sockets();
    }

    /** The owning bundle's symbolic name. */
    String owner() {
        return owner.name();
    }

    private void ensureActive(String operation) throws NetSocketException {
        if (!active) {
            throw new NetSocketException(SocketError.EBADF, operation, "the socket service was released");
        }
    }

    private static String nameOf(Bundle bundle) {
        return bundle == null ? "-" : bundle.getSymbolicName();
    }
}
