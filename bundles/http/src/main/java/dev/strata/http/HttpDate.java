package dev.strata.http;

/**
 * Formats IMF-fixdate (RFC 9110 5.6.7), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}, into bytes
 * without allocating: the Date header of every response. Parses the three formats a recipient must
 * accept (conditional requests).
 */
public final class HttpDate {

    /** Length of an IMF-fixdate. */
    public static final int LENGTH = 29;

    private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What {@link #parse} returns for a value that is not an HTTP-date. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final java.time.format.DateTimeFormatter IMF_FIXDATE = java.time.format.DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
    /** RFC 850's obsolete form, e.g. {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static final java.time.format.DateTimeFormatter RFC_850 = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(java.util.Locale.US);
    /** C's asctime() form, e.g. {@code Sun Nov  6 08:49:37 1994}. */
    private static final java.time.format.DateTimeFormatter ASCTIME = java.time.format.DateTimeFormatter
            .ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US);

    private HttpDate() {
    }

    /** The IMF-fixdate of {@code epochMillis} as a string (a Last-Modified value). */
    public static String format(long epochMillis) {
        byte[] b = new byte[LENGTH];
        format(epochMillis, b, 0);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * The instant of an HTTP-date (RFC 9110 5.6.7: IMF-fixdate, and the obsolete RFC 850 and
     * asctime forms a recipient must accept), in epoch milliseconds; {@link #INVALID} when
     * {@code value} is null or none of them.
     */
    public static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String v = value.trim();
        for (java.time.format.DateTimeFormatter format : new java.time.format.DateTimeFormatter[] { IMF_FIXDATE, RFC_850, ASCTIME }) {
            try {
                return java.time.LocalDateTime.parse(v, format).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                // try the next form
            }
        }
        return INVALID;
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
