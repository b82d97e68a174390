/**
 * The socket layer: the implementation of {@link dev.strata.api.socket} over the transport
 * SPI {@link dev.strata.api.transport}. Private to its bundle; applications see only the API.
 *
 * <h2>A short course in the socket API, as Strata implements it</h2>
 *
 * <p><b>Opening a socket.</b> Get the {@link dev.strata.api.socket.SocketService} (with DS:
 * {@code @Reference SocketService sockets}). It is registered with bundle scope: your bundle
 * has its own instance, so {@code netstat -p} names your bundle, and when your bundle stops
 * every socket and selector it opened is closed, as a process's are when it exits.
 *
 * <pre>{@code
 * DatagramSocket socket = sockets.openDatagram();          // socket(AF_INET, SOCK_DGRAM, 0)
 * socket.bind(new InetSocketAddress("0.0.0.0", 5353));      // bind(2); port 0 = any free port
 * }</pre>
 *
 * <p><b>1. Blocking</b> (one thread per socket, the simplest): {@code receive} waits for a
 * datagram, as {@code recvfrom(2)} does; set {@code SO_RCVTIMEO} to give up after a while
 * (then EAGAIN, "recvfrom: Resource temporarily unavailable", as on Linux).
 *
 * <pre>{@code
 * ByteBuffer buffer = ByteBuffer.allocateDirect(65507);
 * SocketEndpoint from = new SocketEndpoint();               // reused: nothing allocated per datagram
 * while (true) {
 *     buffer.clear();
 *     int length = socket.receive(buffer, from);            // -1 once shut down for reading
 *     buffer.flip();                                        // a longer datagram was truncated
 *     socket.send(buffer, from.address(), from.port());     // echo it (RFC 862)
 * }
 * }</pre>
 *
 * <p><b>2. Non-blocking with a selector</b> (one thread for thousands of sockets, the Reactor
 * pattern): put the sockets in non-blocking mode, register them, and serve the ones
 * {@code select} returns. Level-triggered keys come back while data waits, so reading one
 * datagram per key per select is enough; edge-triggered keys come back once per arrival, so
 * drain until EAGAIN.
 *
 * <pre>{@code
 * socket.configureBlocking(false);
 * SocketSelector selector = sockets.openSelector();
 * selector.register(socket, SocketSelector.READ, false, handler);
 * while (running) {
 *     List<SocketSelector.Key> ready = selector.select(0);  // reused list: index it, no iterator
 *     for (int i = 0; i < ready.size(); i++) {
 *         SocketSelector.Key key = ready.get(i);
 *         ((Handler) key.attachment()).readable((DatagramSocket) key.socket());
 *     }
 * }
 * }</pre>
 *
 * <p><b>3. Asynchronous</b> (callbacks): {@code receiveAsync} returns a
 * {@link java.util.concurrent.CompletionStage} completed with the sender once a datagram has
 * been copied into your buffer. Stages complete in the order you asked for them, on the
 * socket layer's thread {@code strata-socket-async}, never on the stack's receive threads.
 *
 * <p><b>Errors</b> are {@link dev.strata.api.socket.NetSocketException}s named after errno:
 * EAGAIN (nothing to read in non-blocking mode, or SO_RCVTIMEO expired), EBADF (closed),
 * EMSGSIZE (over 65507 bytes), EACCES (broadcast without SO_BROADCAST), ECONNREFUSED (a
 * connected socket's peer answered with ICMP port unreachable; reported once, by the next
 * call), EPROTONOSUPPORT (the UDP bundle is not running: nothing waits, and the socket works
 * again on its old port when UDP is back).
 *
 * <h2>Inside</h2>
 * {@link dev.strata.socket.SocketRegistry} holds every socket and the UDP transport;
 * {@link dev.strata.socket.SocketServiceImpl} is the per-bundle face;
 * {@link dev.strata.socket.UdpSocket} is both the application's socket and UDP's endpoint
 * (received buffers are queued as they are, in a {@link dev.strata.socket.ReceiveQueue}, and
 * copied once into the application's buffer); {@link dev.strata.socket.SocketSelectorImpl}
 * is an epoll-like ready queue. TCP sockets ({@link dev.strata.socket.TcpSocket},
 * {@link dev.strata.socket.TcpListeningSocket}) drive a {@code StreamConnection} of the TCP
 * bundle: TCP never blocks, the socket waits on its callbacks; a listening socket holds the
 * accept queue and listens again when a TCP bundle returns.
 */
package dev.strata.socket;
