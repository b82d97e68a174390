package dev.strata.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeqTest {

    private static final int NEAR_WRAP = 0xffff_fff0; // 2^32 - 16

    @Test
    void comparesAcrossTheWrapAtTwoToThe32() {
        int after = NEAR_WRAP + 32; // 16 after the wrap
        assertEquals(16, after);
        assertTrue(Seq.lt(NEAR_WRAP, after));
        assertTrue(Seq.le(NEAR_WRAP, after));
        assertTrue(Seq.gt(after, NEAR_WRAP));
        assertTrue(Seq.ge(after, NEAR_WRAP));
        assertFalse(Seq.lt(after, NEAR_WRAP));
        assertEquals(32, Seq.distance(NEAR_WRAP, after));
        assertEquals(after, Seq.max(NEAR_WRAP, after));
        assertEquals(NEAR_WRAP, Seq.min(after, NEAR_WRAP));
    }

    @Test
    void comparesAcrossTheSignBoundaryOfInt() {
        int a = 0x7fff_fff0;
        int b = a + 0x20; // negative as an int
        assertTrue(b < 0);
        assertTrue(Seq.lt(a, b));
        assertTrue(Seq.gt(b, a));
    }

    @Test
    void windowIsHalfOpenAndWraps() {
        int low = NEAR_WRAP;
        int high = NEAR_WRAP + 100;
        assertTrue(Seq.inWindow(NEAR_WRAP, low, high));
        assertTrue(Seq.inWindow(0, low, high));
        assertTrue(Seq.inWindow(high - 1, low, high));
        assertFalse(Seq.inWindow(high, low, high));
        assertFalse(Seq.inWindow(low - 1, low, high));
        assertTrue(Seq.between(low, high, high));
        assertFalse(Seq.between(low, high + 1, high));
    }

    @Test
    void equalNumbersAreNeitherLessNorGreater() {
        assertFalse(Seq.lt(NEAR_WRAP, NEAR_WRAP));
        assertFalse(Seq.gt(NEAR_WRAP, NEAR_WRAP));
        assertTrue(Seq.le(NEAR_WRAP, NEAR_WRAP));
        assertEquals(4294967280L, Seq.unsigned(NEAR_WRAP));
    }
}
