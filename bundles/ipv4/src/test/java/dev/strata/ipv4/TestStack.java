package dev.strata.ipv4;

import java.util.Map;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.ipv4.InternetChecksum;
import dev.strata.api.ipv4.IpProtocol;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.time.ManualScheduler;
import dev.strata.ipv4.Fakes.RecordingHandler;
import dev.strata.ipv4.Fakes.RecordingIcmpErrors;
import dev.strata.ipv4.Fakes.RecordingNeighbours;
import dev.strata.testsupport.FakeInterface;
import dev.strata.testsupport.FakeInterfaceManager;

/**
 * An IPv4 layer wired to fakes: {@code eth0} 198.18.7.2/24 (MTU 1500, where the Linux
 * captures were addressed to), {@code lo} 127.0.0.1/8, a real routing table and buffer pool,
 * a {@link ManualScheduler}, and an ICMP handler (protocol 1) that records what it gets.
 */
final class TestStack {

    static final int ADDRESS = Ipv4Address.parse("198.18.7.2");
    static final int PEER = Ipv4Address.parse("198.18.7.1");

    final BufferPool pool;
    final ManualScheduler scheduler = new ManualScheduler();
    final FakeInterfaceManager interfaces = new FakeInterfaceManager();
    final FakeInterface eth0 = Fakes.iface(2, "eth0", ADDRESS, 24, 1500, false);
    final FakeInterface lo = Fakes.iface(1, "lo", Ipv4Address.LOOPBACK, 8, 65536, true);
    final Ipv4RoutingTable routes;
    final Ipv4Layer layer;
    final RecordingNeighbours neighbours = new RecordingNeighbours();
    final RecordingIcmpErrors icmp = new RecordingIcmpErrors();
    final RecordingHandler handler = new RecordingHandler();
    final long outstandingAtStart;

    TestStack() {
        this(new BufferPool(), Ipv4Layer.REASSEMBLY_MAX_DATAGRAMS, Ipv4Layer.REASSEMBLY_MAX_BYTES);
    }

    TestStack(BufferPool pool, int maxDatagrams, long maxBytes) {
        this.pool = pool;
        interfaces.interfaces.add(lo);
        interfaces.interfaces.add(eth0);
        routes = routingTableFor(interfaces);
        layer = new Ipv4Layer(routes, pool, scheduler, maxDatagrams, maxBytes);
        // The registry replays interfaces already up to a listener that binds late.
        interfaces.interfaces.forEach(layer::interfaceUp);
        layer.neighbours = neighbours;
        layer.icmpErrors = icmp;
        layer.bindHandler(handler, Map.of(IpProtocol.PROPERTY, IpProtocol.ICMP));
        outstandingAtStart = pool.outstanding();
    }

    /** A routing table that has heard of every interface {@code interfaces} has up, as the registry's replay does. */
    static Ipv4RoutingTable routingTableFor(FakeInterfaceManager interfaces) {
        Ipv4RoutingTable table = new Ipv4RoutingTable();
        for (var nif : interfaces.interfaces) {
            if (nif.isUp()) {
                table.interfaceUp(nif);
            }
        }
        return table;
    }

    /** Gives eth0 another address, as {@code ifconfig eth0 ADDR/24} would: listeners hear of it. */
    TestStack readdress(int address) {
        eth0.address = address;
        routes.interfaceUp(eth0);
        layer.interfaceDown(eth0);
        layer.interfaceUp(eth0);
        return this;
    }

    long count(IpCounter counter) {
        return layer.statistics().get(counter);
    }

    /** A received packet on {@code eth0}: the bytes at the start of a pooled buffer's region. */
    PacketBuffer packet(byte[] ip) {
        return packet(ip, eth0);
    }

    PacketBuffer packet(byte[] ip, FakeInterface input) {
        PacketBuffer b = pool.allocate(ip.length);
        b.linkOffset(b.start() - 14);
        b.putBytes(b.append(ip.length), ip, 0, ip.length);
        b.inputInterface(input);
        return b;
    }

    void receive(byte[] ip) {
        layer.receive(packet(ip));
    }

    /** Recomputes the header checksum of a datagram in an array, after a test changed a field. */
    static byte[] fixChecksum(byte[] ip) {
        int headerLength = (ip[0] & 0x0f) * 4;
        ip[10] = 0;
        ip[11] = 0;
        long sum = 0;
        for (int i = 0; i + 1 < headerLength; i += 2) {
            sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        }
        int checksum = InternetChecksum.finish(sum);
        ip[10] = (byte) (checksum >>> 8);
        ip[11] = (byte) checksum;
        return ip;
    }

    /** A datagram from PEER to {@code destination} with the given protocol and payload, checksum right. */
    static byte[] datagram(int destination, int protocol, int id, int flagsAndOffset, byte[] payload) {
        byte[] ip = new byte[20 + payload.length];
        ip[0] = 0x45;
        putU16(ip, 2, ip.length);
        putU16(ip, 4, id);
        putU16(ip, 6, flagsAndOffset);
        ip[8] = 64;
        ip[9] = (byte) protocol;
        putI32(ip, 12, PEER);
        putI32(ip, 16, destination);
        System.arraycopy(payload, 0, ip, 20, payload.length);
        return fixChecksum(ip);
    }

    static void putU16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    static void putI32(byte[] b, int at, int value) {
        putU16(b, at, value >>> 16);
        putU16(b, at + 2, value);
    }

    static int getU16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
