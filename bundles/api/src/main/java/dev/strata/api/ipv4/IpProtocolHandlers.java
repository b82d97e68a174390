package dev.strata.api.ipv4;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.strata.api.service.ServiceProperties;

/**
 * The {@link IpProtocolHandler} services by protocol number, as IPv4 delivers to them and ICMP
 * reports errors to them: of the handlers bound for a protocol, the one of the highest service
 * ranking ({@code service.ranking}, 0 when absent) serves, the last bound among equals; when it
 * goes, the next takes over at once. A stand-in registered with a low ranking therefore serves
 * only while nothing better is there (the socket layer's, while the TCP bundle is updated).
 *
 * <p>Lookups ({@link #get}, every datagram) read an array without locking; binding and unbinding
 * (rare) take a lock.
 *
 * @since 1.2
 */
public final class IpProtocolHandlers {

    private static final String SERVICE_RANKING = "service.ranking";

    private final AtomicReferenceArray<IpProtocolHandler> chosen = new AtomicReferenceArray<>(256);
    private final List<Binding> bindings = new ArrayList<>();
    private long bound;

    private record Binding(int protocol, IpProtocolHandler handler, int ranking, long order) {
    }

    /** The handler that serves {@code protocol} now, or null. */
    public IpProtocolHandler get(int protocol) {
        return chosen.get(protocol & 0xff);
    }

    /**
     * Binds {@code handler} under its {@value IpProtocol#PROPERTY} property.
     *
     * @return false when the property is missing or not a protocol number (0 to 255)
     */
    public boolean bind(IpProtocolHandler handler, Map<String, ?> properties) {
        int protocol = protocolOf(properties);
        if (protocol < 0) {
            return false;
        }
        Object ranking = properties.get(SERVICE_RANKING);
        synchronized (bindings) {
            bindings.add(new Binding(protocol, handler, ranking instanceof Integer r ? r : 0, bound++));
            chosen.set(protocol, best(protocol));
        }
        return true;
    }

    /** Unbinds every binding of {@code handler}. */
    public void unbind(IpProtocolHandler handler) {
        synchronized (bindings) {
            bindings.removeIf(b -> b.handler() == handler);
            for (int p = 0; p < 256; p++) {
                if (chosen.get(p) == handler) {
                    chosen.set(p, best(p));
                }
            }
        }
    }

    private IpProtocolHandler best(int protocol) {
        Binding best = null;
        for (Binding b : bindings) {
            if (b.protocol() == protocol && (best == null || b.ranking() > best.ranking()
                    || b.ranking() == best.ranking() && b.order() > best.order())) {
                best = b;
            }
        }
        return best == null ? null : best.handler();
    }

    /** The {@value IpProtocol#PROPERTY} property as 0 to 255, or -1 when missing or malformed. */
    public static int protocolOf(Map<String, ?> properties) {
        return ServiceProperties.intInRange(properties, IpProtocol.PROPERTY, 255);
    }
}
