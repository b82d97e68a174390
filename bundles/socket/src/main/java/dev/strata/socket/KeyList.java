package dev.strata.socket;

import java.util.Arrays;

/**
 * The selector keys of one socket: a copy-on-write array, so the receive thread signals
 * them without a lock or an iterator.
 */
final class KeyList {

    private static final SelectorKey[] NONE = new SelectorKey[0];

    private volatile SelectorKey[] keys = NONE;

    synchronized void add(SelectorKey key) {
        SelectorKey[] grown = Arrays.copyOf(keys, keys.length + 1);
        grown[grown.length - 1] = key;
        keys = grown;
    }

    synchronized void remove(SelectorKey key) {
        SelectorKey[] current = keys;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == key) {
                SelectorKey[] shrunk = Arrays.copyOf(current, current.length - 1);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                keys = shrunk;
                return;
            }
        }
    }

    /** The key of {@code selector}, or null. */
    SelectorKey of(SocketSelectorImpl selector) {
        for (SelectorKey key : keys) {
            if (key.selector() == selector) {
                return key;
            }
        }
        return null;
    }

    /** Tells every selector watching the socket that its readiness may have changed. */
    void signal() {
        SelectorKey[] current = keys;
        for (int i = 0; i < current.length; i++) {
            current[i].signal();
        }
    }

    /** Cancels every key (the socket is closing). */
    void cancelAll() {
        for (SelectorKey key : keys) {
            key.cancel();
        }
    }
}
