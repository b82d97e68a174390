package dev.strata.shell;

import java.util.List;

import dev.strata.api.ipv4.Ipv4Address;

/**
 * One {@code route} command line, parsed and checked completely before the table is touched.
 * Both spellings are understood: iproute2's ({@code route add NET/PREFIX via GW [dev IF]
 * [metric N]}, {@code default}) and net-tools' ({@code route add -net NET netmask MASK gw GW
 * [[dev] IF]}, {@code -host ADDR}).
 */
record RouteRequest(Kind kind, int destination, int prefixLength, int gateway, String interfaceName, int metric) {

    enum Kind { SHOW, ADD, DELETE }

    static final String USAGE = "Usage: route [-n] | route {add|del} {default | NET/PREFIX | -net NET netmask MASK | -host ADDR}"
            + " [via|gw GW] [dev IF] [metric N]";

    private static final Arguments ARGS = new Arguments("route", USAGE);

    static RouteRequest parse(List<String> words) {
        while (!words.isEmpty() && words.get(0).equals("-n")) {
            words = words.subList(1, words.size());
        }
        if (words.isEmpty()) {
            return new RouteRequest(Kind.SHOW, 0, 0, 0, null, 0);
        }
        String verb = words.get(0);
        Kind kind;
        switch (verb) {
            case "add":
                kind = Kind.ADD;
                break;
            case "del":
            case "delete":
                kind = Kind.DELETE;
                break;
            default:
                if (verb.startsWith("-")) {
                    throw ARGS.error("invalid option -- '" + verb.substring(1) + "'");
                }
                throw ARGS.error("unknown command '" + verb + "' (add or del)");
        }
        if (words.size() < 2) {
            throw ARGS.error(verb + " needs a destination");
        }
        int i = 1;
        String target = words.get(i);
        boolean net = false;
        boolean host = false;
        if (target.equals("-net") || target.equals("-host")) {
            net = target.equals("-net");
            host = !net;
            target = ARGS.valueAfter(words, i);
            i++;
        }
        int destination;
        int prefix;
        boolean prefixGiven;
        if (target.equals("default")) {
            if (host) {
                throw ARGS.error("-host default makes no sense");
            }
            destination = 0;
            prefix = 0;
            prefixGiven = true;
        } else {
            int[] cidr = ARGS.cidr(target, "destination", -1);
            destination = cidr[0];
            prefix = cidr[1];
            prefixGiven = prefix >= 0;
            if (host && prefixGiven && prefix != 32) {
                throw ARGS.error("-host takes an address, not a network: " + target);
            }
        }
        i++;
        int gateway = Ipv4Address.ANY;
        boolean gatewayGiven = false;
        String device = null;
        int metric = 0;
        for (; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "via":
                case "gw":
                    if (gatewayGiven) {
                        throw ARGS.error("more than one gateway");
                    }
                    gateway = ARGS.address(ARGS.valueAfter(words, i), "gateway");
                    gatewayGiven = true;
                    i++;
                    break;
                case "netmask":
                    if (prefixGiven) {
                        throw ARGS.error("netmask given twice (a prefix length or default already says it)");
                    }
                    if (host) {
                        throw ARGS.error("-host takes no netmask");
                    }
                    prefix = ARGS.netmask(ARGS.valueAfter(words, i));
                    prefixGiven = true;
                    i++;
                    break;
                case "dev":
                    if (device != null) {
                        throw ARGS.error("more than one interface");
                    }
                    device = ARGS.valueAfter(words, i);
                    IfconfigRequest.checkName(device);
                    i++;
                    break;
                case "metric":
                    metric = ARGS.integer(ARGS.valueAfter(words, i), 0, Integer.MAX_VALUE);
                    i++;
                    break;
                default:
                    // net-tools: "[[dev] If]" — a bare interface name may close the line.
                    if (i == words.size() - 1 && device == null && !word.startsWith("-") && !Character.isDigit(word.charAt(0))) {
                        IfconfigRequest.checkName(word);
                        device = word;
                        break;
                    }
                    throw ARGS.error("unknown argument '" + word + "'");
            }
        }
        if (!prefixGiven) {
            prefix = 32;
        }
        if ((destination & ~Ipv4Address.netmask(prefix)) != 0) {
            throw ARGS.error("netmask " + Ipv4Address.format(Ipv4Address.netmask(prefix)) + " doesn't match route address "
                    + Ipv4Address.format(destination));
        }
        if (kind == Kind.ADD && !gatewayGiven && device == null) {
            throw ARGS.error("add needs a gateway (via GW) or an interface (dev IF)");
        }
        return new RouteRequest(kind, destination, prefix, gateway, device, metric);
    }

    /** {@code default} or {@code NET/PREFIX}, for messages. */
    String target() {
        return prefixLength == 0 && destination == 0 ? "default" : Ipv4Address.format(destination) + "/" + prefixLength;
    }
}
