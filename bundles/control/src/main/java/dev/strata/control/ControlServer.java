package dev.strata.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The control channel of a running Strata: a Unix domain socket at
 * {@code ${strata.data}/control.sock} on which {@code bin/client} runs Gogo command lines.
 *
 * <p>Each connection gets its own Gogo session ({@link CommandProcessor#createSession}); the
 * wire format is in {@link Frames}. Only the owner may connect: the data directory is made
 * {@code 0700} and the socket {@code 0600}. No TCP port is ever opened.
 *
 * <p>Threads: one acceptor ({@code strata-control-accept}) and two per connection
 * ({@code strata-control-N}, {@code strata-control-N-reader}); all stop on deactivation.
 */
@Component(immediate = true, service = {})
public final class ControlServer {

    private static final long STOP_WAIT_MILLIS = 1000;

    private final CommandProcessor processor;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean stopped;

    /** Called by Declarative Services. */
    @Activate
    public ControlServer(@Reference CommandProcessor processor, BundleContext context) throws IOException {
        this(processor, ControlPaths.socketPath(context.getProperty(ControlPaths.DATA_PROPERTY)));
    }

    ControlServer(CommandProcessor processor, Path socket) throws IOException {
        this.processor = processor;
        this.socket = socket;
        this.server = bind(socket);
        this.acceptor = new Thread(this::acceptLoop, "strata-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path socket() {
        return socket;
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        Path directory = socket.getParent();
        Files.createDirectories(directory);
        // Owner only: while the socket exists with the umask's mode (between bind and chmod),
        // nobody else can reach it through a 0700 directory.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        if (Files.exists(socket)) {
            if (answers(address)) {
                throw new IOException("another Strata instance is listening on " + socket);
            }
            Files.delete(socket); // stale: left by a JVM that was killed
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(address);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        return channel;
    }

    private static boolean answers(UnixDomainSocketAddress address) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!stopped) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return; // deactivated
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                continue; // e.g. out of file descriptors: keep serving the next client
            }
            int id = ids.incrementAndGet();
            Connection[] self = new Connection[1];
            Connection connection = new Connection(channel, processor, id, () -> connections.remove(self[0]));
            self[0] = connection;
            connections.add(connection);
            if (stopped) {
                connection.close();
                connections.remove(connection);
            } else {
                connection.start();
            }
        }
    }

    /** Called by Declarative Services: closes the socket, deletes its file and ends every session. */
    @Deactivate
    public void deactivate() {
        stopped = true;
        try {
            server.close();
        } catch (IOException e) {
            // Nothing more can be done about a socket that will not close.
        }
        for (Connection connection : connections) {
            if (connection.executesOn(Thread.currentThread())) {
                connection.closeAfterCurrentCommand(); // deactivated by its own command
            } else {
                connection.close();
            }
        }
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        try {
            acceptor.join(STOP_WAIT_MILLIS);
            for (Connection connection : connections) {
                connection.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // A socket file left behind is replaced at the next start (see bind).
        }
    }
}
