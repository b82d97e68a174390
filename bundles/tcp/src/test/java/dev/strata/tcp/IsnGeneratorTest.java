package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.strata.api.time.ManualScheduler;

class IsnGeneratorTest {

    @Test
    void sipHashMatchesTheReferenceVectorForSixteenBytes() {
        // Reference test vectors (SipHash paper, appendix A; vectors.h): key 00..0f,
        // message 00..0f, read as little-endian words; output bytes db 9b c2 57 7f cc 2a 3f.
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertEquals(0x3f2acc7f57c29bdbL, IsnGenerator.sipHash(k0, k1, k0, k1));
    }

    @Test
    void isnAdvancesOneEveryFourMicrosecondsForTheSameTuple() {
        ManualScheduler clock = new ManualScheduler();
        IsnGenerator isn = new IsnGenerator(clock, 1, 2);
        int first = isn.next(0x0a000001, 1000, 0x0a000002, 80);
        clock.advance(4_000, TimeUnit.MICROSECONDS);
        assertEquals(first + 1000, isn.next(0x0a000001, 1000, 0x0a000002, 80));
    }

    @Test
    void differentTuplesAndKeysGetUnrelatedIsns() {
        ManualScheduler clock = new ManualScheduler();
        IsnGenerator isn = new IsnGenerator(clock, 1, 2);
        int a = isn.next(0x0a000001, 1000, 0x0a000002, 80);
        assertNotEquals(a, isn.next(0x0a000001, 1001, 0x0a000002, 80));
        assertNotEquals(a, isn.next(0x0a000001, 1000, 0x0a000003, 80));
        assertNotEquals(a, new IsnGenerator(clock, 3, 4).next(0x0a000001, 1000, 0x0a000002, 80));
    }
}
