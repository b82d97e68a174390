package dev.strata.services;

import java.nio.ByteBuffer;

/**
 * The character generator's data, RFC 864's "popular pattern": lines of 72 of the 95
 * printing ASCII characters (codes 32 to 126, from the space as BSD inetd's chargen) followed
 * by CR LF, each line starting one character further along the 95-character cycle, so the
 * whole stream repeats every 95 lines
 * ({@link #PERIOD} bytes). It is precomputed once, read-only and shared, with one write's
 * worth of bytes after the period, so any window of up to {@link #MAX_WRITE} bytes starting
 * at any phase is one slice of it: writing allocates nothing.
 */
final class Chargen {

    /** RFC 864: "72 chars/line". */
    static final int LINE = 72;
    /** The printable characters, codes 32 (space) to 126. */
    static final int CHARACTERS = 95;
    /** One line with its CR LF. */
    static final int LINE_BYTES = LINE + 2;
    /** The pattern's period in bytes: 95 lines. */
    static final int PERIOD = CHARACTERS * LINE_BYTES;
    /** The most one write takes from {@link #slice}. */
    static final int MAX_WRITE = 64 * 1024;

    private static final byte[] PATTERN = pattern(PERIOD + MAX_WRITE);

    private Chargen() {
    }

    /** The first {@code length} bytes of the stream. */
    static byte[] pattern(int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int inPeriod = i % PERIOD;
            int line = inPeriod / LINE_BYTES;
            int column = inPeriod % LINE_BYTES;
            if (column == LINE) {
                out[i] = '\r';
            } else if (column == LINE + 1) {
                out[i] = '\n';
            } else {
                out[i] = (byte) (32 + (line + column) % CHARACTERS);
            }
        }
        return out;
    }

    /** A read-only view of the precomputed stream; a session sets its position and limit per write. */
    static ByteBuffer buffer() {
        return ByteBuffer.wrap(PATTERN).asReadOnlyBuffer();
    }
}
