package dev.strata.api.ipv4;

/**
 * IPv4 addresses held in an int (network order: the first octet in the top bits), so the
 * packet path never allocates an address object. Parsing and formatting for the shell.
 */
public final class Ipv4Address {

    public static final int ANY = 0;
    public static final int BROADCAST = 0xffff_ffff;
    public static final int LOOPBACK = 0x7f00_0001;

    private Ipv4Address() {
    }

    /** Parses dotted-quad text ({@code 198.18.0.2}); throws IllegalArgumentException on anything else. */
    public static int parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    /** Parses {@code ADDR/PREFIX}; returns {address, prefix}. A bare address gets /32. */
    public static int[] parseCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new int[] {parse(text), 32};
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + text, e);
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0 to 32: " + text);
        }
        return new int[] {parse(text.substring(0, slash)), prefix};
    }

    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    /** The netmask of a prefix length: /24 is 0xffffff00. */
    public static int netmask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** 224.0.0.0/4 (RFC 5771). */
    public static boolean isMulticast(int address) {
        return (address >>> 28) == 0xe;
    }

    /** 127.0.0.0/8 (RFC 1122 3.2.1.3). */
    public static boolean isLoopback(int address) {
        return (address >>> 24) == 127;
    }
}
