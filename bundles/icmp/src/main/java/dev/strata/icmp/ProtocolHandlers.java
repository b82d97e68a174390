package dev.strata.icmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;
import dev.strata.api.service.ServiceProperties;

/**
 * The transports ICMP delivers errors to (RFC 1122 3.2.2.1), by protocol number: an array
 * of 256 for the receive path, rebuilt under a lock as services come and go. When two
 * handlers claim one protocol, the one of the highest service ranking serves (the last bound among
 * equals), as IPv4 chooses (Ipv4Layer), and another takes over if it goes: the socket layer's
 * lowest-ranked stand-in for TCP never takes TCP's errors while TCP runs.
 */
final class ProtocolHandlers {

    private final AtomicReferenceArray<IpProtocolHandler> byProtocol = new AtomicReferenceArray<>(256);
    private final List<Binding> bindings = new ArrayList<>();

    private record Binding(int protocol, IpProtocolHandler handler, int ranking, long order) {
    }

    private long bound;

    IpProtocolHandler get(int protocol) {
        return byProtocol.get(protocol & 0xff);
    }

    void bind(IpProtocolHandler handler, Map<String, ?> properties) {
        int protocol = protocolOf(properties);
        if (protocol < 0) {
            return;
        }
        Object ranking = properties.get(org.osgi.framework.Constants.SERVICE_RANKING);
        synchronized (bindings) {
            bindings.add(new Binding(protocol, handler, ranking instanceof Integer r ? r : 0, bound++));
            byProtocol.set(protocol, best(protocol));
        }
    }

    void unbind(IpProtocolHandler handler, Map<String, ?> properties) {
        synchronized (bindings) {
            bindings.removeIf(b -> b.handler == handler);
            for (int p = 0; p < 256; p++) {
                if (byProtocol.get(p) == handler) {
                    byProtocol.set(p, best(p));
                }
            }
        }
    }

    /** Of the handlers bound for {@code protocol}: the highest ranking, then the last bound; null when none. */
    private IpProtocolHandler best(int protocol) {
        Binding best = null;
        for (Binding b : bindings) {
            if (b.protocol == protocol && (best == null || b.ranking > best.ranking
                    || b.ranking == best.ranking && b.order > best.order)) {
                best = b;
            }
        }
        return best == null ? null : best.handler;
    }

    /** The {@value IpProtocol#PROPERTY} property as 0 to 255, or -1 when missing or malformed. */
    static int protocolOf(Map<String, ?> properties) {
        return ServiceProperties.intInRange(properties, IpProtocol.PROPERTY, 255);
    }
}
