package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;
import dev.strata.testsupport.TestPackets;

class TcpHeaderTest {

    private final BufferPool pool = new BufferPool();
    private final TcpOptions options = new TcpOptions();

    @AfterEach
    void noLeaks() {
        assertEquals(0, pool.outstanding());
    }

    private PacketBuffer golden(String datagram) {
        return Golden.buffer(pool, TestPackets.ipPayload(TestPackets.hex(datagram)));
    }

    @Test
    void parsesEveryFieldAndOptionOfLinuxSyn() {
        PacketBuffer b = golden(Golden.LINUX_SYN);
        int at = b.start();
        assertNull(TcpHeader.validate(b, at, b.length()));
        assertEquals(40001, TcpHeader.sourcePort(b, at));
        assertEquals(7777, TcpHeader.destinationPort(b, at));
        assertEquals(1224787009, TcpHeader.sequence(b, at));
        assertEquals(0, TcpHeader.acknowledgment(b, at));
        assertEquals(40, TcpHeader.headerLength(b, at));
        assertEquals(TcpHeader.SYN, TcpHeader.flags(b, at));
        assertEquals(64240, TcpHeader.window(b, at));
        assertEquals(0x0b36, TcpHeader.checksum(b, at));
        assertEquals(0, TcpHeader.urgentPointer(b, at));
        assertTrue(TcpHeader.checksumValid(b, at, b.length(), Golden.CLIENT, Golden.SERVER));

        assertNull(options.parse(b, at + 20, 20));
        assertEquals(1460, options.mss);
        assertTrue(options.sackPermitted);
        assertTrue(options.timestamps);
        assertEquals(1489107719, options.tsVal);
        assertEquals(0, options.tsEcr);
        assertEquals(10, options.windowScale);
        assertEquals(0, options.sackBlockCount);
        b.release();
    }

    @Test
    void parsesEveryFieldAndOptionOfLinuxSynAck() {
        PacketBuffer b = golden(Golden.LINUX_SYN_ACK);
        int at = b.start();
        assertNull(TcpHeader.validate(b, at, b.length()));
        assertEquals(7777, TcpHeader.sourcePort(b, at));
        assertEquals(40001, TcpHeader.destinationPort(b, at));
        assertEquals((int) 2572200887L, TcpHeader.sequence(b, at));
        assertEquals(1224787010, TcpHeader.acknowledgment(b, at));
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, TcpHeader.flags(b, at));
        assertEquals(65160, TcpHeader.window(b, at));
        assertTrue(TcpHeader.checksumValid(b, at, b.length(), Golden.SERVER, Golden.CLIENT));
        assertNull(options.parse(b, at + 20, 20));
        assertEquals(1460, options.mss);
        assertTrue(options.sackPermitted);
        assertEquals((int) 2222698747L, options.tsVal);
        assertEquals(1489107719, options.tsEcr);
        assertEquals(10, options.windowScale);
        b.release();
    }

    @Test
    void parsesLinuxDataSegmentAndItsPayload() {
        PacketBuffer b = golden(Golden.LINUX_DATA);
        int at = b.start();
        assertNull(TcpHeader.validate(b, at, b.length()));
        assertEquals(32, TcpHeader.headerLength(b, at));
        assertEquals(TcpHeader.PSH | TcpHeader.ACK, TcpHeader.flags(b, at));
        assertEquals(63, TcpHeader.window(b, at));
        assertTrue(TcpHeader.checksumValid(b, at, b.length(), Golden.CLIENT, Golden.SERVER));
        assertNull(options.parse(b, at + 20, 12));
        assertEquals(-1, options.mss);
        assertEquals(-1, options.windowScale);
        assertFalse(options.sackPermitted);
        assertTrue(options.timestamps);
        assertEquals(1489107719, options.tsVal);
        assertEquals((int) 2222698747L, options.tsEcr);
        byte[] payload = new byte[12];
        b.getBytes(at + 32, payload, 0, 12);
        assertEquals("hello strata", new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
        b.release();
    }

    /** Writes a segment from parsed fields and options and returns its bytes. */
    private byte[] reemit(String datagram, int source, int destination) {
        PacketBuffer in = golden(datagram);
        int at = in.start();
        int headerLength = TcpHeader.headerLength(in, at);
        boolean syn = (TcpHeader.flags(in, at) & TcpHeader.SYN) != 0;
        assertNull(options.parse(in, at + 20, headerLength - 20));
        int payloadLength = in.length() - headerLength;

        PacketBuffer out = pool.allocate();
        int optionLength = options.length(syn);
        assertEquals(headerLength - 20, optionLength);
        int o = out.append(20 + optionLength + payloadLength);
        TcpHeader.write(out, o, TcpHeader.sourcePort(in, at), TcpHeader.destinationPort(in, at),
                TcpHeader.sequence(in, at), TcpHeader.acknowledgment(in, at), 20 + optionLength,
                TcpHeader.flags(in, at), TcpHeader.window(in, at));
        assertEquals(optionLength, options.write(out, o + 20, syn));
        out.copyFrom(in, at + headerLength, o + 20 + optionLength, payloadLength);
        TcpHeader.writeChecksum(out, o, out.length(), source, destination);
        in.release();
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    @Test
    void reemitsLinuxSynSynAckAckAndDataByteForByte() {
        assertArrayEquals(TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_SYN)), reemit(Golden.LINUX_SYN, Golden.CLIENT, Golden.SERVER));
        assertArrayEquals(TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_SYN_ACK)),
                reemit(Golden.LINUX_SYN_ACK, Golden.SERVER, Golden.CLIENT));
        assertArrayEquals(TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_ACK)), reemit(Golden.LINUX_ACK, Golden.CLIENT, Golden.SERVER));
        assertArrayEquals(TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_DATA)), reemit(Golden.LINUX_DATA, Golden.CLIENT, Golden.SERVER));
    }

    @Test
    void detectsACorruptedChecksum() {
        byte[] segment = TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_DATA));
        segment[25] ^= 1;
        PacketBuffer b = Golden.buffer(pool, segment);
        assertFalse(TcpHeader.checksumValid(b, b.start(), b.length(), Golden.CLIENT, Golden.SERVER));
        b.release();
    }

    @Test
    void rejectsSegmentShorterThanHeader() {
        PacketBuffer b = Golden.buffer(pool, new byte[19]);
        assertEquals(TcpStatistic.TOO_SHORT, TcpHeader.validate(b, b.start(), 19));
        b.release();
    }

    @Test
    void rejectsDataOffsetBelowFiveWords() {
        byte[] segment = TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_ACK));
        segment[12] = 0x40;
        PacketBuffer b = Golden.buffer(pool, segment);
        assertEquals(TcpStatistic.BAD_DATA_OFFSET, TcpHeader.validate(b, b.start(), b.length()));
        b.release();
    }

    @Test
    void rejectsDataOffsetBeyondTheSegment() {
        byte[] segment = TestPackets.ipPayload(TestPackets.hex(Golden.LINUX_ACK)); // 32 bytes
        segment[12] = (byte) 0x90; // 36 bytes claimed
        PacketBuffer b = Golden.buffer(pool, segment);
        assertEquals(TcpStatistic.BAD_DATA_OFFSET, TcpHeader.validate(b, b.start(), b.length()));
        b.release();
    }

    private TcpStatistic parseOptions(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        PacketBuffer b = Golden.buffer(pool, raw);
        try {
            return options.parse(b, b.start(), raw.length);
        } finally {
            b.release();
        }
    }

    @Test
    void rejectsOptionWithLengthBelowTwo() {
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(30, 1, 1, 1));
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(30, 0, 1, 1));
    }

    @Test
    void rejectsOptionRunningPastTheHeader() {
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0)); // 9 of 10 bytes
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(1, 1, 2, 4)); // MSS with no room for its value
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(1, 1, 1, 2)); // kind without length octet
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(1, 1, 1, 3));
    }

    @Test
    void rejectsKnownOptionsWithWrongLength() {
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(2, 3, 5, 1));
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(3, 4, 7, 1));
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(4, 3, 0, 1));
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(8, 8, 0, 0, 0, 0, 0, 0));
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(5, 2, 1, 1)); // SACK with no block
        assertEquals(TcpStatistic.BAD_OPTION, parseOptions(5, 6, 0, 0, 0, 0, 1, 1)); // not 2 + 8n
    }

    @Test
    void parsesSackBlocksAndSkipsUnknownKinds() {
        assertNull(parseOptions(1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 5, 30, 2, 0, 0));
        assertEquals(2, options.sackBlockCount);
        assertEquals(10, options.sackBlocks[0]);
        assertEquals(20, options.sackBlocks[1]);
        assertEquals(0xfffffff0, options.sackBlocks[2]);
        assertEquals(5, options.sackBlocks[3]);
    }

    @Test
    void capsWindowScaleAtFourteen() {
        assertNull(parseOptions(1, 3, 3, 15));
        assertEquals(14, options.windowScale);
    }

    @Test
    void stopsAtEndOfOptionList() {
        assertNull(parseOptions(2, 4, 5, 0xb4, 0, 0xff, 0xff, 0xff));
        assertEquals(1460, options.mss);
    }

    @Test
    void emitsSackBlocksAfterTimestampsLikeLinux() {
        options.clear();
        options.timestamps = true;
        options.tsVal = 1;
        options.tsEcr = 2;
        options.sackBlocks[0] = 100;
        options.sackBlocks[1] = 200;
        options.sackBlockCount = 1;
        assertEquals(24, options.length(false));
        PacketBuffer b = pool.allocate();
        int at = b.append(24);
        assertEquals(24, options.write(b, at, false));
        assertArrayEquals(TestPackets.hex("0101 080a 0000 0001 0000 0002 0101 050a 0000 0064 0000 00c8"), b.toByteArray());
        b.release();
        // and it reads back
        PacketBuffer r = Golden.buffer(pool, TestPackets.hex("0101 080a 0000 0001 0000 0002 0101 050a 0000 0064 0000 00c8"));
        assertNull(options.parse(r, r.start(), 24));
        assertEquals(1, options.sackBlockCount);
        assertEquals(200, options.sackBlocks[1]);
        r.release();
    }
}
