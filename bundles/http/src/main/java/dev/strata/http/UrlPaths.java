package dev.strata.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The path of a request-target as file names: percent-decoding (RFC 3986 2.1) with the checks a file server needs. */
final class UrlPaths {

    private UrlPaths() {
    }

    /**
     * The decoded segments of {@code path} ("/a/b%20c/" gives [a, b c]), empty and "." segments
     * dropped; null when the path could leave its root or name no file: a ".." segment (RFC 3986
     * 5.2.4 would climb), an encoded '/' or NUL inside a segment, a malformed escape or invalid UTF-8.
     */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        int from = 0;
        while (from <= path.length()) {
            int slash = path.indexOf('/', from);
            int end = slash < 0 ? path.length() : slash;
            if (end > from) {
                String segment = decodeSegment(path, from, end);
                if (segment == null || segment.equals("..")) {
                    return null;
                }
                if (!segment.equals(".")) {
                    segments.add(segment);
                }
            }
            from = end + 1;
        }
        return segments;
    }

    /** {@code path} decoded for display (a listing's title); malformed escapes stay as they are. */
    static String decode(String path) {
        String decoded = decodeSegment(path, 0, path.length());
        return decoded == null ? path : decoded;
    }

    private static String decodeSegment(String s, int from, int to) {
        if (s.indexOf('%', from) < 0 || s.indexOf('%', from) >= to) {
            return s.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                int b = hi << 4 | lo;
                if (b == 0 || b == '/') {
                    return null; // NUL ends a C string; an encoded '/' would join segments
                }
                bytes.write(b);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code name} as a path segment of a URL: unreserved characters as they are, the rest percent-encoded (RFC 3986 2.3). */
    static String encodeSegment(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
