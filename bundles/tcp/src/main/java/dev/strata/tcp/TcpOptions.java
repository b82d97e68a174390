package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;

/**
 * The TCP options Strata understands, parsed from and emitted to a header's option bytes:
 * one reusable instance per thread or connection, so parsing allocates nothing.
 *
 * <p>Kinds (RFC 9293 3.2 and the IANA registry): 0 End of Option List, 1 No-Operation, 2
 * Maximum Segment Size (RFC 9293 3.7.1), 3 Window Scale (RFC 7323 2.2), 4 SACK-Permitted and
 * 5 SACK (RFC 2018 2, 3), 8 Timestamps (RFC 7323 3.2). Other kinds are skipped by their
 * length (RFC 9293 3.1: "must be prepared to handle an illegal option length"; RFC 1122
 * 4.2.2.5: ignore unknown options).
 */
final class TcpOptions {

    static final int KIND_EOL = 0;
    static final int KIND_NOP = 1;
    static final int KIND_MSS = 2;
    static final int KIND_WINDOW_SCALE = 3;
    static final int KIND_SACK_PERMITTED = 4;
    static final int KIND_SACK = 5;
    static final int KIND_TIMESTAMPS = 8;

    static final int LENGTH_MSS = 4;
    static final int LENGTH_WINDOW_SCALE = 3;
    static final int LENGTH_SACK_PERMITTED = 2;
    static final int LENGTH_TIMESTAMPS = 10;

    /** RFC 7323 2.3: a shift above 14 is used as 14. */
    static final int MAX_WINDOW_SCALE = 14;
    /** 40 option bytes hold at most 4 SACK blocks (RFC 2018 3); 3 alongside timestamps. */
    static final int MAX_SACK_BLOCKS = 4;

    /** The MSS option's value, or -1 when absent. */
    int mss = -1;
    /** The window scale shift (already capped at 14), or -1 when absent. */
    int windowScale = -1;
    boolean sackPermitted;
    boolean timestamps;
    /** TSval and TSecr (RFC 7323 3.2), meaningful when {@link #timestamps}. */
    int tsVal;
    int tsEcr;
    /** SACK blocks received or to send: left edge at [2i], right edge at [2i+1]. */
    final int[] sackBlocks = new int[2 * MAX_SACK_BLOCKS];
    int sackBlockCount;

    /** Forgets every option (before a parse, or before setting what to emit). */
    TcpOptions clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /**
     * Parses the {@code length} option bytes at {@code at} (the header's bytes after the
     * fixed 20). Returns null, or {@link TcpStatistic#BAD_OPTION} when an option's length is
     * below 2, runs past the options, or does not match its kind: such a segment is dropped.
     */
    TcpStatistic parse(PacketBuffer b, int at, int length) {
        clear();
        int i = at;
        int end = at + length;
        while (i < end) {
            int kind = b.getU8(i);
            if (kind == KIND_EOL) {
                break; // RFC 9293 3.1: the end of the option list; what follows is padding
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return TcpStatistic.BAD_OPTION; // no room for the length octet
            }
            int optionLength = b.getU8(i + 1);
            if (optionLength < 2 || i + optionLength > end) {
                return TcpStatistic.BAD_OPTION;
            }
            switch (kind) {
                case KIND_MSS -> {
                    if (optionLength != LENGTH_MSS) {
                        return TcpStatistic.BAD_OPTION;
                    }
                    mss = b.getU16(i + 2);
                }
                case KIND_WINDOW_SCALE -> {
                    if (optionLength != LENGTH_WINDOW_SCALE) {
                        return TcpStatistic.BAD_OPTION;
                    }
                    // RFC 7323 2.3: "use 14 instead of the specified value"
                    windowScale = Math.min(b.getU8(i + 2), MAX_WINDOW_SCALE);
                }
                case KIND_SACK_PERMITTED -> {
                    if (optionLength != LENGTH_SACK_PERMITTED) {
                        return TcpStatistic.BAD_OPTION;
                    }
                    sackPermitted = true;
                }
                case KIND_SACK -> {
                    // RFC 2018 3: length 2 + 8n for n blocks, n from 1 to 4
                    int blocks = (optionLength - 2) / 8;
                    if ((optionLength - 2) % 8 != 0 || blocks < 1 || blocks > MAX_SACK_BLOCKS) {
                        return TcpStatistic.BAD_OPTION;
                    }
                    for (int k = 0; k < blocks; k++) {
                        sackBlocks[2 * k] = b.getI32(i + 2 + 8 * k);
                        sackBlocks[2 * k + 1] = b.getI32(i + 6 + 8 * k);
                    }
                    sackBlockCount = blocks;
                }
                case KIND_TIMESTAMPS -> {
                    if (optionLength != LENGTH_TIMESTAMPS) {
                        return TcpStatistic.BAD_OPTION;
                    }
                    timestamps = true;
                    tsVal = b.getI32(i + 2);
                    tsEcr = b.getI32(i + 6);
                }
                default -> {
                    // unknown kind: skipped by its (checked) length
                }
            }
            i += optionLength;
        }
        return null;
    }

    /**
     * Bytes {@link #write} emits for these options on a segment with or without SYN, a
     * multiple of 4. MSS, window scale and SACK-permitted are only sent on SYNs (RFC 9293
     * 3.7.1, RFC 7323 2.2, RFC 2018 2); timestamps and SACK blocks on any segment.
     */
    int length(boolean syn) {
        int n = 0;
        if (syn) {
            if (mss >= 0) {
                n += 4;
            }
            if (timestamps || sackPermitted) {
                n += timestamps ? 12 : 4; // SACK-permitted rides in the NOP NOP in front of TS
            }
            if (windowScale >= 0) {
                n += 4;
            }
        } else if (timestamps) {
            n += 12;
        }
        int blocks = Math.min(sackBlockCount, timestamps ? 3 : MAX_SACK_BLOCKS);
        if (blocks > 0) {
            n += 4 + 8 * blocks;
        }
        return n;
    }

    /**
     * Writes the options at {@code at} in Linux's layout ({@code tcp_options_write}), so a
     * peer sees what it sees from Linux: MSS; SACK-permitted + timestamps, or NOP NOP
     * timestamps, or NOP NOP SACK-permitted; NOP window scale; NOP NOP SACK blocks (at most 3
     * with timestamps, as 40 bytes allow). Returns {@link #length(boolean)}.
     */
    int write(PacketBuffer b, int at, boolean syn) {
        int i = at;
        if (syn && mss >= 0) {
            b.putU8(i, KIND_MSS);
            b.putU8(i + 1, LENGTH_MSS);
            b.putU16(i + 2, mss);
            i += 4;
        }
        if (timestamps) {
            if (syn && sackPermitted) {
                b.putU8(i, KIND_SACK_PERMITTED);
                b.putU8(i + 1, LENGTH_SACK_PERMITTED);
            } else {
                b.putU8(i, KIND_NOP);
                b.putU8(i + 1, KIND_NOP);
            }
            b.putU8(i + 2, KIND_TIMESTAMPS);
            b.putU8(i + 3, LENGTH_TIMESTAMPS);
            b.putI32(i + 4, tsVal);
            b.putI32(i + 8, tsEcr);
            i += 12;
        } else if (syn && sackPermitted) {
            b.putU8(i, KIND_NOP);
            b.putU8(i + 1, KIND_NOP);
            b.putU8(i + 2, KIND_SACK_PERMITTED);
            b.putU8(i + 3, LENGTH_SACK_PERMITTED);
            i += 4;
        }
        if (syn && windowScale >= 0) {
            b.putU8(i, KIND_NOP);
            b.putU8(i + 1, KIND_WINDOW_SCALE);
            b.putU8(i + 2, LENGTH_WINDOW_SCALE);
            b.putU8(i + 3, windowScale);
            i += 4;
        }
        int blocks = Math.min(sackBlockCount, timestamps ? 3 : MAX_SACK_BLOCKS);
        if (blocks > 0) {
            b.putU8(i, KIND_NOP);
            b.putU8(i + 1, KIND_NOP);
            b.putU8(i + 2, KIND_SACK);
            b.putU8(i + 3, 2 + 8 * blocks);
            i += 4;
            for (int k = 0; k < blocks; k++) {
                b.putI32(i, sackBlocks[2 * k]);
                b.putI32(i + 4, sackBlocks[2 * k + 1]);
                i += 8;
            }
        }
        return i - at;
    }
}
