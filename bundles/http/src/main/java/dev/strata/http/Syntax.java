package dev.strata.http;

/** Character classes of RFC 9110 5.6 and RFC 3986, as lookup tables. */
final class Syntax {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] HOST = new boolean[256];
    private static final boolean[] SCHEME = new boolean[256];

    static {
        // RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
        // "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = HOST[c] = SCHEME[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = HOST[c] = SCHEME[c] = true;
            TCHAR[c - 32] = HOST[c - 32] = SCHEME[c - 32] = true;
        }
        // RFC 3986 3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ), IP-literal in
        // brackets, then ":" port.
        for (char c : "-._~%!$&'()*+,;=:[]".toCharArray()) {
            HOST[c] = true;
        }
        for (char c : "+-.".toCharArray()) {
            SCHEME[c] = true;
        }
    }

    private Syntax() {
    }

    static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isHostChar(int b) {
        return HOST[b & 0xFF];
    }

    static boolean isSchemeChar(int b) {
        return SCHEME[b & 0xFF];
    }

    /** RFC 9110 5.5: field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value. */
    static boolean isFieldValueChar(int b) {
        b &= 0xFF;
        return b >= 0x20 && b != 0x7F || b == '\t';
    }

    /** RFC 9112 3.2 and RFC 3986: a request-target is visible ASCII, no whitespace, no CTL. */
    static boolean isTargetChar(int b) {
        return b > 0x20 && b < 0x7F;
    }

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t';
    }

    static int hexValue(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
