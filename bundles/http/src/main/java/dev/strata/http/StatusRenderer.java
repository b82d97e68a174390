package dev.strata.http;

import java.util.List;
import java.util.function.Function;

import dev.strata.http.StatusReport.BundleRow;
import dev.strata.http.StatusReport.InterfaceRow;
import dev.strata.http.StatusReport.RouteRow;
import dev.strata.http.StatusReport.SocketRow;

/**
 * Renders a {@link StatusReport} as a small HTML5 page (one table per section, the interfaces in
 * {@code <table id="interfaces">}) or as JSON ({@code {"interfaces":[{...}],"routes":...}}, a
 * section whose service is not running is {@code null}). Every value is escaped: interface names
 * and socket owners come from configuration and other bundles and may hold anything.
 */
final class StatusRenderer {

    /** A column: its HTML heading, its JSON key and how to get the value (String, Number or Boolean). */
    private record Column<T>(String heading, String key, Function<T, Object> value) {
    }

    /** A section: a table in HTML, an array under {@code key} in JSON. */
    private record Section<T>(String title, String key, List<Column<T>> columns) {
    }

    private static final Section<InterfaceRow> INTERFACES = new Section<>("Interfaces", "interfaces", List.of(
            new Column<>("Name", "name", InterfaceRow::name),
            new Column<>("MAC", "mac", InterfaceRow::mac),
            new Column<>("Address", "address", InterfaceRow::address),
            new Column<>("Prefix", "prefixLength", InterfaceRow::prefixLength),
            new Column<>("MTU", "mtu", InterfaceRow::mtu),
            new Column<>("State", "state", r -> r.up() ? "UP" : "DOWN"),
            new Column<>("RX packets", "rxPackets", InterfaceRow::rxPackets),
            new Column<>("RX bytes", "rxBytes", InterfaceRow::rxBytes),
            new Column<>("RX errors", "rxErrors", InterfaceRow::rxErrors),
            new Column<>("RX dropped", "rxDropped", InterfaceRow::rxDropped),
            new Column<>("TX packets", "txPackets", InterfaceRow::txPackets),
            new Column<>("TX bytes", "txBytes", InterfaceRow::txBytes),
            new Column<>("TX errors", "txErrors", InterfaceRow::txErrors),
            new Column<>("TX dropped", "txDropped", InterfaceRow::txDropped)));

    private static final Section<RouteRow> ROUTES = new Section<>("Routes", "routes", List.of(
            new Column<>("Destination", "destination", RouteRow::destination),
            new Column<>("Prefix", "prefixLength", RouteRow::prefixLength),
            new Column<>("Gateway", "gateway", RouteRow::gateway),
            new Column<>("Flags", "flags", RouteRow::flags),
            new Column<>("Metric", "metric", RouteRow::metric),
            new Column<>("Interface", "interface", RouteRow::interfaceName)));

    private static final Section<SocketRow> SOCKETS = new Section<>("Sockets", "sockets", List.of(
            new Column<>("Proto", "protocol", SocketRow::protocol),
            new Column<>("Local", "local", SocketRow::local),
            new Column<>("Remote", "remote", SocketRow::remote),
            new Column<>("State", "state", SocketRow::state),
            new Column<>("Recv-Q", "recvQ", SocketRow::receiveQueue),
            new Column<>("Send-Q", "sendQ", SocketRow::sendQueue),
            new Column<>("Owner", "owner", SocketRow::owner)));

    private static final Section<BundleRow> BUNDLES = new Section<>("Bundles", "bundles", List.of(
            new Column<>("ID", "id", BundleRow::id),
            new Column<>("Symbolic name", "symbolicName", BundleRow::symbolicName),
            new Column<>("Version", "version", BundleRow::version),
            new Column<>("State", "state", BundleRow::state)));

    /** Sockets listed at most in HTML (the JSON lists all): a page stays readable under load. */
    static final int MAX_SOCKET_ROWS = 500;

    private StatusRenderer() {
    }

    // ---- HTML ----

    static String html(StatusReport report) {
        StringBuilder out = new StringBuilder(8192);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Strata status</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #999;padding:2px 6px;text-align:left}th{background:#eee}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("</style>\n</head>\n<body>\n<h1>Strata status</h1>\n");
        if (report.version() != null || report.uptimeSeconds() >= 0) {
            out.append("<p id=\"summary\">");
            if (report.version() != null) {
                out.append("Strata ");
                escapeHtml(out, report.version());
            }
            if (report.uptimeSeconds() >= 0) {
                out.append(report.version() != null ? ", up " : "Up ").append(StatusReport.uptime(report.uptimeSeconds()));
            }
            out.append("</p>\n");
        }
        table(out, INTERFACES, report.interfaces());
        table(out, ROUTES, report.routes());
        socketTable(out, report.sockets());
        table(out, BUNDLES, report.bundles());
        return out.append("</body>\n</html>\n").toString();
    }

    /**
     * The sockets without those in TIME_WAIT (closed connections waiting out 2 MSL, thousands of
     * them after a burst of short connections), and at most {@link #MAX_SOCKET_ROWS}; a line says
     * what was left out.
     */
    private static void socketTable(StringBuilder out, List<SocketRow> sockets) {
        if (sockets == null) {
            table(out, SOCKETS, null);
            return;
        }
        List<SocketRow> shown = new java.util.ArrayList<>();
        int timeWait = 0;
        for (SocketRow row : sockets) {
            if ("TIME_WAIT".equals(row.state())) {
                timeWait++;
            } else if (shown.size() < MAX_SOCKET_ROWS) {
                shown.add(row);
            }
        }
        table(out, SOCKETS, shown);
        int more = sockets.size() - timeWait - shown.size();
        if (timeWait > 0 || more > 0) {
            out.append("<p id=\"sockets-omitted\">Not listed: ");
            if (more > 0) {
                out.append(more).append(" more socket").append(more == 1 ? "" : "s").append(timeWait > 0 ? ", " : "");
            }
            if (timeWait > 0) {
                out.append(timeWait).append(" in TIME_WAIT");
            }
            out.append(" (the JSON lists every socket).</p>\n");
        }
    }

    private static <T> void table(StringBuilder out, Section<T> section, List<T> rows) {
        out.append("<h2>").append(section.title()).append("</h2>\n");
        if (rows == null) {
            out.append("<p id=\"").append(section.key()).append("\">not running</p>\n");
            return;
        }
        out.append("<table id=\"").append(section.key()).append("\">\n<thead><tr>");
        for (Column<T> column : section.columns()) {
            out.append("<th>").append(column.heading()).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (T row : rows) {
            out.append("<tr>");
            for (Column<T> column : section.columns()) {
                Object value = column.value().apply(row);
                out.append(value instanceof Number ? "<td class=\"n\">" : "<td>");
                escapeHtml(out, String.valueOf(value));
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    /** Escapes the five characters that are markup in text and attribute values (HTML 13.1.2.6). */
    static void escapeHtml(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
    }

    // ---- JSON ----

    static String json(StatusReport report) {
        StringBuilder out = new StringBuilder(8192);
        out.append('{');
        array(out, INTERFACES, report.interfaces());
        out.append(',');
        array(out, ROUTES, report.routes());
        out.append(',');
        array(out, SOCKETS, report.sockets());
        out.append(',');
        array(out, BUNDLES, report.bundles());
        out.append(",\"version\":");
        if (report.version() == null) {
            out.append("null");
        } else {
            escapeJson(out, report.version()); // quoted
        }
        out.append(",\"uptimeSeconds\":").append(report.uptimeSeconds() < 0 ? "null" : Long.toString(report.uptimeSeconds()));
        return out.append("}\n").toString();
    }

    private static <T> void array(StringBuilder out, Section<T> section, List<T> rows) {
        escapeJson(out, section.key());
        out.append(':');
        if (rows == null) {
            out.append("null");
            return;
        }
        out.append('[');
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0) {
                out.append(',');
            }
            out.append('{');
            List<Column<T>> columns = section.columns();
            for (int c = 0; c < columns.size(); c++) {
                if (c > 0) {
                    out.append(',');
                }
                escapeJson(out, columns.get(c).key());
                out.append(':');
                Object value = columns.get(c).value().apply(rows.get(r));
                if (value instanceof Number || value instanceof Boolean) {
                    out.append(value);
                } else if (value == null) {
                    out.append("null");
                } else {
                    escapeJson(out, value.toString());
                }
            }
            out.append('}');
        }
        out.append(']');
    }

    /**
     * Writes {@code text} as a JSON string (RFC 8259 7): quote, backslash and the control characters
     * escaped; also {@code <}, {@code >} and {@code &} as {@code \}{@code u00XX} so that the JSON
     * stays inert if someone pastes it into HTML, and U+2028/U+2029 for JavaScript.
     */
    static void escapeJson(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(Character.forDigit(c >>> 12, 16))
                                .append(Character.forDigit((c >>> 8) & 0xf, 16))
                                .append(Character.forDigit((c >>> 4) & 0xf, 16))
                                .append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
