package dev.strata.shell;

import java.util.List;

import dev.strata.api.ether.MacAddress;
import dev.strata.api.link.LinkRequest;

/**
 * One {@code ifconfig} command line, parsed and checked completely before anything is
 * applied: show all, show one, configure (address and options, then up), or down.
 */
record IfconfigRequest(Kind kind, String name, int address, int prefixLength, boolean addressGiven, int mtu, long macAddress,
        String netns) {

    enum Kind { SHOW_ALL, SHOW, CONFIGURE, DOWN }

    static final String USAGE = "Usage: ifconfig [-a] [NAME] | ifconfig NAME ADDR/PREFIX [netmask MASK] [mtu N] [hw [ether] MAC] [netns NS] [up]"
            + " | ifconfig NAME down";

    /** RFC 791: every host must accept 68-byte datagrams; 65536 is Linux's largest (loopback) MTU. */
    static final int MIN_MTU = 68;
    static final int MAX_MTU = 65536;

    private static final Arguments ARGS = new Arguments("ifconfig", USAGE);

    static IfconfigRequest parse(List<String> words) {
        if (words.isEmpty()) {
            return new IfconfigRequest(Kind.SHOW_ALL, null, 0, 0, false, 0, LinkRequest.ANY_MAC, null);
        }
        String name = words.get(0);
        if (name.startsWith("-")) {
            throw ARGS.error("invalid option -- '" + name.substring(1) + "'");
        }
        checkName(name);
        if (words.size() == 1) {
            return new IfconfigRequest(Kind.SHOW, name, 0, 0, false, 0, LinkRequest.ANY_MAC, null);
        }
        if (words.get(1).equals("down")) {
            if (words.size() > 2) {
                throw ARGS.error("unexpected '" + words.get(2) + "' after down");
            }
            return new IfconfigRequest(Kind.DOWN, name, 0, 0, false, 0, LinkRequest.ANY_MAC, null);
        }
        int address = 0;
        int prefix = -1;
        boolean addressGiven = false;
        boolean prefixGiven = false;
        int mtu = 0;
        long mac = LinkRequest.ANY_MAC;
        String netns = null;
        boolean upSeen = false;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (upSeen) {
                throw ARGS.error("unexpected '" + word + "' after up");
            }
            switch (word) {
                case "up":
                    upSeen = true;
                    break;
                case "down":
                    throw ARGS.error("'down' takes no other arguments: ifconfig " + name + " down");
                case "mtu":
                    mtu = mtu(ARGS.valueAfter(words, i));
                    i++;
                    break;
                case "netmask":
                    prefix = ARGS.netmask(ARGS.valueAfter(words, i));
                    prefixGiven = true;
                    i++;
                    break;
                case "hw": {
                    String value = ARGS.valueAfter(words, i);
                    i++;
                    if (value.equals("ether")) {
                        value = ARGS.valueAfter(words, i);
                        i++;
                    } else if (!value.contains(":") && !value.contains("-")) {
                        throw ARGS.error("hardware class '" + value + "' not supported (only ether)");
                    }
                    mac = mac(value);
                    break;
                }
                case "netns":
                    netns = netns(ARGS.valueAfter(words, i));
                    i++;
                    break;
                default:
                    if (addressGiven || !(Character.isDigit(word.charAt(0)))) {
                        throw ARGS.error("unknown argument '" + word + "'");
                    }
                    int[] cidr = ARGS.cidr(word, "address", -1);
                    address = cidr[0];
                    if (cidr[1] >= 0) {
                        if (prefixGiven) {
                            throw ARGS.error("both a prefix length and a netmask given");
                        }
                        prefix = cidr[1];
                        prefixGiven = true;
                    }
                    addressGiven = true;
            }
        }
        if (!addressGiven && (mtu != 0 || mac != LinkRequest.ANY_MAC || netns != null || prefixGiven)) {
            throw ARGS.error("an address is needed: ifconfig " + name + " ADDR/PREFIX ... up");
        }
        if (addressGiven && !prefixGiven) {
            // net-tools: an address without netmask gets its classful mask (RFC 791 classes).
            prefix = classfulPrefix(address);
        }
        return new IfconfigRequest(Kind.CONFIGURE, name, address, Math.max(prefix, 0), addressGiven, mtu, mac, netns);
    }

    /** Linux's dev_valid_name: 1 to 15 characters, not {@code .} or {@code ..}, no {@code /}, {@code :} or white space. */
    static void checkName(String name) {
        if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20)) {
            throw ARGS.error("bad interface name '" + name + "' (1 to 15 characters, no '/', ':' or blanks)");
        }
    }

    private static int mtu(String text) {
        try {
            int mtu = Integer.parseInt(text);
            if (mtu >= MIN_MTU && mtu <= MAX_MTU) {
                return mtu;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ARGS.error("bad mtu '" + text + "' (" + MIN_MTU + " to " + MAX_MTU + ")");
    }

    private static long mac(String text) {
        long mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw ARGS.error("bad hardware address '" + text + "'");
        }
        if (MacAddress.isMulticast(mac) || mac == 0) {
            throw ARGS.error("hardware address '" + text + "' is not a unicast address");
        }
        return mac;
    }

    /** A name under /var/run/netns: a plain file name, never a path. */
    private static String netns(String text) {
        if (text.isEmpty() || text.length() > 255 || text.equals(".") || text.equals("..")
                || text.chars().anyMatch(c -> c == '/' || c == 0 || Character.isWhitespace(c))) {
            throw ARGS.error("bad network namespace name '" + text + "'");
        }
        return text;
    }

    /** The classful prefix net-tools gives an address without a netmask: A /8, B /16, C /24, else /32. */
    static int classfulPrefix(int address) {
        int first = address >>> 24;
        if (first < 128) {
            return 8;
        }
        if (first < 192) {
            return 16;
        }
        if (first < 224) {
            return 24;
        }
        return 32;
    }
}
