package dev.strata.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.LinkProvider;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceListener;
import dev.strata.api.netif.NetworkInterface;

class InterfaceRegistryTest {

    private static final int STACK = Ipv4Address.parse("198.18.0.2");

    private final BufferPool pool = new BufferPool();
    private final List<FakeLink> opened = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<PacketBuffer> delivered = new ArrayList<>();
    private InterfaceRegistry registry;

    private final LinkProvider tap = request -> {
        FakeLink link = new FakeLink(request, false);
        opened.add(link);
        return link;
    };
    private final LinkProvider loopback = request -> {
        FakeLink link = new FakeLink(request, true);
        opened.add(link);
        return link;
    };
    private final InterfaceListener listener = new InterfaceListener() {
        @Override
        public void interfaceUp(NetworkInterface nif) {
            events.add("up " + nif.name() + " " + Ipv4Address.format(nif.ipv4Address()) + "/" + nif.prefixLength());
        }

        @Override
        public void interfaceDown(NetworkInterface nif) {
            events.add("down " + nif.name());
        }
    };

    @BeforeEach
    void start() {
        registry = new InterfaceRegistry(config(true));
        registry.activate();
        registry.bindLinkProvider(tap, Map.of(LinkProvider.TYPE_PROPERTY, "tap"));
    }

    @AfterEach
    void noLeakedBuffers() {
        delivered.forEach(PacketBuffer::release);
        assertEquals(0, pool.outstanding());
    }

    @Test
    void bringsUpLoopbackWhenTheLoopbackDriverArrives() {
        registry.bindLinkProvider(loopback, Map.of(LinkProvider.TYPE_PROPERTY, "loopback"));

        NetworkInterface lo = registry.byName("lo");
        assertNotNull(lo);
        assertEquals(Ipv4Address.LOOPBACK, lo.ipv4Address());
        assertEquals(8, lo.prefixLength());
        assertTrue(lo.isUp());
        assertSame(lo, registry.byAddress(Ipv4Address.LOOPBACK));
    }

    @Test
    void leavesLoopbackDownWhenConfiguredSo() {
        InterfaceRegistry quiet = new InterfaceRegistry(config(false));
        quiet.activate();
        quiet.bindLinkProvider(loopback, Map.of(LinkProvider.TYPE_PROPERTY, "loopback"));
        assertNull(quiet.byName("lo"));
    }

    @Test
    void configureOpensTheLinkAssignsTheAddressAndTellsListeners() throws IOException {
        registry.bindListener(listener);
        NetworkInterface nif = registry.configure(new InterfaceConfig("strata0", STACK, 24, 9000, -1, "ns1"));

        assertEquals(1, opened.size());
        assertEquals(new LinkRequest("strata0", 9000, -1, "ns1"), opened.get(0).request);
        assertEquals(STACK, nif.ipv4Address());
        assertEquals(Ipv4Address.parse("198.18.0.255"), nif.broadcastAddress());
        assertTrue(nif.onLink(Ipv4Address.parse("198.18.0.1")));
        assertFalse(nif.onLink(Ipv4Address.parse("198.18.1.1")));
        assertEquals(List.of("up strata0 198.18.0.2/24"), events);
    }

    @Test
    void aLateListenerHearsOfInterfacesAlreadyUp() throws IOException {
        registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        registry.bindListener(listener);
        assertEquals(List.of("up strata0 198.18.0.2/24"), events);
    }

    @Test
    void changingTheAddressKeepsTheLinkAndReannounces() throws IOException {
        registry.bindListener(listener);
        NetworkInterface first = registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        NetworkInterface second = registry.configure(new InterfaceConfig("strata0", Ipv4Address.parse("198.18.0.3"), 24, 0, -1, null));

        assertSame(first, second);
        assertEquals(1, opened.size());
        assertEquals(List.of("up strata0 198.18.0.2/24", "down strata0", "up strata0 198.18.0.3/24"), events);
    }

    @Test
    void downReleasesTheLinkAndForgetsTheInterface() throws IOException {
        registry.bindListener(listener);
        registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));

        assertTrue(registry.down("strata0"));

        assertFalse(opened.get(0).open);
        assertNull(opened.get(0).receiver);
        assertNull(registry.byName("strata0"));
        assertNull(registry.byAddress(STACK));
        assertFalse(registry.down("strata0"));
        assertEquals(List.of("up strata0 198.18.0.2/24", "down strata0"), events);
    }

    @Test
    void aFailingDriverLeavesNothingHalfApplied() {
        registry.bindLinkProvider(request -> {
            throw new IOException("cannot open TAP device strata0: permission denied (needs CAP_NET_ADMIN)");
        }, Map.of(LinkProvider.TYPE_PROPERTY, "tap"));
        registry.bindListener(listener);

        IOException failure = assertThrows(IOException.class,
                () -> registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null)));

        assertTrue(failure.getMessage().contains("CAP_NET_ADMIN"));
        assertTrue(registry.interfaces().isEmpty());
        assertTrue(events.isEmpty());
    }

    @Test
    void withoutADriverConfigureSaysWhichIsMissing() {
        registry.unbindLinkProvider(tap, Map.of(LinkProvider.TYPE_PROPERTY, "tap"));
        IOException failure = assertThrows(IOException.class,
                () -> registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null)));
        assertEquals("cannot open strata0: no tap link driver is running", failure.getMessage());
    }

    @Test
    void framesAreStampedWithTheirInterfaceAndHandedToTheLinkLayer() throws IOException {
        registry.bindLinkLayer(delivered::add);
        NetworkInterface nif = registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));

        opened.get(0).inject(pool.allocate());

        assertEquals(1, delivered.size());
        assertSame(nif, delivered.get(0).inputInterface());
    }

    @Test
    void framesWithoutALinkLayerAreCountedAsDroppedAndReleased() throws IOException {
        registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));

        opened.get(0).inject(pool.allocate());

        assertEquals(1, opened.get(0).statistics.rxDropped());
        assertEquals(0, pool.outstanding());
    }

    @Test
    void aTapSeesFramesBothWaysAndCostsTheFrameNothing() throws IOException {
        registry.bindLinkLayer(delivered::add);
        NetworkInterface nif = registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        List<String> seen = new ArrayList<>();
        assertTrue(registry.setTap("strata0", (tapped, frame, outbound, nanos) -> {
            seen.add((outbound ? "out " : "in ") + tapped.name() + " " + frame.length());
            assertTrue(nanos > 1_700_000_000_000_000_000L, "wall-clock nanoseconds");
        }));
        assertFalse(registry.setTap("nosuch0", null));

        PacketBuffer in = pool.allocate();
        in.append(60);
        opened.get(0).inject(in);
        PacketBuffer out = pool.allocate();
        out.append(42);
        assertTrue(nif.transmit(out));

        assertEquals(List.of("in strata0 60", "out strata0 42"), seen);
        assertEquals(1, delivered.size());
        assertEquals(1, opened.get(0).sent.size());

        registry.setTap(null, null);
        PacketBuffer after = pool.allocate();
        after.append(10);
        nif.transmit(after);
        assertEquals(2, seen.size());
    }

    @Test
    void aFailingTapDoesNotCostTheFrame() throws IOException {
        NetworkInterface nif = registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        registry.setTap(null, (tapped, frame, outbound, nanos) -> {
            throw new IllegalStateException("disk full");
        });
        PacketBuffer out = pool.allocate();
        out.append(42);
        assertTrue(nif.transmit(out));
        assertEquals(1, opened.get(0).sent.size());
    }

    @Test
    void stoppingADriverTakesItsInterfacesDown() throws IOException {
        registry.bindLinkProvider(loopback, Map.of(LinkProvider.TYPE_PROPERTY, "loopback"));
        registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        registry.bindListener(listener);
        events.clear();

        registry.unbindLinkProvider(tap, Map.of(LinkProvider.TYPE_PROPERTY, "tap"));

        assertNull(registry.byName("strata0"));
        assertNotNull(registry.byName("lo"));
        assertEquals(List.of("down strata0"), events);
    }

    @Test
    void indexesAreSmallAndReused() throws IOException {
        registry.bindLinkProvider(loopback, Map.of(LinkProvider.TYPE_PROPERTY, "loopback"));
        NetworkInterface a = registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        assertEquals(2, a.index());
        registry.down("strata0");
        NetworkInterface b = registry.configure(new InterfaceConfig("strata1", STACK, 24, 0, -1, null));
        assertEquals(2, b.index());
        assertEquals(List.of("lo", "strata1"), registry.interfaces().stream().map(NetworkInterface::name).toList());
    }

    @Test
    void deactivationTakesEveryInterfaceDown() throws IOException {
        registry.configure(new InterfaceConfig("strata0", STACK, 24, 0, -1, null));
        registry.deactivate();
        assertFalse(opened.get(0).open);
        assertTrue(registry.interfaces().isEmpty());
    }

    private static InterfaceRegistry.Config config(boolean loopback) {
        return new InterfaceRegistry.Config() {
            @Override
            public boolean loopback() {
                return loopback;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return InterfaceRegistry.Config.class;
            }
        };
    }
}
