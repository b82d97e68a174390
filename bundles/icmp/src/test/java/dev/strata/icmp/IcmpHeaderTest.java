package dev.strata.icmp;

import static dev.strata.icmp.Packets.LINUX_ECHO_REPLY_ICMP;
import static dev.strata.icmp.Packets.LINUX_ECHO_REQUEST;
import static dev.strata.testsupport.TestPackets.hex;
import static dev.strata.testsupport.TestPackets.ipPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

class IcmpHeaderTest {

    private final BufferPool pool = new BufferPool();
    private final long outstandingAtStart = pool.outstanding();

    @AfterEach
    void noBufferLeaked() {
        assertEquals(outstandingAtStart, pool.outstanding(), "buffers leaked");
    }

    private PacketBuffer buffer(byte[] bytes) {
        PacketBuffer b = pool.allocate();
        b.putBytes(b.append(bytes.length), bytes, 0, bytes.length);
        return b;
    }

    @Test
    void readsTheFieldsOfLinuxsEchoRequest() {
        PacketBuffer b = buffer(ipPayload(hex(LINUX_ECHO_REQUEST)));
        int at = b.start();
        assertEquals(IcmpHeader.TYPE_ECHO_REQUEST, IcmpHeader.type(b, at));
        assertEquals(0, IcmpHeader.code(b, at));
        assertEquals(0x5519, IcmpHeader.checksum(b, at));
        assertEquals(0x14cf, IcmpHeader.identifier(b, at));
        assertEquals(1, IcmpHeader.sequence(b, at));
        assertNull(IcmpHeader.validate(b, at, b.length()));
        b.release();
    }

    @Test
    void turnsARequestIntoTheReplyLinuxSentWithAnIncrementalChecksum() {
        PacketBuffer b = buffer(ipPayload(hex(LINUX_ECHO_REQUEST)));
        IcmpHeader.echoRequestToReply(b, b.start());
        assertArrayEquals(hex(LINUX_ECHO_REPLY_ICMP), b.toByteArray());
        b.release();
    }

    @Test
    void incrementalChecksumAgreesWithAFullOneForEveryStartingChecksum() {
        PacketBuffer b = pool.allocate();
        int at = b.append(8);
        for (int word = 0; word <= 0xffff; word += 7) {
            IcmpHeader.write(b, at, IcmpHeader.TYPE_ECHO_REQUEST, 0);
            b.putU16(at + IcmpHeader.IDENTIFIER, word);
            IcmpHeader.writeChecksum(b, at, 8);
            IcmpHeader.echoRequestToReply(b, at);
            assertNull(IcmpHeader.validate(b, at, 8), "identifier " + word);
        }
        b.release();
    }

    @Test
    void validateRejectsShortMessagesAndBadChecksums() {
        PacketBuffer b = buffer(ipPayload(hex(LINUX_ECHO_REQUEST)));
        assertEquals(IcmpStatistic.TOO_SHORT, IcmpHeader.validate(b, b.start(), 7));
        assertEquals(IcmpStatistic.BAD_CHECKSUM, IcmpHeader.validate(b, b.start(), b.length() - 1));
        b.putU8(b.start() + 1, 1);
        assertEquals(IcmpStatistic.BAD_CHECKSUM, IcmpHeader.validate(b, b.start(), b.length()));
        b.release();
    }

    @Test
    void knowsWhichTypesAreErrors() {
        for (int type : new int[] {3, 4, 5, 11, 12, 19, 40, 255}) {
            assertTrue(IcmpHeader.isError(type), "type " + type);
        }
        for (int type : new int[] {0, 8, 13, 14, 17, 18}) {
            assertFalse(IcmpHeader.isError(type), "type " + type);
        }
    }
}
