package dev.strata.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FrameOutputStreamTest {

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final FrameOutputStream stream = new FrameOutputStream(wire, new Object(), Frames.STDOUT);

    @Test
    void sendsFrameAtEachNewlineSoLongCommandsStream() throws IOException {
        stream.write("64 bytes from 127.0.0.1\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("64 bytes from 127.0.0.1\n", frames().read().text());
    }

    @Test
    void holdsPartialLineUntilFlush() throws IOException {
        stream.write("no newline".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, wire.size());
        stream.flush();
        assertEquals("no newline", frames().read().text());
    }

    @Test
    void singleBytesAreSentAtNewline() throws IOException {
        for (byte b : "ok\n".getBytes(StandardCharsets.US_ASCII)) {
            stream.write(b);
        }
        Reader frames = frames();
        assertEquals("ok\n", frames.read().text());
        assertNull(frames.read());
    }

    @Test
    void sendsFullBufferWithoutWaitingForNewline() throws IOException {
        byte[] long_ = new byte[20000];
        java.util.Arrays.fill(long_, (byte) 'x');
        stream.write(long_);
        assertEquals(8192, frames().read().payload().length);
    }

    @Test
    void worksUnderAPrintStreamThatNeverFlushes() {
        PrintStream print = new PrintStream(stream, false, StandardCharsets.UTF_8);
        print.println("line");
        assertEquals("line\n", frames().read().text());
    }

    private Reader frames() {
        return new Reader(new ByteArrayInputStream(wire.toByteArray()));
    }

    private record Reader(ByteArrayInputStream in) {
        Frames.Frame read() {
            try {
                return Frames.read(in);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
