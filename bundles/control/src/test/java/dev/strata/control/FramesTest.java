package dev.strata.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void writesTypeBigEndianLengthAndPayload() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.writeText(out, Frames.COMMAND, "lb");
        assertArrayEquals(new byte[] {'C', 0, 0, 0, 2, 'l', 'b'}, out.toByteArray());
    }

    @Test
    void roundTripsEveryFrameType() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.writeText(out, Frames.COMMAND, "ping -c 3 127.0.0.1");
        Frames.write(out, Frames.END, new byte[0], 0, 0);
        Frames.writeText(out, Frames.STDOUT, "64 bytes from 127.0.0.1\n");
        Frames.writeText(out, Frames.STDERR, "héllo\n");
        Frames.writeExit(out, -2);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

        assertEquals("ping -c 3 127.0.0.1", Frames.read(in).text());
        assertEquals(0, Frames.read(in).payload().length);
        assertEquals("64 bytes from 127.0.0.1\n", Frames.read(in).text());
        assertEquals("héllo\n", Frames.read(in).text());
        assertEquals(-2, Frames.read(in).status());
        assertNull(Frames.read(in));
    }

    @Test
    void splitsPayloadLongerThanMaximumIntoSeveralFrames() throws IOException {
        byte[] big = new byte[Frames.MAX_PAYLOAD + 10];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(out, Frames.STDOUT, big, 0, big.length);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(Frames.MAX_PAYLOAD, Frames.read(in).payload().length);
        assertEquals(10, Frames.read(in).payload().length);
        assertNull(Frames.read(in));
    }

    @Test
    void rejectsLengthAboveMaximumWithoutAllocatingIt() {
        byte[] hostile = {'O', (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(hostile)));
    }

    @Test
    void rejectsNegativeLength() {
        byte[] hostile = {'O', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(hostile)));
    }

    @Test
    void reportsStreamEndingInsideHeader() {
        byte[] truncated = {'O', 0, 0};
        assertThrows(EOFException.class, () -> Frames.read(new ByteArrayInputStream(truncated)));
    }

    @Test
    void reportsStreamEndingInsidePayload() {
        byte[] truncated = {'O', 0, 0, 0, 5, 'a', 'b'};
        assertThrows(EOFException.class, () -> Frames.read(new ByteArrayInputStream(truncated)));
    }

    @Test
    void refusesStatusOfFrameThatIsNotExit() throws IOException {
        Frames.Frame frame = new Frames.Frame(Frames.STDOUT, "abcd".getBytes(StandardCharsets.US_ASCII));
        assertThrows(ProtocolException.class, frame::status);
    }
}
