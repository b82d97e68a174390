package dev.strata.control;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A command's stdout or stderr: bytes written here leave as frames of one type.
 *
 * <p>Line-buffered like a terminal: a frame goes out at every write that contains a newline, when
 * the buffer fills, and on {@link #flush()}, so a long command such as {@code ping} streams its
 * lines while it runs even when Gogo wraps this stream in a writer that never flushes. The lock
 * object is shared by the stdout and stderr streams of a connection, so frames never interleave.
 */
final class FrameOutputStream extends OutputStream {

    private static final int CAPACITY = 8192;

    private final OutputStream sink;
    private final Object lock;
    private final byte type;
    private final byte[] buffer = new byte[CAPACITY];
    private int count;

    FrameOutputStream(OutputStream sink, Object lock, byte type) {
        this.sink = sink;
        this.lock = lock;
        this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
        synchronized (lock) {
            if (count == CAPACITY) {
                drain();
            }
            buffer[count++] = (byte) b;
            if (b == '\n') {
                drain();
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (lock) {
            boolean newline = false;
            for (int i = 0; i < len; i++) {
                if (count == CAPACITY) {
                    drain();
                }
                byte c = b[off + i];
                buffer[count++] = c;
                newline |= c == '\n';
            }
            if (newline) {
                drain();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0;
            Frames.write(sink, type, buffer, 0, n);
        }
    }
}
