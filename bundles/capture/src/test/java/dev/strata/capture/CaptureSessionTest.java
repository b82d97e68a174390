package dev.strata.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.buffer.PacketBuffer;

/** The pcap file a capture writes, byte by byte (draft-ietf-opsawg-pcap sections 4 and 5). */
class CaptureSessionTest {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path directory;

    private final BufferPool pool = new BufferPool();

    @Test
    void writesTheFileHeaderAndEachRecordExactly() throws Exception {
        Path file = directory.resolve("two.pcap");
        CaptureSession session = new CaptureSession(file, null, CaptureSession.DEFAULT_RING_BYTES);
        session.start();
        byte[] arp = Frames.arpRequest();
        byte[] icmp = Frames.icmpEchoRequest();
        PacketBuffer first = Frames.buffer(pool, arp);
        PacketBuffer second = Frames.buffer(pool, icmp);
        // 2023-11-14T22:13:20.123456789Z, then 1.000000001 s later.
        session.frame(FakeInterfaces.networkInterface("strata0"), first, false, 1_700_000_000_123_456_789L);
        session.frame(FakeInterfaces.networkInterface("strata0"), second, true, 1_700_000_001_123_456_790L);
        first.release();
        second.release();
        CaptureSession.Summary summary = session.stop();
        assertEquals("2 packets captured, 0 dropped", summary.line());
        assertNull(summary.failure());

        byte[] bytes = Files.readAllBytes(file);
        assertEquals(24 + 16 + 42 + 16 + 98, bytes.length);
        // File header: magic a1b23c4d (nanoseconds, big-endian), version 2.4, two reserved
        // words, snaplen 65535, linktype 1 (Ethernet).
        assertEquals("a1b23c4d" + "0002" + "0004" + "00000000" + "00000000" + "0000ffff" + "00000001",
                HEX.formatHex(bytes, 0, 24));
        // Record 1: ts_sec 1700000000 (0x6553f100), ts_nsec 123456789 (0x075bcd15), incl 42, orig 42.
        assertEquals("6553f100" + "075bcd15" + "0000002a" + "0000002a", HEX.formatHex(bytes, 24, 40));
        assertArrayEquals(arp, Arrays.copyOfRange(bytes, 40, 82));
        // Record 2: ts_sec 1700000001, ts_nsec 123456790, incl 98, orig 98.
        assertEquals("6553f101" + "075bcd16" + "00000062" + "00000062", HEX.formatHex(bytes, 82, 98));
        assertArrayEquals(icmp, Arrays.copyOfRange(bytes, 98, 196));
    }

    @Test
    void keepsTheSnapshotLengthOfALongerFrameAndItsOriginalLength() throws Exception {
        Path file = directory.resolve("long.pcap");
        CaptureSession session = new CaptureSession(file, "strata0", CaptureSession.DEFAULT_RING_BYTES);
        session.start();
        byte[] big = new byte[65_600];
        Arrays.fill(big, (byte) 0x5a);
        PacketBuffer frame = Frames.buffer(pool, big);
        session.frame(FakeInterfaces.networkInterface("strata0"), frame, false, 0);
        frame.release();
        session.stop();
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(24 + 16 + 65_535, bytes.length);
        assertEquals("00000000" + "00000000" + "0000ffff" + "00010040", HEX.formatHex(bytes, 24, 40));
    }

    @Test
    void anEmptyCaptureIsAValidFileOfOnlyTheHeader() throws Exception {
        Path file = directory.resolve("empty.pcap");
        CaptureSession session = new CaptureSession(file, null, CaptureSession.DEFAULT_RING_BYTES);
        session.start();
        assertEquals("0 packets captured, 0 dropped", session.stop().line());
        assertEquals(24, Files.size(file));
    }
}
