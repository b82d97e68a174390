package dev.strata.api.netif;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener for interfaces coming up and going down: IPv4 keeps its connected
 * routes with it, ARP announces the address (gratuitous ARP) and flushes its cache.
 * Called synchronously by the {@link InterfaceManager}; must not block.
 */
@ConsumerType
public interface InterfaceListener {

    /** The interface is up with its (possibly new) address. */
    void interfaceUp(NetworkInterface networkInterface);

    /** The interface is going down; its link is still open during the call. */
    void interfaceDown(NetworkInterface networkInterface);
}
