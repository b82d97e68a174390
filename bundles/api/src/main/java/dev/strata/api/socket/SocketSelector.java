package dev.strata.api.socket;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Readiness of many sockets for one thread (the Reactor pattern), like {@code epoll(7)}.
 *
 * <p>Register a socket with the operations it is interested in. {@link #select} waits until
 * at least one registered socket is ready and returns the keys that are:
 * <ul>
 * <li><b>level-triggered</b> (the default): a key is returned by every {@code select} while
 * its condition holds, e.g. while the receive queue is not empty;</li>
 * <li><b>edge-triggered</b>: a key is returned once when its socket becomes ready, and not
 * again until new data (or room) arrives; the reader must drain until EAGAIN.</li>
 * </ul>
 * {@code select} allocates nothing: the returned list is the selector's own, valid until
 * the next call. Only the selecting thread uses the list; {@link #wakeup} may be called from
 * any thread.
 */
@ProviderType
public interface SocketSelector extends AutoCloseable {

    /** Interest and readiness bits. */
    int READ = 1;
    int WRITE = 4;
    int CONNECT = 8;
    int ACCEPT = 16;

    /**
     * Registers {@code socket} (or changes its registration) and returns its key.
     *
     * @param interest a combination of {@link #READ}, {@link #WRITE}, {@link #CONNECT}, {@link #ACCEPT}
     * @param edgeTriggered report readiness once per change instead of while it holds
     * @param attachment any object, given back with the key
     */
    Key register(NetSocket socket, int interest, boolean edgeTriggered, Object attachment);

    /**
     * Waits up to {@code timeoutMillis} (0 forever; negative: do not wait) for readiness and
     * returns the ready keys (empty on timeout or {@link #wakeup}).
     */
    List<Key> select(long timeoutMillis);

    /** Makes a {@link #select} in progress (or the next one) return at once. */
    void wakeup();

    /** Keys currently registered. */
    int size();

    /** Cancels every key; sockets stay open. */
    @Override
    void close();

    /** A socket's registration with a selector. */
    @ProviderType
    interface Key {

        NetSocket socket();

        Object attachment();

        int interest();

        /** Changes the interest set (from any thread). */
        void interest(int ops);

        /** What was ready when this key was returned by {@link SocketSelector#select}. */
        int ready();

        default boolean isReadable() {
            return (ready() & READ) != 0;
        }

        default boolean isWritable() {
            return (ready() & WRITE) != 0;
        }

        default boolean isAcceptable() {
            return (ready() & ACCEPT) != 0;
        }

        default boolean isConnectable() {
            return (ready() & CONNECT) != 0;
        }

        /** Removes the registration; the socket stays open. Closing the socket cancels its keys. */
        void cancel();

        boolean isValid();
    }
}
