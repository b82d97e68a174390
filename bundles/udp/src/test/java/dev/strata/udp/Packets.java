package dev.strata.udp;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.Link;
import dev.strata.api.netif.NetworkInterface;

/**
 * The golden bytes captured from Linux for the UDP tests, payload buffers and a fake interface;
 * the packet builders are shared in {@link dev.strata.testsupport.TestPackets}.
 */
final class Packets {

    /*
     * Golden bytes, captured from Linux 6.18 here as root:
     *   ip netns add udpcap-a; ip netns add udpcap-b
     *   ip link add udpva netns udpcap-a type veth peer name udpvb netns udpcap-b
     *   ip -n udpcap-a addr add 198.18.66.1/24 dev udpva; ip -n udpcap-b addr add 198.18.66.2/24 dev udpvb
     *   ip netns exec udpcap-a ethtool -K udpva tx off   # else veth leaves CHECKSUM_PARTIAL: tcpdump
     *                                                    # shows only the pseudo-header sum
     *   ip -n udpcap-a link set udpva up; ip -n udpcap-b link set udpvb up
     *   ip netns exec udpcap-b socat -u UDP4-RECV:7777 /dev/null &
     *   ip netns exec udpcap-a tcpdump -n -xx -c 2 -i udpva udp &
     *   printf 'hello strata' | ip netns exec udpcap-a socat -u - UDP4-SENDTO:198.18.66.2:7777,sourceport=40001
     *   printf 'odd'          | ip netns exec udpcap-a socat -u - UDP4-SENDTO:198.18.66.2:7777,sourceport=40001
     *   ip netns del udpcap-a; ip netns del udpcap-b
     * The Ethernet header (14 bytes) is cut off; what follows is the IPv4 datagram. Both
     * checksums were checked independently (one's complement sum over pseudo-header and
     * datagram is 0xffff).
     */

    /** 198.18.66.1:40001 -> 198.18.66.2:7777 carrying "hello strata" (12 bytes), checksum 0x96d1. */
    static final String LINUX_HELLO = ""
            + "4500 0028 113d 4000 4011 1960 c612 4201 c612 4202"
            + "9c41 1e61 0014 96d1 6865 6c6c 6f20 7374 7261 7461";

    /** The same socket sending "odd" (3 bytes: the checksum pads the odd byte with zero), checksum 0x61a8. */
    static final String LINUX_ODD = ""
            + "4500 001f 113e 4000 4011 1968 c612 4201 c612 4202"
            + "9c41 1e61 000b 61a8 6f64 64";

    static final int LINUX_SENDER = Ipv4Address.parse("198.18.66.1");
    static final int LINUX_RECEIVER = Ipv4Address.parse("198.18.66.2");
    static final int SENDER_PORT = 40001;
    static final int RECEIVER_PORT = 7777;

    private Packets() {
    }

    /** A payload buffer as the socket layer builds it: the data after the pool's headroom. */
    static PacketBuffer payload(BufferPool pool, byte[] data) {
        PacketBuffer buffer = pool.allocate(data.length);
        int at = buffer.append(data.length);
        buffer.putBytes(at, data, 0, data.length);
        return buffer;
    }

    /** An interface that is up with an address; only what UDP reads. */
    static FakeInterface iface(String cidr) {
        return new FakeInterface(cidr);
    }

    /** A mutable fake interface. */
    static final class FakeInterface implements NetworkInterface {
        int address;
        int prefix;
        boolean up = true;

        FakeInterface(String cidr) {
            int[] parsed = Ipv4Address.parseCidr(cidr);
            address = parsed[0];
            prefix = parsed[1];
        }

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
            return address;
        }

        @Override
        public int prefixLength() {
            return prefix;
        }

        @Override
        public boolean isUp() {
            return up;
        }
    }
}
