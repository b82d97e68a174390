package dev.strata.tcp;

import dev.strata.api.buffer.PacketBuffer;
import dev.strata.api.time.Scheduler;
import dev.strata.api.transport.StreamOptions;

/**
 * SYN cookies (RFC 4987 3.6), as Linux computes them ({@code net/ipv4/syncookies.c}): when a
 * listener's SYN queue is full (or always, {@code syncookies=2}) the SYN is answered with a
 * SYN-ACK whose ISN encodes the connection instead of a queue entry, and the state is rebuilt
 * from the ACK that returns ISN + 1.
 *
 * <p>The ISN: {@code H0(4-tuple) + SEG.SEQ + (count << 24) + ((H1(4-tuple, count) + mssIndex)
 * mod 2^24)}, where count is a minute counter, mssIndex the peer's MSS rounded down to
 * {@link #MSS_TABLE} (Linux's {@code msstab}) and H0, H1 SipHash-2-4 under the stack's secret
 * key (as {@link IsnGenerator}). On the ACK the two hashes are peeled off; the cookie is valid
 * when its count is at most {@link #MAX_AGE} minutes old and the remainder is an index of the
 * table. Options the ISN has no room for ride in the low {@link #TS_BITS} bits of our TSval
 * when the peer sent timestamps (Linux's {@code cookie_init_timestamp}): its window scale (15
 * for none), SACK-permitted and ECN; the peer echoes the TSval in its ACK's TSecr. Without
 * timestamps the connection has neither window scaling nor SACK.
 *
 * <p>Stateless and allocation-free: a SYN flood costs a hash and a pooled buffer per SYN.
 */
final class SynCookies {

    /** Linux's msstab: the peer MSS values a cookie can express (two bits). */
    static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    /** Linux COOKIEBITS: the low 24 bits carry hash + data, the upper 8 the minute counter. */
    static final int COOKIE_BITS = 24;
    static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    /** Linux MAX_SYNCOOKIE_AGE: a cookie of this minute or the previous one is accepted. */
    static final int MAX_AGE = 2;
    static final long MINUTE_NANOS = 60_000_000_000L;
    /** Linux TCP_SYNCOOKIE_VALID: cookie ACKs are looked at for 2 minutes after the last overflow. */
    static final long VALID_NANOS = 2 * MINUTE_NANOS;

    /** Linux TSBITS and the option bits in the TSval (TS_OPT_WSCALE_MASK, TS_OPT_SACK, TS_OPT_ECN). */
    static final int TS_BITS = 6;
    static final int TS_WSCALE_MASK = 0xf;
    static final int TS_SACK = 0x10;
    static final int TS_ECN = 0x20;

    private static final long TWEAK_H0 = 0x636f6f6b69653030L; // "cookie00"
    private static final long TWEAK_H1 = 0x636f6f6b69653031L; // "cookie01"
    private static final long TWEAK_TS = 0x636f6f6b69657473L; // "cookiets"

    private final IsnGenerator keys;
    private final Scheduler clock;
    private final ThreadLocal<TcpOptions> options = ThreadLocal.withInitial(TcpOptions::new);

    SynCookies(IsnGenerator keys, Scheduler clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The minute counter (Linux tcp_cookie_time). */
    static int count(long nowNanos) {
        return (int) (nowNanos / MINUTE_NANOS);
    }

    /** The largest table entry not above the peer's MSS (Linux __cookie_v4_init_sequence). */
    static int mssIndex(int peerMss) {
        int i = MSS_TABLE.length - 1;
        while (i > 0 && peerMss < MSS_TABLE[i]) {
            i--;
        }
        return i;
    }

    private int hash(long tweak, int localAddress, int localPort, int remoteAddress, int remotePort, int count) {
        return (int) keys.keyedHash(tweak, ((long) remoteAddress << 32) | (localAddress & 0xffff_ffffL),
                ((long) (remotePort & 0xffff) << 48) | ((long) (localPort & 0xffff) << 32) | (count & 0xffff_ffffL));
    }

    /** The ISN of a cookie SYN-ACK (Linux secure_tcp_syn_cookie). */
    int cookie(int localAddress, int localPort, int remoteAddress, int remotePort, int peerIsn, int mssIndex, long now) {
        int count = count(now);
        return hash(TWEAK_H0, localAddress, localPort, remoteAddress, remotePort, 0) + peerIsn + (count << COOKIE_BITS)
                + ((hash(TWEAK_H1, localAddress, localPort, remoteAddress, remotePort, count) + mssIndex) & COOKIE_MASK);
    }

    /**
     * The MSS index a returned cookie carries, or -1 when it is forged or too old (Linux
     * check_tcp_syn_cookie). {@code cookie} is SEG.ACK - 1, {@code peerIsn} SEG.SEQ - 1.
     */
    int check(int localAddress, int localPort, int remoteAddress, int remotePort, int cookie, int peerIsn, long now) {
        int count = count(now);
        int c = cookie - (hash(TWEAK_H0, localAddress, localPort, remoteAddress, remotePort, 0) + peerIsn);
        int diff = (count - (c >>> COOKIE_BITS)) & (-1 >>> COOKIE_BITS);
        if (diff >= MAX_AGE) {
            return -1;
        }
        int data = (c - hash(TWEAK_H1, localAddress, localPort, remoteAddress, remotePort, count - diff)) & COOKIE_MASK;
        return data < MSS_TABLE.length ? data : -1;
    }

    /** The TSval offset of a cookie connection: fixed per 4-tuple, so that the ACK's connection continues the SYN-ACK's clock. */
    int tsOffset(int localAddress, int localPort, int remoteAddress, int remotePort) {
        return hash(TWEAK_TS, localAddress, localPort, remoteAddress, remotePort, 0);
    }

    /** Our TSval with the options in its low bits, never ahead of the clock (Linux cookie_init_timestamp). */
    static int encodeTimestamp(int tsClock, int optionBits) {
        int ts = (tsClock & ~((1 << TS_BITS) - 1)) | optionBits;
        if (Integer.compareUnsigned(ts, tsClock) > 0) {
            ts -= 1 << TS_BITS;
        }
        return ts;
    }

    /**
     * Answers a SYN for {@code listener} with a cookie SYN-ACK and keeps nothing: the MSS we
     * offer (from the route), and, when the SYN had timestamps, TS with the options encoded and
     * window scale / SACK-permitted as the peer offered them.
     */
    void sendSynAck(TcpStack stack, Listener listener, Segment syn) {
        long now = clock.nanoTime();
        int peerMss = syn.options.mss > 0 ? syn.options.mss : 536;
        int iss = cookie(syn.destination, syn.destinationPort, syn.source, syn.sourcePort, syn.seq, mssIndex(peerMss), now);
        int capacity = receiveCapacity(listener.options);
        TcpOptions out = options.get().clear();
        out.mss = stack.localMss(syn.source);
        if (syn.options.timestamps) {
            // RFC 7323 2.2, RFC 2018 2: only what the peer offered; without timestamps there is no room for them
            int bits = syn.options.windowScale >= 0 ? syn.options.windowScale : TS_WSCALE_MASK;
            if (syn.options.windowScale >= 0) {
                out.windowScale = Handshake.windowShiftFor(capacity);
            }
            if (syn.options.sackPermitted) {
                out.sackPermitted = true;
                bits |= TS_SACK;
            }
            int tsClock = (int) (now / 1_000_000L) + tsOffset(syn.destination, syn.destinationPort, syn.source, syn.sourcePort);
            out.timestamps = true;
            out.tsVal = encodeTimestamp(tsClock, bits);
            out.tsEcr = syn.options.tsVal;
        }
        int optionLength = out.length(true);
        int headerLength = TcpHeader.MIN_LENGTH + optionLength;
        PacketBuffer b = stack.pool.allocate(headerLength);
        int at = b.append(headerLength);
        // RFC 7323 2.2: the window of a SYN segment is never scaled
        TcpHeader.write(b, at, syn.destinationPort, syn.sourcePort, iss, syn.seq + 1, headerLength,
                TcpHeader.SYN | TcpHeader.ACK, Math.min(capacity, 65535));
        out.write(b, at + TcpHeader.MIN_LENGTH, true);
        TcpHeader.writeChecksum(b, at, headerLength, syn.destination, syn.source);
        b.transportOffset(at);
        stack.counters.increment(TcpStatistic.OUT_SEGS);
        stack.counters.increment(TcpStatistic.SYNCOOKIES_SENT);
        stack.transmit(b, syn.destination, syn.source);
    }

    /** The receive buffer the window scale is chosen for (Handshake.offeredWindowShift: auto-tuned, its maximum). */
    static int receiveCapacity(StreamOptions options) {
        return options.receiveBuffer() == StreamOptions.AUTOMATIC ? BufferTuning.RECEIVE_MAX : options.receiveBuffer();
    }
}
