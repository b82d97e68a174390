package dev.strata.shell;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.link.LinkStatistics;
import dev.strata.api.netif.NetworkInterface;

/**
 * Formats an interface as net-tools' {@code ifconfig} (2.10, lib/interface.c
 * {@code ife_print_long}) does, so that scripts written against Linux read it unchanged.
 */
final class IfconfigFormatter {

    /** Linux's interface flags (include/uapi/linux/if.h), shown as {@code flags=4163<...>}. */
    static final int IFF_UP = 0x1;
    static final int IFF_BROADCAST = 0x2;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_MULTICAST = 0x1000;

    /** What Linux gives TAP and loopback devices; the stack has no qdisc, but scripts expect the field. */
    static final int TXQUEUELEN = 1000;

    private static final String INDENT = "        ";

    private IfconfigFormatter() {
    }

    /** The interface's block: its lines, each ending in a newline, and the blank line net-tools prints after it. */
    static String format(NetworkInterface networkInterface) {
        Link link = networkInterface.link();
        boolean loopback = link != null && networkInterface.isLoopback();
        boolean up = networkInterface.isUp();
        int flags = flags(up, loopback);
        StringBuilder text = new StringBuilder(512);
        text.append(networkInterface.name()).append(": flags=").append(flags).append('<').append(flagNames(flags))
                .append(">  mtu ").append(link == null ? 0 : networkInterface.mtu()).append('\n');
        int address = networkInterface.ipv4Address();
        if (address != 0) {
            text.append(INDENT).append("inet ").append(Ipv4Address.format(address))
                    .append("  netmask ").append(Ipv4Address.format(networkInterface.netmask()));
            if ((flags & IFF_BROADCAST) != 0) {
                text.append("  broadcast ").append(Ipv4Address.format(networkInterface.broadcastAddress()));
            }
            text.append('\n');
        }
        if (loopback) {
            text.append(INDENT).append("loop  txqueuelen ").append(TXQUEUELEN).append("  (Local Loopback)\n");
        } else {
            long mac = link == null ? 0 : networkInterface.macAddress();
            text.append(INDENT).append("ether ").append(MacAddress.format(mac))
                    .append("  txqueuelen ").append(TXQUEUELEN).append("  (Ethernet)\n");
        }
        LinkStatistics statistics = link == null ? new LinkStatistics() : networkInterface.statistics();
        text.append(INDENT).append("RX packets ").append(statistics.rxPackets())
                .append("  bytes ").append(statistics.rxBytes()).append(" (").append(humanBytes(statistics.rxBytes())).append(")\n");
        text.append(INDENT).append("RX errors ").append(statistics.rxErrors())
                .append("  dropped ").append(statistics.rxDropped()).append("  overruns 0  frame 0\n");
        text.append(INDENT).append("TX packets ").append(statistics.txPackets())
                .append("  bytes ").append(statistics.txBytes()).append(" (").append(humanBytes(statistics.txBytes())).append(")\n");
        // net-tools really prints one space before "overruns" on this line.
        text.append(INDENT).append("TX errors ").append(statistics.txErrors())
                .append("  dropped ").append(statistics.txDropped()).append(" overruns 0  carrier 0  collisions 0\n");
        text.append('\n');
        return text.toString();
    }

    /** The flags word: a down interface keeps BROADCAST/MULTICAST (or LOOPBACK) and loses UP and RUNNING. */
    static int flags(boolean up, boolean loopback) {
        int flags = loopback ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST;
        if (up) {
            flags |= IFF_UP | IFF_RUNNING;
        }
        return flags;
    }

    /** The names in net-tools' order: UP, BROADCAST, LOOPBACK, RUNNING, MULTICAST. */
    static String flagNames(int flags) {
        StringBuilder names = new StringBuilder();
        appendFlag(names, flags, IFF_UP, "UP");
        appendFlag(names, flags, IFF_BROADCAST, "BROADCAST");
        appendFlag(names, flags, IFF_LOOPBACK, "LOOPBACK");
        appendFlag(names, flags, IFF_RUNNING, "RUNNING");
        appendFlag(names, flags, IFF_MULTICAST, "MULTICAST");
        return names.toString();
    }

    private static void appendFlag(StringBuilder names, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (names.length() > 0) {
                names.append(',');
            }
            names.append(name);
        }
    }

    /**
     * Bytes as net-tools scales them: one decimal, truncated, in B, KiB, MiB, GiB, TiB, PiB,
     * switching unit only when strictly above it (1024 bytes is {@code 1024.0 B}).
     */
    static String humanBytes(long bytes) {
        long tenths = bytes * 10;
        String unit = "B";
        if (bytes > 1L << 50) {
            tenths = bytes / ((1L << 50) / 10);
            unit = "PiB";
        } else if (bytes > 1L << 40) {
            tenths /= 1L << 40;
            unit = "TiB";
        } else if (bytes > 1L << 30) {
            tenths /= 1L << 30;
            unit = "GiB";
        } else if (bytes > 1L << 20) {
            tenths /= 1L << 20;
            unit = "MiB";
        } else if (bytes > 1L << 10) {
            tenths /= 1L << 10;
            unit = "KiB";
        }
        return tenths / 10 + "." + tenths % 10 + " " + unit;
    }
}
