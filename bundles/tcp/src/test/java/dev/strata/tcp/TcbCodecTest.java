package dev.strata.tcp;

import static dev.strata.tcp.TcpHarness.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.tcp.CongestionState;
import dev.strata.api.transport.StreamConnection;

/**
 * The deposit format of a connection ({@link TcbCodec}, docs/ARCHITECTURE.md "Live upgrade of
 * TCP"): every field of the {@link Tcb} and of the state objects it holds survives a round trip
 * (found by reflection, so that a field added without being encoded fails here), a connection
 * in mid-transfer continues from its decoded Tcb in a fresh stack, and hostile bytes are an
 * IllegalArgumentException, never another exception.
 */
class TcbCodecTest {

    /**
     * Fields deliberately not encoded, as "Class.field". None: the Tcb is plain data throughout,
     * and even its per-event scratch (Scoreboard.mergedByLastAdd, Tcb.dsackThisAck) is encoded,
     * a snapshot being simpler than an argument per field. What a connection holds beside its
     * Tcb (endpoint, listener, congestion-control object, timer task) is not a Tcb field; see
     * TcbCodec's javadoc.
     */
    private static final Set<String> NOT_ENCODED = Set.of();

    // ---- (1) completeness --------------------------------------------------------------------------

    @Test
    void everyFieldOfTheTcbAndOfItsStateObjectsSurvivesTheRoundTrip() {
        Tcb t = distinctive(4096, 8192);
        assertEquals(List.of(), defaultFields(t), "fields left at a fresh Tcb's value prove nothing");
        Tcb decoded = TcbCodec.decode(TcbCodec.encode(t));
        assertSameState(t, decoded);
    }

    /** An empty ring is a marker the buffers compare by identity (allocated()): a fresh connection's stays one. */
    @Test
    void unallocatedRingsStayUnallocated() {
        Tcb decoded = TcbCodec.decode(TcbCodec.encode(new Tcb(65_536, 131_072, 1, 2)));
        assertFalse(decoded.sendBuffer.allocated());
        assertFalse(decoded.receiveBuffer.allocated());
        assertEquals(65_536, decoded.sendBuffer.capacity());
        assertEquals(131_072, decoded.receiveBuffer.capacity());
    }

    @Test
    void theWalkReachesEveryStateObject() {
        List<String> paths = new ArrayList<>();
        walk(Tcb.class, "Tcb", paths);
        for (String expected : List.of("Tcb.sendBuffer.ring", "Tcb.receiveBuffer.rangeEnd", "Tcb.rtt.rtoNanos",
                "Tcb.congestion.ssthresh", "Tcb.scoreboard.sackedBytes", "Tcb.sendLog.xmit", "Tcb.softError")) {
            assertTrue(paths.contains(expected), expected + " in " + paths);
        }
        assertTrue(paths.size() > 140, "leaf fields: " + paths.size());
    }

    @Test
    void aTcbFromAConnectionInMidTransferSurvivesTheRoundTrip() throws Exception {
        Transfer x = new Transfer();
        Tcb decoded = TcbCodec.decode(TcbCodec.encode(x.tcb()));
        assertSameState(x.tcb(), decoded);
        assertEquals(0, x.h.pool.outstanding());
    }

    // ---- (2) the transfer continues from the decoded Tcb --------------------------------------------

    /**
     * A connection with 4344 bytes unacknowledged (one segment SACKed by the peer), 50 bytes
     * unread and 200 out of order is encoded; a fresh stack (as the new bundle's) builds a
     * connection from the decoded Tcb. The peer's segment filling the hole is acknowledged with
     * our SND.NXT and the new RCV.NXT, the application reads all 300 bytes in order, the timer
     * armed from the decoded deadline retransmits the original bytes, and new data follows at
     * the old SND.NXT.
     */
    @Test
    void aDecodedTcbContinuesTheTransferInAFreshStack() throws Exception {
        Transfer x = new Transfer();
        byte[] deposit = TcbCodec.encode(x.tcb());

        TcpHarness b = new TcpHarness();
        b.clock.advance(x.h.clock.nanoTime() - b.clock.nanoTime(), TimeUnit.NANOSECONDS);
        TcpHarness.Endpoint endpoint = new TcpHarness.Endpoint();
        TcpConnection c = adopt(b, TcbCodec.decode(deposit), endpoint);

        int ours = Transfer.ISS + 1;
        int peer = Transfer.PEER_ISS + 1;
        // the 50 bytes of the hole: everything received is now in order
        b.inject(seg("P.").seq(peer + 50).ack(ours).ts(110, x.lastTsVal).data(Transfer.peerData(50, 50)));
        TcpHarness.Sent ack = b.next();
        assertEquals(ours + Transfer.SENT, ack.seq(), ack.line());
        assertEquals(peer + 300, ack.ack(), ack.line());
        assertEquals(Transfer.peerData(0, 300), TcpHarness.read(c));
        assertTrue(endpoint.events.contains("readable"), endpoint.events.toString());

        // the deadline armed before the deposit fires in the new stack: the bytes retransmitted are the original ones
        b.advance(3000);
        TcpHarness.Sent rxt = b.next();
        int offset = Seq.distance(ours, rxt.seq());
        assertTrue(offset >= 0 && offset < Transfer.SENT && rxt.payload().length > 0, rxt.line());
        assertEquals(x.ourData.substring(offset, offset + rxt.payload().length), rxt.text());
        b.ip.sent.clear();

        // everything acknowledged: new data starts at the old SND.NXT
        b.inject(seg(".").seq(peer + 300).ack(ours + Transfer.SENT).ts(111, rxt.tsVal()));
        b.ip.sent.clear();
        assertEquals(17, TcpHarness.write(c, "after the upgrade"));
        TcpHarness.Sent next = b.next();
        assertEquals(ours + Transfer.SENT, next.seq(), next.line());
        assertEquals("after the upgrade", next.text());
        assertEquals("ESTABLISHED", c.state());
        assertEquals(0, x.h.pool.outstanding());
        assertEquals(0, b.pool.outstanding());
    }

    /**
     * What adoption will do (not built yet): a connection of the new stack with the decoded Tcb
     * in place of its own (TcpConnection#tcb is final and its helpers hold it, so the fields
     * are copied into it), the congestion control looked up by name and given the decoded
     * state, the connection in the table and its timer armed from the decoded deadlines.
     */
    private static TcpConnection adopt(TcpHarness b, Tcb decoded, TcpHarness.Endpoint endpoint) throws Exception {
        TcpConnection c = new TcpConnection(b.stack, endpoint, TcpHarness.options(), decoded.localAddress, decoded.localPort,
                decoded.remoteAddress, decoded.remotePort);
        for (Field f : Tcb.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                f.set(c.tcb, f.get(decoded));
            }
        }
        synchronized (c) {
            c.congestionControl = b.stack.congestionControl(c.tcb.congestionAlgorithm);
            c.congestionControl.init(c.tcb.congestion, b.clock.nanoTime());
            b.stack.add(c);
            c.armTimer();
        }
        return c;
    }

    /** A passive connection in mid-transfer through the harness (SACK, timestamps, window scaling). */
    private static final class Transfer {
        static final int ISS = 1_000_000;
        static final int PEER_ISS = 5000;
        /** Three full segments (MSS 1460 less 12 bytes of timestamps): Nagle holds nothing back. */
        static final int SENT = 3 * 1448;

        final TcpHarness h = new TcpHarness();
        final TcpHarness.Acceptor acceptor = new TcpHarness.Acceptor();
        final StreamConnection connection;
        final String ourData;
        int lastTsVal;

        Transfer() throws Exception {
            h.listen(acceptor, 8080);
            h.inject(seg("S").seq(PEER_ISS).mss(1460).sackOk().ts(100, 0).wscale(7));
            lastTsVal = h.next().tsVal();
            int ours = ISS + 1;
            int peer = PEER_ISS + 1;
            h.inject(seg(".").seq(peer).ack(ours).ts(101, lastTsVal));
            connection = acceptor.accepted.get(0);
            h.advance(5);
            StringBuilder s = new StringBuilder();
            for (int i = 0; s.length() < SENT; i++) {
                s.append("[ours ").append(i).append(']');
            }
            ourData = s.substring(0, SENT);
            assertEquals(SENT, TcpHarness.write(connection, ourData));
            drain();
            // 50 bytes in order (unread), then 200 out of order after a hole of 50
            h.inject(seg("P.").seq(peer).ack(ours).ts(102, lastTsVal).data(peerData(0, 50)));
            h.inject(seg("P.").seq(peer + 100).ack(ours).ts(103, lastTsVal).data(peerData(100, 200)));
            drain();
            // the peer SACKs our second segment (RFC 2018): a scoreboard range
            int mss = tcb().sendMss;
            TcpHarness.In sack = seg(".").seq(peer + 50).ack(ours).ts(104, lastTsVal);
            sack.options.sackBlocks[0] = ours + mss;
            sack.options.sackBlocks[1] = ours + 2 * mss;
            sack.options.sackBlockCount = 1;
            h.inject(sack);
            drain();
            h.advance(1);

            Tcb t = tcb();
            assertEquals(TcpState.ESTABLISHED, t.state);
            assertEquals(SENT, t.sendBuffer.length);
            assertEquals(ours + SENT, t.sndNxt);
            assertEquals(50, t.receiveBuffer.readable());
            assertEquals(1, t.receiveBuffer.rangeCount);
            assertEquals(1, t.scoreboard.count);
            assertTrue(t.sendLog.size() > 0);
            assertTrue(t.timestamps && t.windowScaling && t.sackPermitted);
            assertNotEquals(0L, t.retransmitDeadline);
        }

        Tcb tcb() {
            return ((TcpConnection) connection).tcb;
        }

        private void drain() {
            TcpHarness.Sent s;
            while ((s = h.ip.sent.poll()) != null) {
                lastTsVal = s.tsVal();
            }
        }

        /** The peer's stream bytes [from, from + count). */
        static String peerData(int from, int count) {
            StringBuilder s = new StringBuilder();
            for (int i = from; i < from + count; i++) {
                s.append((char) ('a' + i % 26));
            }
            return s.toString();
        }
    }

    // ---- (3) hostile bytes --------------------------------------------------------------------------

    @Test
    void rejectsEveryTruncation() {
        byte[] valid = TcbCodec.encode(distinctive(64, 256));
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcbCodec.decode(cut),
                    "truncated to " + length);
            assertTrue(e.getMessage().startsWith("TCB deposit: "), e.getMessage());
        }
    }

    @Test
    void rejectsTrailingBytes() {
        byte[] valid = TcbCodec.encode(distinctive(64, 256));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcbCodec.decode(Arrays.copyOf(valid, valid.length + 1)));
        assertTrue(e.getMessage().contains("1 bytes after the TCB"), e.getMessage());
    }

    @Test
    void rejectsAWrongMagic() {
        byte[] bytes = TcbCodec.encode(distinctive(64, 256));
        bytes[0] ^= 0x20;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcbCodec.decode(bytes));
        assertTrue(e.getMessage().contains("not a TCB"), e.getMessage());
    }

    @Test
    void rejectsAFutureVersion() {
        byte[] bytes = TcbCodec.encode(distinctive(64, 256));
        ByteBuffer.wrap(bytes).putShort(4, (short) (TcbCodec.VERSION + 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcbCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    /** A ring length of 2^31 - 1 in a deposit of a few hundred bytes: rejected before anything is allocated. */
    @Test
    void rejectsAnArrayLongerThanTheInputWithoutAllocatingIt() {
        Tcb t = distinctive(64, 256);
        byte[] bytes = TcbCodec.encode(t);
        // the send ring's length: after magic, version, identity, the state's name, passiveOpen,
        // send (40) and receive (20) sequence variables, FINs (13), options (47), ACK policy (13),
        // keep-alive (25) and the send buffer's capacity
        int at = 4 + 2 + 16 + 2 + t.state.name().length() + 1 + 40 + 20 + 13 + 47 + 13 + 25 + 4;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        assertEquals(t.sendBuffer.ring.length, b.getInt(at));
        b.putInt(at, Integer.MAX_VALUE);
        long before = allocated();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcbCodec.decode(bytes));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(allocated() - before < 1_000_000, "allocated " + (allocated() - before));
    }

    /** Random changes of 1 to 4 bytes of a valid deposit: an IllegalArgumentException or a Tcb, nothing else. */
    @Test
    void randomMutationsAreRejectedOrDecodedNeverAnotherException() {
        byte[] valid = TcbCodec.encode(distinctive(64, 256));
        Random random = new Random(0x5354_4342L);
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = valid.clone();
            int changes = 1 + random.nextInt(4);
            StringBuilder what = new StringBuilder();
            for (int k = 0; k < changes; k++) {
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : bytes[at] ^ (1 << random.nextInt(8)));
                what.append(at).append(' ');
            }
            try {
                TcbCodec.decode(bytes);
            } catch (IllegalArgumentException e) {
                rejected++;
            } catch (Throwable e) {
                fail("mutation " + i + " at bytes " + what + "threw " + e, e);
            }
        }
        assertTrue(rejected > 100, "rejected " + rejected);
    }

    /** Every byte in turn set to 0x00, 0x01, 0x7f, 0x80 and 0xff: each length's sign and size hit once. */
    @Test
    void everyByteSetToAnExtremeIsRejectedOrDecodedNeverAnotherException() {
        byte[] valid = TcbCodec.encode(distinctive(64, 256));
        for (int at = 0; at < valid.length; at++) {
            for (int value : new int[] {0x00, 0x01, 0x7f, 0x80, 0xff}) {
                byte[] bytes = valid.clone();
                bytes[at] = (byte) value;
                try {
                    TcbCodec.decode(bytes);
                } catch (IllegalArgumentException e) {
                    // rejected: fine
                } catch (Throwable e) {
                    fail("byte " + at + " set to " + value + " threw " + e, e);
                }
            }
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    // ---- the reflection walk ------------------------------------------------------------------------

    /**
     * The state objects a Tcb holds, whose fields are encoded one by one. A field of any other
     * reference type fails the walk: a new state object is encoded and added here; a reference
     * to a service, an endpoint or a listener does not belong in the Tcb at all (it holds plain
     * data only, so that it can be deposited; TcbCodec's javadoc says what a connection holds
     * beside it).
     */
    private static final Set<Class<?>> STATE_OBJECTS = Set.of(SendBuffer.class, ReceiveBuffer.class, RttEstimator.class,
            CongestionState.class, Scoreboard.class, SendLog.class);

    private static boolean isStateObject(Class<?> type) {
        return STATE_OBJECTS.contains(type);
    }

    private static final String NOT_PLAIN = ": neither plain data nor a state object of the Tcb's; if it is state, encode it in"
            + " TcbCodec (a state object: add it to STATE_OBJECTS), else it does not belong in the Tcb";

    private static boolean isLeaf(Class<?> type) {
        return type.isPrimitive() || type == String.class || type.isEnum()
                || type.isArray() && type.getComponentType().isPrimitive();
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()
                    || NOT_ENCODED.contains(type.getSimpleName() + "." + f.getName())) {
                continue;
            }
            f.setAccessible(true);
            fields.add(f);
        }
        return fields;
    }

    /** The leaf paths under {@code type}; fails on a field that is neither plain data nor a state object. */
    private static void walk(Class<?> type, String path, List<String> paths) {
        for (Field f : fields(type)) {
            String p = path + "." + f.getName();
            if (isLeaf(f.getType())) {
                paths.add(p);
            } else if (isStateObject(f.getType())) {
                walk(f.getType(), p, paths);
            } else {
                fail(p + " is a " + f.getType().getName() + NOT_PLAIN);
            }
        }
    }

    /** Every mismatch between two states, by path; empty when equal. */
    private static void assertSameState(Object expected, Object actual) {
        List<String> mismatches = new ArrayList<>();
        compare(expected, actual, expected.getClass().getSimpleName(), mismatches);
        assertEquals(List.of(), mismatches, "fields that did not survive the round trip (encode them in TcbCodec)");
    }

    private static void compare(Object expected, Object actual, String path, List<String> mismatches) {
        try {
            for (Field f : fields(expected.getClass())) {
                String p = path + "." + f.getName();
                Object e = f.get(expected);
                Object a = f.get(actual);
                Class<?> type = f.getType();
                if (type.isArray()) {
                    if (!arrayEquals(e, a)) {
                        mismatches.add(p);
                    }
                } else if (isLeaf(type)) {
                    if (!Objects.equals(e, a)) {
                        mismatches.add(p + ": " + e + " became " + a);
                    }
                } else if (isStateObject(type)) {
                    if (e == null || a == null) {
                        if (e != a) {
                            mismatches.add(p + ": " + e + " became " + a);
                        }
                        continue;
                    }
                    assertNotSame(e, a, p + " is shared with the original");
                    compare(e, a, p, mismatches);
                } else {
                    fail(p + " is a " + type.getName() + NOT_PLAIN);
                }
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean arrayEquals(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        int n = Array.getLength(e);
        if (n != Array.getLength(a)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!Array.get(e, i).equals(Array.get(a, i))) {
                return false;
            }
        }
        return true;
    }

    /** The paths of the leaves of {@code t} that hold what a fresh Tcb holds. */
    private static List<String> defaultFields(Tcb t) {
        List<String> same = new ArrayList<>();
        compare(new Tcb(0, 0, 0, 0), t, "Tcb", same);
        List<String> paths = new ArrayList<>();
        walk(Tcb.class, "Tcb", paths);
        List<String> defaults = new ArrayList<>(paths);
        for (String mismatch : same) {
            defaults.remove(mismatch.contains(":") ? mismatch.substring(0, mismatch.indexOf(':')) : mismatch);
        }
        return defaults;
    }

    // ---- a Tcb with a distinctive value in every field ----------------------------------------------

    private static int counter;

    /**
     * A Tcb whose every leaf holds a value of its own, none a fresh Tcb's: first every field
     * generically (so that a field added later gets one without anyone thinking of it), then
     * the structure decode checks made consistent again (ring sizes, heads, positions, counts,
     * names), still with values a fresh Tcb does not hold.
     */
    private static Tcb distinctive(int sendRing, int receiveRing) {
        counter = 0;
        Tcb t = new Tcb(0, 0, 0, 0);
        fill(t);
        t.state = TcpState.FIN_WAIT_1;
        t.sndWindowShift = 7;
        t.rcvWindowShift = 9;
        t.retransmitTimerKind = RetransmitTimer.PROBE;
        t.congestionAlgorithm = "cubic";
        t.pendingError = "ECONNRESET";
        t.softError = "EHOSTUNREACH";

        SendBuffer s = t.sendBuffer;
        set(s, "capacity", 2 * sendRing);
        s.ring = bytes(sendRing, 3);
        s.head = sendRing / 2 + 1;
        s.length = sendRing - 5; // wraps around the ring's end

        ReceiveBuffer r = t.receiveBuffer;
        set(r, "capacity", 2 * receiveRing);
        r.ring = bytes(receiveRing, 7);
        r.readPosition = 1_000_003;
        r.inOrderEnd = r.readPosition + receiveRing / 8;
        r.rangeCount = 2;
        r.rangeStart[0] = r.inOrderEnd + 10;
        r.rangeEnd[0] = r.inOrderEnd + 20;
        r.rangeStart[1] = r.inOrderEnd + 30;
        r.rangeEnd[1] = r.readPosition + receiveRing - 1;
        r.recentCount = 3;

        t.scoreboard.count = 5;

        SendLog l = t.sendLog;
        l.head = 1;
        l.tail = l.seq.length - 1;
        return t;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * seed + 1);
        }
        return b;
    }

    private static void set(Object o, String field, Object value) {
        try {
            Field f = o.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.set(o, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Sets every leaf under {@code o} to a value of its own (arrays of length 0 get 6 elements). */
    private static void fill(Object o) {
        try {
            for (Field f : fields(o.getClass())) {
                Class<?> type = f.getType();
                int k = ++counter;
                Object v = f.get(o);
                if (type == int.class) {
                    f.setInt(o, 1_000 + 7 * k);
                } else if (type == long.class) {
                    f.setLong(o, (1L << 33) + 11L * k);
                } else if (type == boolean.class) {
                    f.setBoolean(o, !f.getBoolean(o));
                } else if (type == byte.class) {
                    f.setByte(o, (byte) (k | 1));
                } else if (type == short.class) {
                    f.setShort(o, (short) (1_000 + k));
                } else if (type == char.class) {
                    f.setChar(o, (char) ('A' + k % 26));
                } else if (type == double.class || type == float.class) {
                    f.set(o, type == double.class ? (Object) (k + 0.5) : (Object) (k + 0.5f));
                } else if (type == String.class) {
                    f.set(o, "s" + k);
                } else if (type.isEnum()) {
                    Object[] constants = type.getEnumConstants();
                    int ordinal = v == null ? 0 : ((Enum<?>) v).ordinal() + 1;
                    f.set(o, constants[ordinal % constants.length]);
                } else if (type.isArray() && type.getComponentType().isPrimitive()) {
                    Object array = v == null || Array.getLength(v) == 0 ? Array.newInstance(type.getComponentType(), 6) : v;
                    if (Modifier.isFinal(f.getModifiers()) && array != v) {
                        fail(f + ": a final array of length 0");
                    }
                    for (int i = 0; i < Array.getLength(array); i++) {
                        Class<?> c = type.getComponentType();
                        int e = 100 * k + i + 1;
                        Array.set(array, i, c == byte.class ? (Object) (byte) e : c == int.class ? (Object) e
                                : c == long.class ? (Object) (long) e : c == boolean.class ? (Object) true
                                : c == short.class ? (Object) (short) e : c == char.class ? (Object) (char) e
                                : c == float.class ? (Object) (float) e : (Object) (double) e);
                    }
                    if (array != v) {
                        f.set(o, array);
                    }
                } else if (isStateObject(type)) {
                    assertNotEquals(null, v, f + " is null in a fresh Tcb");
                    fill(v);
                } else {
                    fail(f + " is a " + type.getName() + NOT_PLAIN);
                }
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
