package dev.strata.http;

import dev.strata.api.http.HttpRequest;

/**
 * Validators and conditional requests (RFC 9110 8.8, 13) for a representation known by an entity
 * tag and a modification time.
 */
final class Validators {

    private Validators() {
    }

    /**
     * A strong entity tag (RFC 9110 8.8.3) of a file: its size and modification time in nanoseconds,
     * in hex. A file rewritten within the clock's resolution to the same size keeps its tag, the
     * compromise every file server makes (nginx uses the same two values).
     */
    static String etag(long size, long modifiedNanos) {
        return "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedNanos) + "\"";
    }

    /**
     * Evaluates the preconditions of {@code request} in the order of RFC 9110 13.2.2.
     *
     * @return 0 to go on with the request, 304 (Not Modified) or 412 (Precondition Failed)
     */
    static int evaluate(HttpRequest request, String etag, long modifiedMillis) {
        boolean getOrHead = "GET".equals(request.method()) || "HEAD".equals(request.method());
        long modified = Math.floorDiv(modifiedMillis, 1000);
        String ifMatch = request.header("If-Match");
        if (ifMatch != null) {
            // step 1: RFC 9110 13.1.1, the strong comparison
            if (!listMatches(ifMatch, etag, true)) {
                return 412;
            }
        } else {
            // step 2: RFC 9110 13.1.4, ignored when not a valid HTTP-date
            long since = HttpDate.parse(request.header("If-Unmodified-Since"));
            if (since != HttpDate.INVALID && modified > Math.floorDiv(since, 1000)) {
                return 412;
            }
        }
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null) {
            // step 3: RFC 9110 13.1.2, the weak comparison
            if (listMatches(ifNoneMatch, etag, false)) {
                return getOrHead ? 304 : 412;
            }
        } else if (getOrHead) {
            // step 4: RFC 9110 13.1.3
            long since = HttpDate.parse(request.header("If-Modified-Since"));
            if (since != HttpDate.INVALID && modified <= Math.floorDiv(since, 1000)) {
                return 304;
            }
        }
        return 0;
    }

    /**
     * RFC 9110 13.1.5: whether a Range request may be served as a range: no If-Range, or one naming
     * the current entity tag (strong comparison; a weak tag never does), or exactly the current
     * Last-Modified date.
     */
    static boolean ifRangeHolds(String ifRange, String etag, long modifiedMillis) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return !value.startsWith("W/") && value.equals(etag);
        }
        long date = HttpDate.parse(value);
        return date != HttpDate.INVALID && Math.floorDiv(date, 1000) == Math.floorDiv(modifiedMillis, 1000);
    }

    /**
     * Whether the field value {@code list} ({@code "*"} or a comma list of entity tags, RFC 9110
     * 13.1.1) names {@code etag}: by the strong comparison (weak tags never match) or the weak one
     * (W/ ignored), RFC 9110 8.8.3.2. A malformed list matches nothing.
     */
    static boolean listMatches(String list, String etag, boolean strong) {
        String value = list.trim();
        if (value.equals("*")) {
            return true;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
                i++;
            }
            if (i == n) {
                break;
            }
            boolean weak = value.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= n || value.charAt(i) != '"') {
                return false;
            }
            int close = value.indexOf('"', i + 1);
            if (close < 0) {
                return false;
            }
            if ((!strong || !weak) && value.regionMatches(i, etag, 0, etag.length()) && close + 1 - i == etag.length()) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
