package dev.strata.arp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ether.EtherType;
import dev.strata.api.ether.MacAddress;
import dev.strata.api.ipv4.Ipv4Address;

/**
 * Flyweight over an ARP packet for IPv4 over Ethernet (RFC 826, "Packet format"), read and
 * written in place through static accessors over {@code (buffer, offset)}.
 *
 * <pre>
 *  0       2       4   5   6       8               14      18              24      28
 * +-------+-------+---+---+-------+---------------+-------+---------------+-------+
 * | htype | ptype |hln|pln| oper  | sender MAC    |sndr IP| target MAC    |tgt IP |
 * +-------+-------+---+---+-------+---------------+-------+---------------+-------+
 * </pre>
 */
public final class ArpPacket {

    /** ar$hrd: hardware address space. */
    public static final int HARDWARE_TYPE = 0;
    /** ar$pro: protocol address space (an EtherType). */
    public static final int PROTOCOL_TYPE = 2;
    /** ar$hln: bytes in each hardware address. */
    public static final int HARDWARE_LENGTH = 4;
    /** ar$pln: bytes in each protocol address. */
    public static final int PROTOCOL_LENGTH = 5;
    /** ar$op: opcode. */
    public static final int OPERATION = 6;
    /** ar$sha: sender hardware address. */
    public static final int SENDER_HARDWARE = 8;
    /** ar$spa: sender protocol address. */
    public static final int SENDER_PROTOCOL = 14;
    /** ar$tha: target hardware address. */
    public static final int TARGET_HARDWARE = 18;
    /** ar$tpa: target protocol address. */
    public static final int TARGET_PROTOCOL = 24;
    /** Length of the packet for Ethernet and IPv4. */
    public static final int LENGTH = 28;

    /** ares_hrd$Ethernet (RFC 826; IANA ARP parameters). */
    public static final int HTYPE_ETHERNET = 1;
    public static final int HLEN_ETHERNET = 6;
    public static final int PLEN_IPV4 = 4;
    /** ares_op$REQUEST. */
    public static final int REQUEST = 1;
    /** ares_op$REPLY. */
    public static final int REPLY = 2;

    private ArpPacket() {
    }

    public static int hardwareType(PacketBuffer buffer, int offset) {
        return buffer.getU16(offset + HARDWARE_TYPE);
    }

    public static int protocolType(PacketBuffer buffer, int offset) {
        return buffer.getU16(offset + PROTOCOL_TYPE);
    }

    public static int hardwareLength(PacketBuffer buffer, int offset) {
        return buffer.getU8(offset + HARDWARE_LENGTH);
    }

    public static int protocolLength(PacketBuffer buffer, int offset) {
        return buffer.getU8(offset + PROTOCOL_LENGTH);
    }

    public static int operation(PacketBuffer buffer, int offset) {
        return buffer.getU16(offset + OPERATION);
    }

    public static long senderHardware(PacketBuffer buffer, int offset) {
        return buffer.getU48(offset + SENDER_HARDWARE);
    }

    public static int senderProtocol(PacketBuffer buffer, int offset) {
        return buffer.getI32(offset + SENDER_PROTOCOL);
    }

    public static long targetHardware(PacketBuffer buffer, int offset) {
        return buffer.getU48(offset + TARGET_HARDWARE);
    }

    public static int targetProtocol(PacketBuffer buffer, int offset) {
        return buffer.getI32(offset + TARGET_PROTOCOL);
    }

    /**
     * Checks the packet of {@code length} bytes at {@code offset} field by field and returns
     * the reason to drop it, or null if it is a well-formed Ethernet/IPv4 ARP packet. Trailing
     * bytes (Ethernet padding) are allowed.
     */
    public static ArpCounter check(PacketBuffer buffer, int offset, int length) {
        if (length < LENGTH) {
            return ArpCounter.TooShort;
        }
        if (hardwareType(buffer, offset) != HTYPE_ETHERNET) {
            return ArpCounter.BadHardwareType;
        }
        if (protocolType(buffer, offset) != EtherType.IPV4) {
            return ArpCounter.BadProtocolType;
        }
        if (hardwareLength(buffer, offset) != HLEN_ETHERNET || protocolLength(buffer, offset) != PLEN_IPV4) {
            return ArpCounter.BadLengths;
        }
        int operation = operation(buffer, offset);
        if (operation != REQUEST && operation != REPLY) {
            return ArpCounter.BadOperation;
        }
        long sha = senderHardware(buffer, offset);
        // A group or zero sender MAC would poison the cache (and is how ARP spoofers hide).
        if (sha == 0 || MacAddress.isMulticast(sha)) {
            return ArpCounter.BadSenderAddress;
        }
        int spa = senderProtocol(buffer, offset);
        // RFC 5227 2.1.1: only a probe (a request) may come from 0.0.0.0.
        if ((spa == 0 && operation != REQUEST) || spa == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(spa)) {
            return ArpCounter.BadSenderAddress;
        }
        int tpa = targetProtocol(buffer, offset);
        if (tpa == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(tpa)) {
            return ArpCounter.BadTargetAddress;
        }
        return null;
    }

    /** Writes a whole Ethernet/IPv4 ARP packet at {@code offset}. */
    public static void write(PacketBuffer buffer, int offset, int operation, long sha, int spa, long tha, int tpa) {
        buffer.putU16(offset + HARDWARE_TYPE, HTYPE_ETHERNET);
        buffer.putU16(offset + PROTOCOL_TYPE, EtherType.IPV4);
        buffer.putU8(offset + HARDWARE_LENGTH, HLEN_ETHERNET);
        buffer.putU8(offset + PROTOCOL_LENGTH, PLEN_IPV4);
        buffer.putU16(offset + OPERATION, operation);
        buffer.putU48(offset + SENDER_HARDWARE, sha);
        buffer.putI32(offset + SENDER_PROTOCOL, spa);
        buffer.putU48(offset + TARGET_HARDWARE, tha);
        buffer.putI32(offset + TARGET_PROTOCOL, tpa);
    }
}
