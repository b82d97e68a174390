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
 * handlers claim one protocol, the one bound last wins and the other takes over if it goes.
 */
final class ProtocolHandlers {

    private final AtomicReferenceArray<IpProtocolHandler> byProtocol = new AtomicReferenceArray<>(256);
    private final List<Binding> bindings = new ArrayList<>();

    private record Binding(int protocol, IpProtocolHandler handler) {
    }

    IpProtocolHandler get(int protocol) {
        return byProtocol.get(protocol & 0xff);
    }

    void bind(IpProtocolHandler handler, Map<String, ?> properties) {
        int protocol = protocolOf(properties);
        if (protocol < 0) {
            return;
        }
        synchronized (bindings) {
            bindings.add(new Binding(protocol, handler));
            byProtocol.set(protocol, handler);
        }
    }

    void unbind(IpProtocolHandler handler, Map<String, ?> properties) {
        synchronized (bindings) {
            bindings.removeIf(b -> b.handler == handler);
            for (int p = 0; p < 256; p++) {
                if (byProtocol.get(p) == handler) {
                    byProtocol.set(p, latest(p));
                }
            }
        }
    }

    private IpProtocolHandler latest(int protocol) {
        for (int i = bindings.size() - 1; i >= 0; i--) {
            if (bindings.get(i).protocol == protocol) {
                return bindings.get(i).handler;
            }
        }
        return null;
    }

    /** The {@value IpProtocol#PROPERTY} property as 0 to 255, or -1 when missing or malformed. */
    static int protocolOf(Map<String, ?> properties) {
        return ServiceProperties.intInRange(properties, IpProtocol.PROPERTY, 255);
    }
}
