package dev.strata.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/** Feeds bytes to a parser in chunks, as a socket would, and summarises every message it reads. */
final class Feed {

    private Feed() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One summary line per message (or the error), parsing {@code data} cut into chunks of {@code sizes}. */
    static List<String> parse(MessageParser p, byte[] data, IntSupplier sizes) {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int off = 0;
        // A socket buffer that keeps unconsumed bytes, as the server's read buffer will.
        ByteBuffer buf = ByteBuffer.allocate(data.length + 1);
        buf.flip();
        while (true) {
            int n = Math.min(Math.max(1, sizes.getAsInt()), data.length - off);
            buf.compact();
            buf.put(data, off, n);
            buf.flip();
            off += n;
            while (true) {
                MessageParser.Event e = p.next(buf);
                if (e == MessageParser.Event.NEED_MORE) {
                    break;
                }
                if (e == MessageParser.Event.BODY) {
                    body.write(buf.array(), p.bodyStart(), p.bodyLength());
                } else if (e == MessageParser.Event.COMPLETE) {
                    out.add(summary(p, body));
                    body.reset();
                    p.reset();
                } else if (e == MessageParser.Event.ERROR) {
                    out.add("ERROR " + p.error() + " " + p.error().status());
                    return out;
                }
            }
            if (off == data.length) {
                MessageParser.Event e = p.finish();
                if (e == MessageParser.Event.COMPLETE) {
                    out.add(summary(p, body));
                } else if (e == MessageParser.Event.ERROR) {
                    out.add("ERROR " + p.error() + " " + p.error().status());
                }
                return out;
            }
        }
    }

    static List<String> parse(MessageParser p, byte[] data) {
        return parse(p, data, () -> Integer.MAX_VALUE);
    }

    static String summary(MessageParser p, ByteArrayOutputStream body) {
        StringBuilder sb = new StringBuilder();
        if (p instanceof RequestParser r) {
            sb.append(r.method()).append(' ').append(r.target()).append(' ').append(r.targetForm())
                    .append(" 1.").append(r.minorVersion()).append(r.keepAlive() ? " keep-alive" : " close")
                    .append(r.expectContinue() ? " expect-continue" : "");
        } else if (p instanceof ResponseParser r) {
            sb.append(r.status()).append(' ').append(r.reason()).append(" 1.").append(r.minorVersion())
                    .append(r.keepAlive() ? " keep-alive" : " close");
        }
        sb.append(' ').append(p.framing());
        for (int i = 0; i < p.headerCount(); i++) {
            sb.append(" [").append(p.headerName(i)).append('=').append(p.headerValue(i)).append(']');
        }
        sb.append(" body=").append(body.toString(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < p.trailerCount(); i++) {
            sb.append(" trailer");
        }
        return sb.toString();
    }
}
