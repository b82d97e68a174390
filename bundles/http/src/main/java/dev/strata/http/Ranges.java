package dev.strata.http;

/** The Range header field of a request (RFC 9110 14.1.2, 14.2), as a file server uses it. */
final class Ranges {

    /** The answer for a range set none of whose ranges overlaps the representation: 416. */
    static final long[] UNSATISFIABLE = new long[0];

    private Ranges() {
    }

    /**
     * The one byte range {@code header} asks of a representation of {@code size} bytes, as
     * {first, last} with last clipped to the end (RFC 9110 14.1.2); {@link #UNSATISFIABLE} when no
     * range of it overlaps the representation; null when the field is to be ignored and the whole
     * representation sent (RFC 9110 14.2: another unit, a syntax error, or several ranges, which
     * this server does not send as multipart/byteranges).
     */
    static long[] single(String header, long size) {
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return null;
        }
        String[] specs = header.substring(eq + 1).split(",", -1);
        long[] result = null;
        int satisfiable = 0;
        int specCount = 0;
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue; // RFC 9110 5.6.1: empty list elements are ignored
            }
            specCount++;
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            long first;
            long last;
            if (dash == 0) {
                long suffix = digits(spec, 1, spec.length());
                if (suffix < 0) {
                    return null;
                }
                if (suffix == 0 || size == 0) {
                    continue; // RFC 9110 14.1.3: a suffix of 0 is unsatisfiable
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = digits(spec, 0, dash);
                last = dash == spec.length() - 1 ? Long.MAX_VALUE : digits(spec, dash + 1, spec.length());
                if (first < 0 || last < 0 || last < first) {
                    return null; // RFC 9110 14.1.1: an invalid range-spec makes the set invalid
                }
                if (first >= size) {
                    continue;
                }
                last = Math.min(last, size - 1);
            }
            satisfiable++;
            result = new long[] { first, last };
        }
        if (specCount == 0) {
            return null;
        }
        if (satisfiable == 0) {
            return UNSATISFIABLE;
        }
        return specCount == 1 ? result : null;
    }

    /** The decimal in {@code s[from, to)}, or -1 when it is empty, not all digits, or too long for a long. */
    private static long digits(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
