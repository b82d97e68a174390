package dev.strata.socket;

import java.util.List;

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
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.socket.SocketSelector;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StreamSocket;

/**
 * The {@link SocketService} one bundle sees: bundle scope gives every using bundle its own
 * instance, so each socket knows its owner ({@code netstat -p}) and a bundle's sockets are
 * closed when it stops using the service (it stopped, or was updated).
 */
@Component(service = SocketService.class, scope = ServiceScope.BUNDLE)
public final class SocketServiceImpl implements SocketService {

    private final SocketRegistry registry;
    private final String owner;

    @Activate
    public SocketServiceImpl(@Reference(name = "registry") SocketRegistry registry, ComponentContext context) {
        this(registry, ownerOf(context.getUsingBundle()));
    }

    SocketServiceImpl(SocketRegistry registry, String owner) {
        this.registry = registry;
        this.owner = owner;
    }

    @Deactivate
    void deactivate() {
        registry.closeAll(owner);
    }

    @Override
    public DatagramSocket openDatagram() throws NetSocketException {
        return registry.openUdp(owner);
    }

    @Override
    public StreamSocket openStream() throws NetSocketException {
        return registry.openTcp(owner);
    }

    @Override
    public ListeningSocket openListening() throws NetSocketException {
        return registry.openTcpListening(owner);
    }

    @Override
    public SocketSelector openSelector() {
        return new SocketSelectorImpl();
    }

    @Override
    public List<SocketInfo> sockets() {
        return registry.sockets();
    }

    private static String ownerOf(Bundle bundle) {
        return bundle == null ? "-" : bundle.getSymbolicName();
    }
}
