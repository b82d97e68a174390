package dev.strata.socket;

import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.SocketSelector;

/** One socket's registration with one selector. */
final class SelectorKey implements SocketSelector.Key {

    private final SocketSelectorImpl selector;
    private final StrataSocket socket;
    private volatile int interest;
    private volatile boolean edgeTriggered;
    private volatile Object attachment;
    private volatile boolean valid = true;
    /** Guarded by the selector: whether the key waits in the selector's ready queue. */
    boolean queued;
    /** Written by the selecting thread only. */
    private int ready;

    SelectorKey(SocketSelectorImpl selector, StrataSocket socket, int interest, boolean edgeTriggered, Object attachment) {
        this.selector = selector;
        this.socket = socket;
        this.interest = interest;
        this.edgeTriggered = edgeTriggered;
        this.attachment = attachment;
    }

    void update(int newInterest, boolean newEdgeTriggered, Object newAttachment) {
        interest = newInterest;
        edgeTriggered = newEdgeTriggered;
        attachment = newAttachment;
        signal();
    }

    SocketSelectorImpl selector() {
        return selector;
    }

    StrataSocket selectable() {
        return socket;
    }

    boolean edgeTriggered() {
        return edgeTriggered;
    }

    void ready(int ops) {
        ready = ops;
    }

    /** The socket's readiness may have changed: queue the key for the next select. */
    void signal() {
        if (valid) {
            selector.enqueue(this);
        }
    }

    @Override
    public NetSocket socket() {
        return socket;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public int interest() {
        return interest;
    }

    @Override
    public void interest(int ops) {
        interest = ops;
        signal();
    }

    @Override
    public int ready() {
        return ready;
    }

    @Override
    public void cancel() {
        if (valid) {
            valid = false;
            socket.keys().remove(this);
            selector.forget(this);
        }
    }

    @Override
    public boolean isValid() {
        return valid;
    }
}
