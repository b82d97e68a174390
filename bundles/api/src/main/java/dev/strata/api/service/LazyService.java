package dev.strata.api.service;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A dynamic service held by its {@link ServiceReference} and fetched on first use.
 *
 * <p>Why: layers use each other in both directions (IPv4 hands datagrams to ICMP, ICMP sends
 * through IPv4; Ethernet hands frames to ARP, ARP sends through Ethernet). If a component
 * fetched its peer's service while being bound — as Declarative Services does for a
 * reference of the service type — activating one would activate the other in the middle of
 * its own activation, and SCR breaks such a cycle by leaving one reference unbound for
 * good. Binding the {@code ServiceReference} instead (DS does not fetch the service for
 * that) and fetching it on the first packet, when both are long active, removes the cycle.
 *
 * <p>Use from a DS component:
 * <pre>{@code
 * @Reference(service = EthernetOutput.class, cardinality = OPTIONAL, policy = DYNAMIC, policyOption = GREEDY)
 * void bindEthernet(ServiceReference<EthernetOutput> reference) { ethernet.bind(reference); }
 * void unbindEthernet(ServiceReference<EthernetOutput> reference) { ethernet.unbind(reference); }
 * }</pre>
 * and {@link #get()} on the packet path: a volatile read once resolved.
 *
 * @param <T> the service type
 */
public final class LazyService<T> {

    private final BundleContext context;
    private volatile ServiceReference<T> reference;
    private volatile T service;
    private volatile T fixed;

    /** @param context the bundle context services are fetched with (the component's) */
    public LazyService(BundleContext context) {
        this.context = context;
    }

    /** A holder of a plain object, for tests and for embedding without OSGi. */
    public static <T> LazyService<T> of(T service) {
        LazyService<T> holder = new LazyService<>(null);
        holder.fixed = service;
        return holder;
    }

    /** Binds {@code newReference}, replacing (and releasing) the one bound before. */
    public synchronized void bind(ServiceReference<T> newReference) {
        release();
        reference = newReference;
    }

    /** Unbinds {@code oldReference} if it is the one bound (a greedy rebind may have replaced it already). */
    public synchronized void unbind(ServiceReference<T> oldReference) {
        if (oldReference.equals(reference)) {
            release();
            reference = null;
        }
    }

    /** Sets or clears the plain object of a holder made by {@link #of}. */
    public void set(T service) {
        fixed = service;
    }

    /** The service, fetched on first use; null while none is bound or if it cannot be had. */
    public T get() {
        T current = fixed;
        if (current != null) {
            return current;
        }
        current = service;
        if (current != null || reference == null) {
            return current;
        }
        return fetch();
    }

    private synchronized T fetch() {
        if (service == null && reference != null && context != null) {
            try {
                service = context.getService(reference);
            } catch (IllegalStateException | IllegalArgumentException stale) {
                return null; // our bundle is stopping, or the service went away meanwhile
            }
        }
        return service;
    }

    private void release() {
        if (service != null && reference != null && context != null) {
            service = null;
            try {
                context.ungetService(reference);
            } catch (IllegalStateException | IllegalArgumentException stale) {
                // already gone with its bundle
            }
        }
        service = null;
    }
}
