package dev.strata.icmp;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.IpProtocolHandler;

/** ICMP's errors go to the transport IPv4 would deliver to: the highest service ranking, then the last bound. */
class ProtocolHandlersTest {

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
        ProtocolHandlers handlers = new ProtocolHandlers();
        IpProtocolHandler tcp = handler();
        IpProtocolHandler standIn = handler();
        IpProtocolHandler successor = handler();
        handlers.bind(tcp, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        handlers.bind(standIn, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP, Constants.SERVICE_RANKING, Integer.MIN_VALUE));
        assertSame(tcp, handlers.get(IpProtocol.TCP), "bound later, ranked lower: TCP keeps its errors");
        handlers.unbind(tcp, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertSame(standIn, handlers.get(IpProtocol.TCP));
        handlers.bind(successor, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertSame(successor, handlers.get(IpProtocol.TCP));
        IpProtocolHandler replacement = handler();
        handlers.bind(replacement, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertSame(replacement, handlers.get(IpProtocol.TCP), "among equal rankings the last bound");
        handlers.unbind(replacement, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        handlers.unbind(successor, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        handlers.unbind(standIn, Map.of(IpProtocol.PROPERTY, IpProtocol.TCP));
        assertNull(handlers.get(IpProtocol.TCP));
    }
}
