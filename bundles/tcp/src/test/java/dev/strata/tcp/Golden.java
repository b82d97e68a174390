package dev.strata.tcp;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.Ipv4Address;

/**
 * Segments captured from the Linux kernel, and a helper to put bytes into buffers (hex parsing
 * and the IP payload are in {@link dev.strata.testsupport.TestPackets}).
 */
final class Golden {

    /*
     * Captured from Linux 6.18 here as root, between two throwaway namespaces:
     *   ip netns add tcpcap-a; ip netns add tcpcap-b
     *   ip link add tcpva netns tcpcap-a type veth peer name tcpvb netns tcpcap-b
     *   ip -n tcpcap-a addr add 198.18.77.1/24 dev tcpva; ip -n tcpcap-b addr add 198.18.77.2/24 dev tcpvb
     *   ip netns exec tcpcap-a ethtool -K tcpva tx off   # else tcpdump shows partial checksums
     *   ip netns exec tcpcap-b ethtool -K tcpvb tx off
     *   ip -n tcpcap-a link set tcpva up; ip -n tcpcap-b link set tcpvb up
     *   ip netns exec tcpcap-b socat -u TCP4-LISTEN:7777,reuseaddr /dev/null &
     *   ip netns exec tcpcap-a tcpdump -n -xx -c 4 -i tcpva tcp &
     *   printf 'hello strata' | ip netns exec tcpcap-a socat -u - TCP4:198.18.77.2:7777,sourceport=40001
     *   ip netns del tcpcap-a; ip netns del tcpcap-b
     * The Ethernet header (14 bytes) is cut off; what follows is the IPv4 datagram.
     */

    /** 198.18.77.1:40001 -> 198.18.77.2:7777 SYN, seq 1224787009, win 64240, [mss 1460,sackOK,TS val 1489107719 ecr 0,nop,wscale 10]. */
    static final String LINUX_SYN = ""
            + "4500 003c 767c 4000 4006 9e17 c612 4d01 c612 4d02"
            + "9c41 1e61 4900 c441 0000 0000 a002 faf0 0b36 0000"
            + "0204 05b4 0402 080a 58c1 fb07 0000 0000 0103 030a";

    /** The SYN-ACK: seq 2572200887, ack 1224787010, win 65160, [mss 1460,sackOK,TS val 2222698747 ecr 1489107719,nop,wscale 10]. */
    static final String LINUX_SYN_ACK = ""
            + "4500 003c 0000 4000 4006 1494 c612 4d02 c612 4d01"
            + "1e61 9c41 9950 abb7 4900 c442 a012 fe88 8d0d 0000"
            + "0204 05b4 0402 080a 847b b0fb 58c1 fb07 0103 030a";

    /** The third ACK: win 63 (scaled by 2^10), [nop,nop,TS val 1489107719 ecr 2222698747]. */
    static final String LINUX_ACK = ""
            + "4500 0034 767d 4000 4006 9e1e c612 4d01 c612 4d02"
            + "9c41 1e61 4900 c442 9950 abb8 8010 003f ba26 0000"
            + "0101 080a 58c1 fb07 847b b0fb";

    /** PSH|ACK carrying "hello strata", seq 1:13 relative. */
    static final String LINUX_DATA = ""
            + "4500 0040 767e 4000 4006 9e11 c612 4d01 c612 4d02"
            + "9c41 1e61 4900 c442 9950 abb8 8018 003f 1be9 0000"
            + "0101 080a 58c1 fb07 847b b0fb 6865 6c6c 6f20 7374 7261 7461";

    static final int CLIENT = Ipv4Address.parse("198.18.77.1");
    static final int SERVER = Ipv4Address.parse("198.18.77.2");

    private Golden() {
    }

    /** A buffer whose region holds {@code bytes} after the default headroom. */
    static PacketBuffer buffer(BufferPool pool, byte[] bytes) {
        PacketBuffer packet = pool.allocate();
        int at = packet.append(bytes.length);
        packet.putBytes(at, bytes, 0, bytes.length);
        return packet;
    }
}
