package dev.strata.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.LinkProvider;
import dev.strata.api.time.ManualScheduler;

class ConfiguredInterfaceTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InterfaceRegistry registry = new InterfaceRegistry(new InterfaceRegistry.Config() {
        @Override
        public boolean loopback() {
            return false;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return InterfaceRegistry.Config.class;
        }
    });

    @Test
    void anInterfaceWhoseDriverArrivesLaterComesUpWhenItDoes() throws IOException {
        registry.activate();
        ConfiguredInterface configured = new ConfiguredInterface(registry, scheduler, config("strata0", "198.18.0.2/24", "ns1"));
        assertNull(registry.byName("strata0"));

        AtomicInteger opens = new AtomicInteger();
        registry.bindLinkProvider(request -> {
            opens.incrementAndGet();
            return new FakeLink(request, false);
        }, Map.of(LinkProvider.TYPE_PROPERTY, "tap"));
        scheduler.advance(1, TimeUnit.SECONDS);

        assertNotNull(registry.byName("strata0"));
        assertEquals(Ipv4Address.parse("198.18.0.2"), registry.byName("strata0").ipv4Address());
        assertEquals(1, opens.get());
        assertEquals(0, scheduler.pending());

        configured.deactivate();
        assertNull(registry.byName("strata0"));
    }

    @Test
    void removingTheFileStopsTheRetries() {
        registry.activate();
        ConfiguredInterface configured = new ConfiguredInterface(registry, scheduler, config("strata0", "198.18.0.2/24", ""));
        scheduler.advance(10, TimeUnit.SECONDS);
        configured.deactivate();
        scheduler.advance(10, TimeUnit.SECONDS);
        assertEquals(0, scheduler.pending());
        assertNull(registry.byName("strata0"));
    }

    @Test
    void aBadAddressIsReportedAndNotRetried() {
        registry.activate();
        new ConfiguredInterface(registry, scheduler, config("strata0", "198.18.0/24", ""));
        assertEquals(0, scheduler.pending());
    }

    private static ConfiguredInterface.Config config(String name, String address, String netns) {
        return new ConfiguredInterface.Config() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public int mtu() {
                return 0;
            }

            @Override
            public String hw() {
                return "";
            }

            @Override
            public String netns() {
                return netns;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ConfiguredInterface.Config.class;
            }
        };
    }
}
