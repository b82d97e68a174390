package dev.strata.api.ether;

import java.util.concurrent.ThreadLocalRandom;

/** 48-bit hardware addresses held in the low bits of a long: parsing, formatting, kinds. */
public final class MacAddress {

    private MacAddress() {
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes). */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            try {
                value = (value << 8) | Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: " + text, e);
            }
        }
        return value;
    }

    /** Formats as {@code aa:bb:cc:dd:ee:ff}, as iproute2 does. */
    public static String format(long mac) {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xff;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }

    /** True for group (multicast and broadcast) addresses: the I/G bit of the first octet. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return mac == EthernetOutput.BROADCAST;
    }

    /** A random locally administered unicast address (02:xx:xx:xx:xx:xx style). */
    public static long randomLocal() {
        long random = ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL;
        return (random & ~0x0100_0000_0000L) | 0x0200_0000_0000L;
    }
}
