package dev.strata.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import dev.strata.itest.support.Exec;
import dev.strata.itest.support.HttpOnTap;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.Wrk;

/**
 * Strata's HTTP server (issue 5) against the kernel's real clients: a copy of the built
 * distribution (see {@link HttpOnTap} for why a copy) serves port 80 over its TAP
 * {@value #TAP} (stack {@value #STACK}/24), whose kernel side is in a namespace
 * {@code sh-http-N} ({@value #KERNEL}/24). From there {@code curl} fetches the status page as
 * HTML and as JSON, a 50 MB random static file (SHA-256 equal), a Range slice, conditional
 * GETs, several URLs on one connection; {@code wrk -t2 -c64 -d10s} and {@code ab -k -n 20000
 * -c 32} run without an error; and a headless Chromium (Debian's chromium) renders the status
 * page, screenshot kept in {@code integration-tests/target/it/http-real-peer/status-page.png}.
 *
 * <p>The static files are the test's own, written into the copy's {@code www/} before it
 * starts: {@value #BIG} (50 MB, seeded random) and {@value #SMALL} (1 KiB of text).
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class HttpRealPeerIT {

    private static final String TAP = "shtap9";
    private static final String KERNEL = "198.18.9.1";
    private static final String STACK = "198.18.9.2";
    private static final String BIG = "big.bin";
    private static final String SMALL = "small.txt";
    private static final long BIG_BYTES = 50L * 1024 * 1024;
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})");

    private static Path work;
    private static HttpOnTap http;
    private static String bigSha256;

    @BeforeClass
    public static void startStrataWithItsWwwAndWireItToANamespace() throws IOException {
        Prerequisites.kernel();
        work = Path.of(System.getProperty("strata.it.dir", "target/it")).resolve("http-real-peer").toAbsolutePath();
        Files.createDirectories(work);
        http = HttpOnTap.start(work, "sh-http-", TAP, STACK, KERNEL, www -> {
            bigSha256 = HttpOnTap.writeRandomFile(www.resolve(BIG), BIG_BYTES, 5);
            HttpOnTap.writeTextFile(www.resolve(SMALL), 1024);
        });
    }

    @AfterClass
    public static void stopStrataAndDeleteTheNamespace() {
        if (http != null) {
            http.close();
        }
    }

    // ---- the status page ------------------------------------------------------------------------

    @Test
    public void a1_curlGetsTheStatusPageAsHtmlWithTheInterfaceTable() {
        Exec.Result get = http.exec(30, "curl", "-sS", "-m", "10", "-i", http.url("/"));
        assertTrue(get.toString(), get.succeeded());
        assertEquals(get.output, "200", status(get.output));
        assertTrue("Content-Type: " + get.output, header(get.output, "Content-Type").startsWith("text/html"));
        String page = get.output;
        assertTrue("a table#interfaces: " + page, page.contains("<table id=\"interfaces\">"));
        assertTrue("the TAP's row, with its address: " + page,
                Pattern.compile("<tr><td>" + TAP + "</td>.*?<td>" + Pattern.quote(STACK) + "</td>").matcher(page).find());
        assertTrue("the loopback's row: " + page, page.contains("<tr><td>lo</td>"));
        assertTrue("the routes table: " + page, page.contains("<table id=\"routes\">"));
    }

    /** The JSON, parsed by the kernel side's python3: it names both interfaces and the TAP's address. */
    @Test
    public void a2_curlGetsTheStatusPageAsJsonThatParsesAndNamesTheInterface() {
        String script = "import json,sys\n"
                + "d = json.load(sys.stdin)\n"
                + "print('sections', ' '.join(sorted(d)))\n"
                + "for i in d['interfaces']: print('interface', i['name'], i['address'], i['state'])\n";
        Exec.Result json = http.exec(30, "sh", "-c",
                "curl -sS -m 10 -H 'Accept: application/json' " + http.url("/") + " | python3 -c \"$0\"", script);
        assertTrue("curl | python3 json.load: " + json, json.succeeded());
        assertTrue(json.output, json.output.contains("sections bundles interfaces routes sockets"));
        assertTrue(json.output, json.output.contains("interface " + TAP + " " + STACK + " UP"));
        assertTrue(json.output, json.output.contains("interface lo 127.0.0.1 UP"));
        Exec.Result type = http.exec(30, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{content_type}", "-H",
                "Accept: application/json", http.url("/"));
        assertTrue("Content-Type: " + type, type.output.startsWith("application/json"));
    }

    // ---- static files ---------------------------------------------------------------------------

    /** 50 MB of random bytes from www/, streamed: the SHA-256 of what curl saved equals the file's. */
    @Test
    public void b1_curlFetchesTheFiftyMegabyteFileIntact() throws IOException {
        Path saved = work.resolve("big.curl");
        Files.deleteIfExists(saved);
        Exec.Result get = http.exec(180, "curl", "-sS", "-m", "150", "-D", work.resolve("big.headers").toString(), "-o",
                saved.toString(), "-w", "%{http_code} %{size_download} %{time_total} %{speed_download}", http.url("/" + BIG));
        assertTrue(get.toString(), get.succeeded());
        String[] w = get.output.trim().split(" ");
        assertEquals(get.output, "200", w[0]);
        assertEquals(get.output, BIG_BYTES, Long.parseLong(w[1]));
        String headers = Files.readString(work.resolve("big.headers"), StandardCharsets.ISO_8859_1);
        assertEquals(headers, String.valueOf(BIG_BYTES), header(headers, "Content-Length"));
        assertTrue(headers, header(headers, "Content-Type").startsWith("application/octet-stream"));
        assertEquals("SHA-256 of the 50 MB curl saved", bigSha256, HttpOnTap.sha256(saved));
        System.out.printf(Locale.ROOT, "HttpRealPeerIT: curl fetched %d bytes in %s s (%.2f Gbit/s), SHA-256 equal%n", BIG_BYTES, w[2],
                Double.parseDouble(w[3]) * 8 / 1e9);
        Files.delete(saved);
    }

    /** {@code curl -r 1000-1999}: 206, Content-Range, exactly those 1000 bytes; past the end: 416. */
    @Test
    public void b2_curlFetchesARangeSliceAndAnUnsatisfiableRangeIs416() throws IOException {
        Path slice = work.resolve("slice.curl");
        Exec.Result get = http.exec(30, "curl", "-sS", "-m", "10", "-r", "1000-1999", "-D", work.resolve("slice.headers").toString(),
                "-o", slice.toString(), http.url("/" + BIG));
        assertTrue(get.toString(), get.succeeded());
        String headers = Files.readString(work.resolve("slice.headers"), StandardCharsets.ISO_8859_1);
        assertEquals(headers, "206", status(headers));
        assertEquals(headers, "bytes 1000-1999/" + BIG_BYTES, header(headers, "Content-Range"));
        assertEquals(headers, "1000", header(headers, "Content-Length"));
        byte[] expected = new byte[1000];
        try (RandomAccessFile file = new RandomAccessFile(http.www().resolve(BIG).toFile(), "r")) {
            file.seek(1000);
            file.readFully(expected);
        }
        assertArrayEquals("bytes 1000-1999", expected, Files.readAllBytes(slice));

        Exec.Result beyond = http.exec(30, "curl", "-sS", "-m", "10", "-i", "-r", BIG_BYTES + "-" + (BIG_BYTES + 10), http.url("/" + BIG));
        assertTrue(beyond.toString(), beyond.succeeded());
        assertEquals(beyond.output, "416", status(beyond.output));
        assertEquals(beyond.output, "bytes */" + BIG_BYTES, header(beyond.output, "Content-Range"));
    }

    /** Content-Type by name, an ETag and Last-Modified, and 304 for If-None-Match and If-Modified-Since. */
    @Test
    public void b3_conditionalGetsAnswer304() {
        Exec.Result head = http.exec(30, "curl", "-sS", "-m", "10", "-i", http.url("/" + SMALL));
        assertTrue(head.toString(), head.succeeded());
        assertEquals(head.output, "200", status(head.output));
        assertTrue(head.output, header(head.output, "Content-Type").startsWith("text/plain"));
        assertTrue(head.output, head.output.endsWith("from www/ over its own TCP.\nStrata serves this file from www/ ov"));
        String etag = header(head.output, "ETag");
        String lastModified = header(head.output, "Last-Modified");
        assertNotNull("ETag: " + head.output, etag);
        assertNotNull("Last-Modified: " + head.output, lastModified);
        for (String condition : new String[] {"If-None-Match: " + etag, "If-Modified-Since: " + lastModified}) {
            Exec.Result again = http.exec(30, "curl", "-sS", "-m", "10", "-i", "-H", condition, http.url("/" + SMALL));
            assertTrue(again.toString(), again.succeeded());
            assertEquals(condition + " -> " + again.output, "304", status(again.output));
            assertTrue("no body with 304: " + again.output, again.output.endsWith("\r\n\r\n"));
        }
        Exec.Result changed = http.exec(30, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "If-None-Match: \"not-the-etag\"", http.url("/" + SMALL));
        assertEquals(changed.toString(), "200", changed.output.trim());
    }

    /** {@code ..} out of www/, plain or percent-encoded, reaches nothing: the distribution's etc/ is next door. */
    @Test
    public void b4_noPathLeadsOutOfWww() {
        for (String path : new String[] {"/../etc/dev.strata.http.cfg", "/%2e%2e/etc/dev.strata.http.cfg",
            "/..%2fetc/dev.strata.http.cfg"}) {
            Exec.Result get = http.exec(30, "curl", "-sS", "-m", "10", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                    http.url(path));
            assertTrue(get.toString(), get.succeeded());
            assertTrue(path + " -> " + get.output, get.output.trim().startsWith("4"));
        }
    }

    // ---- connections ----------------------------------------------------------------------------

    /** Four URLs in one {@code curl -v}: one "Connected to", three "Re-using existing connection". */
    @Test
    public void c_curlFetchesSeveralUrlsOnOneKeepAliveConnection() {
        String[] paths = {"/", "/" + SMALL, "/no-such-file", "/"};
        String[] command = new String[4 + 3 * paths.length];
        int i = 0;
        command[i++] = "curl";
        command[i++] = "-v";
        command[i++] = "-sS";
        command[i++] = "-m30";
        for (String path : paths) {
            command[i++] = "-o";
            command[i++] = "/dev/null";
            command[i++] = http.url(path);
        }
        Exec.Result run = http.exec(60, command);
        assertTrue(run.toString(), run.succeeded());
        assertEquals("one connection: " + run.output, 1, count(run.output, "Connected to " + STACK));
        assertEquals("reused for every other URL: " + run.output, paths.length - 1,
                count(run.output, "Re-using existing connection"));
        assertEquals("a response per URL: " + run.output, paths.length, count(run.output, "< HTTP/1.1 "));
        assertEquals("404 for the missing file, on the same connection: " + run.output, 1, count(run.output, "< HTTP/1.1 404"));
        assertFalse(run.output, run.output.contains("Closing connection"));
    }

    /** {@code wrk -t2 -c64 -d10s} on a small file: no socket error, no non-2xx response. */
    @Test
    public void d_wrkRunsWithoutErrors() {
        String url = http.url("/" + SMALL);
        Wrk.Result wrk = Wrk.run(http.netns(), 2, 64, 10, url);
        System.out.printf(Locale.ROOT, "HttpRealPeerIT: wrk -t2 -c64 -d10s %s: %d requests, %.0f requests/s%n", url, wrk.requests,
                wrk.requestsPerSecond);
        assertEquals("socket errors (connect, read, write, timeout): " + wrk.output, "[0, 0, 0, 0]",
                Arrays.toString(wrk.socketErrors));
        assertEquals("Non-2xx or 3xx responses: " + wrk.output, 0, wrk.non2xx);
        assertTrue("requests: " + wrk.output, wrk.requests > 1000);
    }

    /** {@code ab -k -n 20000 -c 32} on a small file: every request complete, kept alive, 2xx. */
    @Test
    public void e_abKeepAliveRunsWithoutErrors() {
        // a file, not the status page: ab counts a response whose length differs from the first as failed
        Exec.Result ab = http.exec(180, "ab", "-k", "-n", "20000", "-c", "32", http.url("/" + SMALL));
        assertTrue(ab.toString(), ab.succeeded());
        assertEquals(ab.output, "20000", field(ab.output, "Complete requests"));
        assertEquals(ab.output, "0", field(ab.output, "Failed requests"));
        assertEquals(ab.output, "20000", field(ab.output, "Keep-Alive requests"));
        assertFalse(ab.output, ab.output.contains("Non-2xx responses"));
        System.out.println("HttpRealPeerIT: ab -k -n 20000 -c 32: " + field(ab.output, "Requests per second"));
    }

    // ---- a browser ------------------------------------------------------------------------------

    /**
     * Headless Chromium in the namespace loads the status page: a 1280x900 screenshot (kept in
     * integration-tests/target/it/http-real-peer) and the DOM it rendered, with table#interfaces
     * and the TAP's row.
     */
    @Test
    public void f_headlessChromiumRendersTheStatusPage() throws IOException {
        Path screenshot = work.resolve("status-page.png");
        Files.deleteIfExists(screenshot);
        Exec.Result shot = chromium("screenshot", "--screenshot=" + screenshot, "--window-size=1280,900");
        assertTrue("chromium --screenshot: " + shot, shot.succeeded() && Files.exists(screenshot));
        byte[] png = Files.readAllBytes(screenshot);
        assertArrayEquals("a PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 8);
        assertEquals("width", 1280, ihdr.getInt());
        assertEquals("height", 900, ihdr.getInt());
        assertTrue("a page, not a blank image: " + png.length + " bytes", png.length > 10_000);

        Exec.Result dom = chromium("dom", "--dump-dom");
        assertTrue("chromium --dump-dom: " + dom, dom.succeeded());
        assertTrue("table#interfaces: " + dom.output, dom.output.contains("<table id=\"interfaces\">"));
        assertTrue("the TAP's row: " + dom.output,
                Pattern.compile("<tr><td>" + TAP + "</td>.*?<td>" + Pattern.quote(STACK) + "</td>").matcher(dom.output).find());
        System.out.println("HttpRealPeerIT: Chromium's screenshot of the status page: " + screenshot);
    }

    /** Debian's chromium, as root (--no-sandbox), with a fresh profile, in the namespace. */
    private static Exec.Result chromium(String profile, String... arguments) {
        Path userData = work.resolve("chromium-" + profile);
        try {
            deleteTree(userData);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("timeout", "-k", "5", "90", "chromium", "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + userData));
        command.addAll(List.of(arguments));
        command.add(http.url("/"));
        return http.exec(120, command.toArray(new String[0]));
    }

    @Test
    public void z_sigtermStopsStrata() throws InterruptedException {
        assertTrue("bin/strata still running 10 s after SIGTERM; output:\n" + http.strata().log(), http.strata().terminate(10));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String status(String response) {
        Matcher m = STATUS_LINE.matcher(response);
        assertTrue("no status line: " + response, m.find());
        return m.group(1);
    }

    /** A header's value in a response head (the last response's, where curl followed several). */
    private static String header(String response, String name) {
        Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":[ \\t]*(.*?)\\r?$").matcher(response);
        String value = null;
        while (m.find()) {
            value = m.group(1);
        }
        return value;
    }

    /** ab's {@code Name:   value} line. */
    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":\\s+(\\S+)").matcher(output);
        assertTrue("no '" + name + ":' in: " + output, m.find());
        return m.group(1);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
