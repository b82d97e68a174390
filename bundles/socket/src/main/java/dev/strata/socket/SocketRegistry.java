package dev.strata.socket;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.socket.SocketInfo;
import dev.strata.api.transport.DatagramProtocol;

/**
 * Every socket of every bundle, and the transports under them. One per framework; the
 * bundle-scoped {@link SocketServiceImpl}s open sockets through it.
 *
 * <p>Transports come and go (the UDP bundle stopped, updated, replaced); sockets stay. When a
 * UDP transport arrives, every socket that was bound is bound on it again at its old address
 * and port, so an application's socket works again without knowing anything happened.
 */
@Component(service = SocketRegistry.class, immediate = true)
public class SocketRegistry {

    private final BufferPool pool;
    private final Set<NetSocketHandle> sockets = ConcurrentHashMap.newKeySet();
    private volatile DatagramProtocol udp;
    /** Completes async stages off the stack's threads, so user callbacks never run on them. */
    private final ExecutorService completions = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "strata-socket-async");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public SocketRegistry(@Reference(name = "pool") BufferPool pool) {
        this.pool = pool;
    }

    @Deactivate
    void deactivate() {
        for (NetSocketHandle socket : new ArrayList<>(sockets)) {
            socket.close();
        }
        completions.shutdown();
    }

    @Reference(name = "udp", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + DatagramProtocol.PROPERTY + "=udp)")
    void bindUdp(DatagramProtocol protocol) {
        udp = protocol;
        for (NetSocketHandle socket : sockets) {
            if (socket.socket() instanceof UdpSocket datagram) {
                datagram.rebind(protocol);
            }
        }
    }

    void unbindUdp(DatagramProtocol protocol) {
        if (udp == protocol) {
            udp = null;
        }
    }

    DatagramProtocol udp() {
        return udp;
    }

    BufferPool pool() {
        return pool;
    }

    UdpSocket openUdp(String owner) {
        UdpSocket socket = new UdpSocket(this, owner);
        sockets.add(new NetSocketHandle.Udp(socket));
        return socket;
    }

    TcpSocket openTcp(String owner) {
        TcpSocket socket = new TcpSocket(this, owner);
        sockets.add(new NetSocketHandle.Tcp(socket));
        return socket;
    }

    TcpListeningSocket openTcpListening(String owner) {
        TcpListeningSocket socket = new TcpListeningSocket(this, owner);
        sockets.add(new NetSocketHandle.TcpListening(socket));
        return socket;
    }

    void closed(Object socket) {
        sockets.removeIf(handle -> handle.socket() == socket);
    }

    /** Closes every socket {@code owner} opened (its bundle stopped using the service). */
    void closeAll(String owner) {
        for (NetSocketHandle socket : new ArrayList<>(sockets)) {
            if (socket.owner().equals(owner)) {
                socket.close();
            }
        }
    }

    List<SocketInfo> sockets() {
        List<SocketInfo> all = new ArrayList<>();
        for (NetSocketHandle socket : sockets) {
            SocketInfo info = socket.info();
            if (info != null) {
                all.add(info);
            }
        }
        all.sort((a, b) -> a.protocol().equals(b.protocol())
                ? Integer.compare(a.localPort(), b.localPort()) : a.protocol().compareTo(b.protocol()));
        return all;
    }

    <T> void complete(CompletableFuture<T> stage, T value) {
        try {
            completions.execute(() -> stage.complete(value));
        } catch (RejectedExecutionException stopping) {
            stage.complete(value);
        }
    }

    void fail(CompletableFuture<?> stage, Throwable failure) {
        try {
            completions.execute(() -> stage.completeExceptionally(failure));
        } catch (RejectedExecutionException stopping) {
            stage.completeExceptionally(failure);
        }
    }
}
