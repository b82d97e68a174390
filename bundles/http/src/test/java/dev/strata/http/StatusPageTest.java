package dev.strata.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.strata.api.http.HttpRequest;
import dev.strata.api.http.HttpResponse;
import dev.strata.http.StatusReport.BundleRow;
import dev.strata.http.StatusReport.InterfaceRow;
import dev.strata.http.StatusReport.RouteRow;
import dev.strata.http.StatusReport.SocketRow;

class StatusPageTest {

    private static final String HOSTILE = "<script>\"&'\\\n\u0001";

    private static StatusReport report(String name, String owner) {
        return new StatusReport(
                List.of(new InterfaceRow(name, "02:00:00:00:00:01", "127.0.0.1", 8, 65536, true,
                        1, 2, 3, 4, 5, 6, 7, 8)),
                List.of(new RouteRow("127.0.0.0", 8, "0.0.0.0", "U", 0, name)),
                List.of(new SocketRow("tcp", "0.0.0.0:80", "0.0.0.0:*", "LISTEN", 0, 0, owner)),
                List.of(new BundleRow(0, "org.apache.felix.framework", "7.0.5", "ACTIVE")));
    }

    @Test
    void escapesAHostileInterfaceAndOwnerNameInHtml() {
        String html = StatusRenderer.html(report("<script>\"&", "<script>\"&'"));
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("<td>&lt;script&gt;&quot;&amp;</td>"), html);
        assertTrue(html.contains("<td>&lt;script&gt;&quot;&amp;&#39;</td>"), html);
    }

    @Test
    void writesAValidHtml5PageWithOneTablePerSection() {
        String html = StatusRenderer.html(report("lo", "echo"));
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"), html);
        assertTrue(html.contains("<meta charset=\"utf-8\">"));
        assertTrue(html.contains("<table id=\"interfaces\">"));
        assertTrue(html.contains("<table id=\"routes\">"));
        assertTrue(html.contains("<table id=\"sockets\">"));
        assertTrue(html.contains("<table id=\"bundles\">"));
        assertTrue(html.contains("<tr><td>lo</td><td>02:00:00:00:00:01</td><td>127.0.0.1</td><td class=\"n\">8</td>"
                + "<td class=\"n\">65536</td><td>UP</td><td class=\"n\">1</td><td class=\"n\">2</td>"
                + "<td class=\"n\">3</td><td class=\"n\">4</td><td class=\"n\">5</td><td class=\"n\">6</td>"
                + "<td class=\"n\">7</td><td class=\"n\">8</td></tr>"), html);
        assertTrue(html.trim().endsWith("</html>"));
        // every element opened is closed
        for (String tag : List.of("html", "head", "body", "table", "thead", "tbody", "tr", "td", "th", "h2", "title")) {
            assertEquals(count(html, "<" + tag + ">") + count(html, "<" + tag + " "), count(html, "</" + tag + ">"), tag);
        }
    }

    @Test
    void listsNoSocketInTimeWaitAndAtMostFiveHundredInHtmlButAllInJson() {
        List<SocketRow> sockets = new ArrayList<>();
        sockets.add(new SocketRow("tcp", "0.0.0.0:80", "0.0.0.0:*", "LISTEN", 0, 0, "http"));
        for (int i = 0; i < 700; i++) {
            sockets.add(new SocketRow("tcp", "198.18.0.2:80", "198.18.0.1:" + (10000 + i),
                    i < 100 ? "ESTABLISHED" : "TIME_WAIT", 0, 0, "-"));
        }
        for (int i = 0; i < 500; i++) {
            sockets.add(new SocketRow("udp", "0.0.0.0:" + (20000 + i), "0.0.0.0:*", "", 0, 0, "x"));
        }
        StatusReport report = new StatusReport(List.of(), List.of(), sockets, List.of());
        String html = StatusRenderer.html(report);
        assertEquals(StatusRenderer.MAX_SOCKET_ROWS, count(html, "<tr><td>tcp</td>") + count(html, "<tr><td>udp</td>"));
        assertEquals(0, count(html, "TIME_WAIT</td>"));
        assertTrue(html.contains("<p id=\"sockets-omitted\">Not listed: 101 more sockets, 600 in TIME_WAIT (the JSON lists every socket).</p>"),
                html.substring(html.indexOf("<h2>Sockets")).substring(0, 200));
        assertTrue(html.contains("<td class=\"n\">0</td>"), "numbers align right");
        assertEquals(1201, ((List<?>) ((Map<?, ?>) Json.parse(StatusRenderer.json(report))).get("sockets")).size());
    }

    @Test
    void saysItsVersionAndUptimeWhenKnown() {
        StatusReport report = new StatusReport(List.of(), List.of(), List.of(), List.of(), "0.1.0.SNAPSHOT", 93_784);
        assertTrue(StatusRenderer.html(report).contains("<p id=\"summary\">Strata 0.1.0.SNAPSHOT, up 1 day, 2:03</p>"));
        Map<?, ?> json = (Map<?, ?>) Json.parse(StatusRenderer.json(report));
        assertEquals("0.1.0.SNAPSHOT", json.get("version"));
        assertEquals(93_784.0, json.get("uptimeSeconds"));
        assertEquals("42 s", StatusReport.uptime(42));
        assertEquals("0:01", StatusReport.uptime(60));
        assertEquals("3 days, 0:00", StatusReport.uptime(3 * 86_400));
        assertFalse(StatusRenderer.html(new StatusReport(List.of(), List.of(), List.of(), List.of())).contains("summary"));
    }

    @Test
    void saysNotRunningForAnAbsentService() {
        StatusReport report = new StatusReport(null, null, null, List.of());
        String html = StatusRenderer.html(report);
        assertEquals(3, count(html, ">not running</p>"), html);
        assertTrue(html.contains("<p id=\"interfaces\">not running</p>"));
        Map<?, ?> json = (Map<?, ?>) Json.parse(StatusRenderer.json(report));
        assertTrue(json.containsKey("interfaces"));
        assertNull(json.get("interfaces"));
        assertNull(json.get("routes"));
        assertNull(json.get("sockets"));
        assertEquals(List.of(), json.get("bundles"));
    }

    @Test
    void escapesAHostileNameInJsonAndTheJsonParsesBackToIt() {
        String text = StatusRenderer.json(report(HOSTILE, HOSTILE + "\u2028"));
        assertFalse(text.contains("<"), text);
        assertTrue(text.contains("\"name\":\"\\u003cscript\\u003e\\\"\\u0026'\\\\\\n\\u0001\""), text);
        Map<?, ?> json = (Map<?, ?>) Json.parse(text);
        assertEquals(List.of("interfaces", "routes", "sockets", "bundles", "version", "uptimeSeconds"),
                new ArrayList<>(json.keySet()));
        Map<?, ?> nif = (Map<?, ?>) ((List<?>) json.get("interfaces")).get(0);
        assertEquals(HOSTILE, nif.get("name"));
        assertEquals("127.0.0.1", nif.get("address"));
        assertEquals(8.0, nif.get("prefixLength"));
        assertEquals("UP", nif.get("state"));
        assertEquals(8.0, nif.get("txDropped"));
        Map<?, ?> socket = (Map<?, ?>) ((List<?>) json.get("sockets")).get(0);
        assertEquals(HOSTILE + "\u2028", socket.get("owner"));
        assertEquals("LISTEN", socket.get("state"));
        Map<?, ?> bundle = (Map<?, ?>) ((List<?>) json.get("bundles")).get(0);
        assertEquals(0.0, bundle.get("id"));
        assertEquals("ACTIVE", bundle.get("state"));
        Map<?, ?> route = (Map<?, ?>) ((List<?>) json.get("routes")).get(0);
        assertEquals("127.0.0.0", route.get("destination"));
    }

    @Test
    void servesHtmlToABrowserAndJsonWhenAcceptAsksForIt() {
        StatusPage page = new StatusPage(null, null, null);
        Exchange html = handle(page, "GET", "/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assertEquals(200, html.status());
        assertEquals(StatusPage.HTML, html.header("Content-Type"));
        assertTrue(html.body().contains("<p id=\"interfaces\">not running</p>"), html.body());
        Exchange json = handle(page, "GET", "/", "application/json");
        assertEquals(StatusPage.JSON, json.header("Content-Type"));
        assertEquals("Accept", json.header("Vary"));
        assertTrue(Json.parse(json.body()) instanceof Map);
    }

    @Test
    void answersOnlySlashAndLeavesOtherPaths404() {
        StatusPage page = new StatusPage(null, null, null);
        assertEquals(404, handle(page, "GET", "/favicon.ico", null).status());
        assertEquals(404, handle(page, "GET", "/x/", null).status());
        assertEquals(200, handle(page, "GET", "/", null).status());
        Exchange post = handle(page, "POST", "/", null);
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.header("Allow"));
    }

    @Test
    void choosesJsonOnlyWhenItWeighsMoreThanHtml() {
        assertTrue(StatusPage.wantsJson("application/json"));
        assertTrue(StatusPage.wantsJson("Application/JSON; charset=utf-8"));
        assertTrue(StatusPage.wantsJson("text/html;q=0.5, application/json"));
        assertTrue(StatusPage.wantsJson("application/*"));
        assertFalse(StatusPage.wantsJson(null));
        assertFalse(StatusPage.wantsJson("*/*"));
        assertFalse(StatusPage.wantsJson("application/json;q=0"));
        assertFalse(StatusPage.wantsJson("text/html, application/json;q=0.9"));
        assertFalse(StatusPage.wantsJson("application/json;q=x"));
    }

    // ---- fakes and helpers ----

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Exchange handle(StatusPage page, String method, String target, String accept) {
        return Exchange.run(page, method, target, "Accept", accept);
    }

    /** A minimal strict JSON parser (RFC 8259): objects keep their key order, numbers are doubles. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw new IllegalArgumentException("trailing text at " + json.at);
            }
            return value;
        }

        private Object value() {
            space();
            char c = peek();
            if (c == '{') {
                Map<String, Object> object = new LinkedHashMap<>();
                at++;
                space();
                if (peek() == '}') {
                    at++;
                    return object;
                }
                do {
                    space();
                    String key = string();
                    space();
                    expect(':');
                    if (object.put(key, value()) != null) {
                        throw new IllegalArgumentException("duplicate key " + key);
                    }
                    space();
                } while (next() == ',');
                at--;
                expect('}');
                return object;
            }
            if (c == '[') {
                List<Object> array = new ArrayList<>();
                at++;
                space();
                if (peek() == ']') {
                    at++;
                    return array;
                }
                do {
                    array.add(value());
                    space();
                } while (next() == ',');
                at--;
                expect(']');
                return array;
            }
            if (c == '"') {
                return string();
            }
            for (String word : List.of("true", "false", "null")) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("unexpected " + c + " at " + at);
            }
            return Double.valueOf(text.substring(start, at));
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new IllegalArgumentException("raw control character at " + (at - 1));
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e);
                }
            }
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + (at - 1));
            }
        }
    }
}
