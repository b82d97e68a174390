package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.strata.api.stats.Counters;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.shell.Fakes.Output;

class StatsCommandTest {

    private enum IpCounter { InReceives, InHdrErrors }

    private static StatisticsProvider provider(String protocol, long value) {
        return new StatisticsProvider() {
            @Override
            public String protocol() {
                return protocol;
            }

            @Override
            public Map<String, Long> counters() {
                Map<String, Long> counters = new LinkedHashMap<>();
                counters.put("Packets", value);
                return counters;
            }
        };
    }

    private final StatsCommand command = new StatsCommand();
    private final Output out = new Output();

    @Test
    void printsSectionsUpTheStackThenAlphabetically() {
        Counters<IpCounter> ip = new Counters<>("Ip", IpCounter.class);
        ip.add(IpCounter.InReceives, 123);
        ip.increment(IpCounter.InHdrErrors);
        command.addProvider(provider("Udp", 5));
        command.addProvider(provider("Icmp", 4));
        command.addProvider(ip);
        command.addProvider(provider("Tcp", 6));
        command.addProvider(provider("Arp", 2));
        command.addProvider(provider("Ethernet", 1));
        command.run(out.stream, List.of());
        assertEquals("Ethernet:\n    Packets: 1\n"
                + "Arp:\n    Packets: 2\n"
                + "Ip:\n    InReceives: 123\n    InHdrErrors: 1\n"
                + "Icmp:\n    Packets: 4\n"
                + "Tcp:\n    Packets: 6\n"
                + "Udp:\n    Packets: 5\n", out.text());
    }

    @Test
    void forgetsAProviderThatWentAway() {
        StatisticsProvider icmp = provider("Icmp", 4);
        command.addProvider(icmp);
        command.addProvider(provider("Arp", 2));
        command.removeProvider(icmp);
        command.run(out.stream, List.of());
        assertEquals("Arp:\n    Packets: 2\n", out.text());
    }

    @Test
    void printsOnlyTheNamedSections() {
        command.addProvider(provider("Icmp", 4));
        command.addProvider(provider("Ip", 3));
        command.addProvider(provider("Arp", 2));
        command.run(out.stream, List.of("icmp", "IP"));
        assertEquals("Ip:\n    Packets: 3\nIcmp:\n    Packets: 4\n", out.text());
    }

    @Test
    void failsForAProtocolWithoutCountersBeforePrintingAnything() {
        command.addProvider(provider("Ip", 3));
        assertEquals("stats: no counters for 'tcp' (is its layer running?)",
                assertThrows(CommandException.class, () -> command.run(out.stream, List.of("ip", "tcp"))).getMessage());
        assertEquals("", out.text());
    }
}
