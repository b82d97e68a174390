package dev.strata.http;

/**
 * Formats IMF-fixdate (RFC 9110 5.6.7), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}, into bytes
 * without allocating: the Date header of every response.
 */
public final class HttpDate {

    /** Length of an IMF-fixdate. */
    public static final int LENGTH = 29;

    private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HttpDate() {
    }

    /** Write the IMF-fixdate of {@code epochMillis} (UTC) at {@code dst[off, off + 29)}. */
    public static void format(long epochMillis, byte[] dst, int off) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long days = Math.floorDiv(seconds, 86400);
        int secOfDay = (int) Math.floorMod(seconds, 86400);
        // 1970-01-01 was a Thursday, the first entry of DAYS.
        int dow = (int) Math.floorMod(days, 7);
        // Civil date from days since the epoch (H. Hinnant's days_from_civil inverse).
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        System.arraycopy(DAYS, dow * 3, dst, off, 3);
        dst[off + 3] = ',';
        dst[off + 4] = ' ';
        two(dst, off + 5, day);
        dst[off + 7] = ' ';
        System.arraycopy(MONTHS, (month - 1) * 3, dst, off + 8, 3);
        dst[off + 11] = ' ';
        int y = (int) year;
        two(dst, off + 12, y / 100 % 100);
        two(dst, off + 14, y % 100);
        dst[off + 16] = ' ';
        two(dst, off + 17, secOfDay / 3600);
        dst[off + 19] = ':';
        two(dst, off + 20, secOfDay / 60 % 60);
        dst[off + 22] = ':';
        two(dst, off + 23, secOfDay % 60);
        dst[off + 25] = ' ';
        dst[off + 26] = 'G';
        dst[off + 27] = 'M';
        dst[off + 28] = 'T';
    }

    private static void two(byte[] dst, int off, int v) {
        dst[off] = (byte) ('0' + v / 10);
        dst[off + 1] = (byte) ('0' + v % 10);
    }
}
