/**
 * The socket API: how applications in the framework use the stack, in the styles the BSD
 * socket API and Java users know.
 *
 * <ul>
 * <li><b>Blocking.</b> {@link dev.strata.api.socket.DatagramSocket#send send} and
 * {@link dev.strata.api.socket.DatagramSocket#receive receive} wait (up to
 * {@link dev.strata.api.socket.StrataSocketOptions#SO_RCVTIMEO SO_RCVTIMEO}), as
 * {@code sendto(2)}/{@code recvfrom(2)} do; stream sockets read and write through
 * {@code InputStream}/{@code OutputStream}.</li>
 * <li><b>Non-blocking with readiness.</b> A socket put in non-blocking mode never waits: an
 * operation that would wait throws {@link dev.strata.api.socket.SocketError#EAGAIN EAGAIN}.
 * A {@link dev.strata.api.socket.SocketSelector} tells one thread which of thousands of
 * sockets are ready, level-triggered (like {@code poll(2)}) or edge-triggered (like
 * {@code epoll(7)} with {@code EPOLLET}): the Reactor pattern.</li>
 * <li><b>Asynchronous.</b> {@code receiveAsync}/{@code sendAsync} return a
 * {@link java.util.concurrent.CompletionStage} completed when the operation is done.</li>
 * </ul>
 *
 * <p>Every socket is opened through the {@link dev.strata.api.socket.SocketService} and
 * belongs to the socket layer, not to a protocol bundle: it survives UDP (or TCP) being
 * stopped and started. In between, operations fail at once with
 * {@link dev.strata.api.socket.SocketError#EPROTONOSUPPORT EPROTONOSUPPORT}; afterwards the
 * socket works again with its old binding. Failures are
 * {@link dev.strata.api.socket.NetSocketException}s named after the errno a C programmer
 * would see.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.strata.api.socket;
