package dev.strata.tcp;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 3.4): sequence numbers are ints and
 * compared by the sign of their difference, so that comparisons hold across the wrap from
 * 2^32 - 1 to 0 as long as the two numbers are less than 2^31 apart (RFC 1982 serial number
 * arithmetic).
 */
final class Seq {

    private Seq() {
    }

    /** a < b (RFC 9293 3.4 "=<" and "<" are meant modulo 2^32). */
    static boolean lt(int a, int b) {
        return a - b < 0;
    }

    static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static boolean gt(int a, int b) {
        return a - b > 0;
    }

    static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** low <= x < high: x within the half-open window starting at low. */
    static boolean inWindow(int x, int low, int high) {
        return x - low >= 0 && x - high < 0;
    }

    /** low <= x <= high. */
    static boolean between(int low, int x, int high) {
        return x - low >= 0 && high - x >= 0;
    }

    /** The distance from a to b (b - a), meaningful when b is at most 2^31 - 1 ahead. */
    static int distance(int a, int b) {
        return b - a;
    }

    static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** For messages and tests: the unsigned value. */
    static long unsigned(int seq) {
        return seq & 0xffff_ffffL;
    }
}
