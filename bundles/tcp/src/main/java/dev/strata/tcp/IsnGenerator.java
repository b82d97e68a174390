package dev.strata.tcp;

import java.security.SecureRandom;

import dev.strata.api.time.Scheduler;

/**
 * Initial sequence numbers per RFC 6528 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), where M is a timer ticking every 4 microseconds (RFC 9293 3.4.1)
 * and F a keyed pseudo-random function: here SipHash-2-4 (the function Linux uses in
 * {@code secure_tcp_seq}) with a 128-bit key drawn once from {@link SecureRandom}. An
 * off-path attacker cannot predict another connection's ISN, and a new incarnation of the
 * same 4-tuple starts above the old one as the clock moved on.
 */
class IsnGenerator {

    private final Scheduler clock;
    private final long k0;
    private final long k1;

    IsnGenerator(Scheduler clock) {
        this(clock, new SecureRandom());
    }

    IsnGenerator(Scheduler clock, SecureRandom random) {
        this(clock, random.nextLong(), random.nextLong());
    }

    /** With a fixed key: for tests. */
    IsnGenerator(Scheduler clock, long k0, long k1) {
        this.clock = clock;
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The ISN for a connection of this 4-tuple now. */
    int next(int localAddress, int localPort, int remoteAddress, int remotePort) {
        long m = clock.nanoTime() / 4_000; // RFC 6528 3: M is a 4-microsecond timer
        long f = sipHash(k0, k1, ((long) localAddress << 32) | (remoteAddress & 0xffff_ffffL),
                ((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff));
        return (int) (m + f);
    }

    /** A keyed hash of two words under this generator's secret (a {@code tweak} per use keeps the uses apart): SYN cookies. */
    long keyedHash(long tweak, long m0, long m1) {
        return sipHash(k0 ^ tweak, k1, m0, m1);
    }

    /** SipHash-2-4 (Aumasson and Bernstein) of two 64-bit message words, 16 bytes of input. */
    static long sipHash(long k0, long k1, long m0, long m1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        for (int word = 0; word < 3; word++) {
            // the final word carries the message length (16 bytes) in its top byte
            long m = word == 0 ? m0 : word == 1 ? m1 : (16L << 56);
            v3 ^= m;
            for (int round = 0; round < 2; round++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int round = 0; round < 4; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
