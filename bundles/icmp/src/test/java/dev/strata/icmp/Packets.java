package dev.strata.icmp;

import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;

/**
 * The golden bytes captured from Linux for the ICMP tests, and a fake interface; the packet
 * builders are shared in {@link dev.strata.testsupport.TestPackets}.
 */
final class Packets {

    /*
     * Golden bytes, captured from Linux 6.x here as root:
     *   ip netns add icmp-cap-a; ip netns add icmp-cap-b
     *   ip link add icmpva netns icmp-cap-a type veth peer name icmpvb netns icmp-cap-b
     *   ip -n icmp-cap-a addr add 198.18.77.1/24 dev icmpva; ip -n icmp-cap-b addr add 198.18.77.2/24 dev icmpvb
     *   ip -n icmp-cap-a link set icmpva up; ip -n icmp-cap-b link set icmpvb up
     *   ip netns exec icmp-cap-a tcpdump -n -xx -c 2 -i icmpva icmp &
     *   ip netns exec icmp-cap-a ping -c1 198.18.77.2          (iputils ping, 56 data bytes)
     *   ip netns del icmp-cap-a; ip netns del icmp-cap-b
     * The Ethernet header (14 bytes) is cut off; what follows is the IPv4 datagram.
     */

    /** iputils' echo request 198.18.77.1 -> 198.18.77.2, id 0x14cf, seq 1, 16-byte timeval then 0x10, 0x11, ... */
    static final String LINUX_ECHO_REQUEST = ""
            + "4500 0054 a920 4000 4001 6b60 c612 4d01 c612 4d02"
            + "0800 5519 14cf 0001 135f 076b 0000 0000 a779 0d00 0000 0000 1011 1213 1415"
            + "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

    /** The ICMP part of the reply Linux (198.18.77.2) sent to it. */
    static final String LINUX_ECHO_REPLY_ICMP = ""
            + "0000 5d19 14cf 0001 135f 076b 0000 0000 a779 0d00 0000 0000 1011 1213 1415"
            + "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

    /*
     * Same namespaces, then:
     *   ip netns exec icmp-cap-a tcpdump -n -xx -c 2 -i icmpva udp or icmp &
     *   ip netns exec icmp-cap-a bash -c 'exec 3>/dev/udp/198.18.77.2/33434; printf strata >&3'
     * Nothing listens on 198.18.77.2 port 33434, so Linux answers port unreachable.
     */

    /** A UDP datagram 198.18.77.1:38936 -> 198.18.77.2:33434 carrying "strata". */
    static final String LINUX_UDP_DATAGRAM = ""
            + "4500 0022 3e8e 4000 4011 d614 c612 4d01 c612 4d02"
            + "9818 829a 000e 2648 7374 7261 7461";

    /** Linux's port unreachable about it: TOS 0xc0, no DF, the whole datagram quoted. */
    static final String LINUX_PORT_UNREACHABLE = ""
            + "45c0 003e 2caa 0000 4001 272d c612 4d02 c612 4d01"
            + "0303 61bc 0000 0000"
            + "4500 0022 3e8e 4000 4011 d614 c612 4d01 c612 4d02"
            + "9818 829a 000e 2648 7374 7261 7461";

    static final int LINUX_PINGER = Ipv4Address.parse("198.18.77.1");
    static final int LINUX_HOST = Ipv4Address.parse("198.18.77.2");

    private Packets() {
    }

    /** An interface with an address; only what ICMP reads. */
    static NetworkInterface iface(String cidr) {
        int[] parsed = Ipv4Address.parseCidr(cidr);
        return new NetworkInterface() {
            @Override
            public int index() {
                return 2;
            }

            @Override
            public String name() {
                return "strata0";
            }

            @Override
            public Link link() {
                return null;
            }

            @Override
            public int ipv4Address() {
                return parsed[0];
            }

            @Override
            public int prefixLength() {
                return parsed[1];
            }

            @Override
            public boolean isUp() {
                return true;
            }
        };
    }
}
