package dev.strata.api.ipv4;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;


/** IPv4 delivers (and ICMP reports errors) to the highest service ranking, then the last bound. */
class IpProtocolHandlersTest {

    /** A distinct handler each time (a lambda without captures would be one shared instance). */
    private static IpProtocolHandler handler() {
        return new IpProtocolHandler() {
            @Override
            public void receive(dev.strata.api.buffer.PacketBuffer packet) {
                packet.release();
            }
        };
    }

    @Test
    void aLowRankedStandInNeverTakesTheErrorsOfTheTransportItStandsInFor() {
        IpProtocolHandlers handlers = new IpProtocolHandlers();
        IpProtocolHandler tcp = handler();
        IpProtocolHandler standIn = handler();
        IpProtocolHandler successor = handler();
        handlers.bind(tcp, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        handlers.bind(standIn, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP, "service.ranking", Integer.MIN_VALUE));
        assertSame(tcp, handlers.get(IpProtocol.TCP), "bound later, ranked lower: TCP keeps its errors");
        handlers.unbind(tcp);
        assertSame(standIn, handlers.get(IpProtocol.TCP));
        handlers.bind(successor, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertSame(successor, handlers.get(IpProtocol.TCP));
        IpProtocolHandler replacement = handler();
        handlers.bind(replacement, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertSame(replacement, handlers.get(IpProtocol.TCP), "among equal rankings the last bound");
        handlers.unbind(replacement);
        handlers.unbind(successor);
        handlers.unbind(standIn);
        assertNull(handlers.get(IpProtocol.TCP));
        assertFalse(handlers.bind(handler(), Map.of()), "no protocol property: not bound");
        assertFalse(handlers.bind(handler(), Map.of(IpProtocol.PROPERTY, 256)), "not a protocol number");
    }
}
