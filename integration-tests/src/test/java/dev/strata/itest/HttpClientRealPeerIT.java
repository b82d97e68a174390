package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import dev.strata.itest.support.Exec;
import dev.strata.itest.support.HttpOnTap;
import dev.strata.itest.support.NetNs;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.StrataProcess;

/**
 * Strata's {@code curl} command (issue 5, SPEC section 3) against the kernel's
 * {@code python3 -m http.server}: the built distribution runs with its TAP {@value #TAP}
 * ({@value #STACK}/24) in a namespace {@code sc-curl-N} whose kernel side is {@value #KERNEL}/24,
 * and {@code bin/client 'curl ...'} fetches a 20 MB random file (SHA-256 equal), a text file to
 * the console, headers with {@code -I}, a redirect with {@code -L}, a 404 with {@code -f}; and
 * fails as curl fails: refused by a closed port, timed out ({@code -m 2}) towards an address of
 * the subnet where no host answers, no route to a network the kernel declares unreachable.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class HttpClientRealPeerIT {

    private static final String TAP = "sc0";
    private static final String KERNEL = "198.18.8.1";
    private static final String STACK = "198.18.8.2";
    /** An address of the subnet that no host has: ARP gets no answer, so neither does the SYN. */
    private static final String NOBODY = "198.18.8.77";
    /** A network the kernel routes as unreachable: it answers with ICMP host unreachable. */
    private static final String UNREACHABLE_NET = "198.18.9.0/24";
    private static final String UNREACHABLE = "198.18.9.9";
    private static final int PORT = 8000;
    private static final int CLOSED_PORT = 8001;
    private static final long BIG_BYTES = 20L * 1024 * 1024;
    private static final String TEXT = "Strata's curl fetched this over its own TCP.\n";

    private static Path work;
    private static StrataProcess strata;
    private static NetNs netns;
    private static Process httpServer;
    private static String bigSha256;

    @BeforeClass
    public static void startStrataAndAKernelHttpServer() throws IOException, InterruptedException {
        Prerequisites.kernel();
        work = Path.of(System.getProperty("strata.it.dir", "target/it")).resolve("http-client-real-peer").toAbsolutePath();
        Path www = work.resolve("www");
        Files.createDirectories(www.resolve("dir"));
        bigSha256 = HttpOnTap.writeRandomFile(www.resolve("big.bin"), BIG_BYTES, 20);
        Files.writeString(www.resolve("hello.txt"), TEXT, StandardCharsets.US_ASCII);
        Files.writeString(www.resolve("dir/index.html"), "<p>the directory's index</p>\n", StandardCharsets.US_ASCII);

        strata = StrataProcess.start(work.resolve("data"));
        netns = NetNs.create("sc-curl-");
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        Exec.Result up = strata.client("ifconfig " + TAP + " " + STACK + "/24 netns " + netns.name() + " up");
        assertEquals("ifconfig ... netns " + netns.name() + " up: " + up, 0, up.exitCode);
        netns.exec(10, "ip", "addr", "add", KERNEL + "/24", "dev", TAP).orFail();
        netns.exec(10, "ip", "link", "set", TAP, "up").orFail();

        List<String> command = List.of("ip", "netns", "exec", netns.name(), "python3", "-m", "http.server", String.valueOf(PORT),
                "--bind", KERNEL, "--directory", www.toString());
        httpServer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("http.server.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        for (int attempt = 0; attempt < 100; attempt++) {
            if (netns.exec(10, "ss", "-t", "-l", "-n").output.contains(KERNEL + ":" + PORT)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("python3 -m http.server does not listen on " + KERNEL + ":" + PORT);
    }

    @AfterClass
    public static void stopEverything() throws InterruptedException {
        try {
            if (httpServer != null) {
                httpServer.destroy();
                httpServer.waitFor(5, TimeUnit.SECONDS);
            }
            if (strata != null) {
                strata.close();
            }
        } finally {
            if (netns != null) {
                netns.close();
            }
        }
    }

    private static String url(String path) {
        return "http://" + KERNEL + ":" + PORT + path;
    }

    /** The last line of a failed command's output: the error line bin/client prints. */
    private static String errorLine(Exec.Result result) {
        List<String> lines = result.output.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Test
    public void a_downloadsTwentyMegabytesIntactToAFile() throws IOException {
        Path saved = work.resolve("big.saved");
        Files.deleteIfExists(saved);
        long start = System.nanoTime();
        Exec.Result get = strata.client("curl -s -m 120 -o " + saved + " " + url("/big.bin"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("curl -o: " + get, 0, get.exitCode);
        assertEquals("nothing on the console with -o: " + get, "", get.output.strip());
        assertEquals("size of " + saved, BIG_BYTES, Files.size(saved));
        assertEquals("SHA-256 of what Strata's curl saved", bigSha256, HttpOnTap.sha256(saved));
        System.out.printf("HttpClientRealPeerIT: 20 MB from python3 http.server in %.2f s (%.0f Mbit/s), SHA-256 equal%n", seconds,
                BIG_BYTES * 8 / seconds / 1e6);
    }

    @Test
    public void b_printsATextBodyToTheConsole() {
        Exec.Result get = strata.client("curl " + url("/hello.txt"));
        assertEquals(get.toString(), 0, get.exitCode);
        assertEquals(TEXT, get.output);
    }

    @Test
    public void c_headPrintsTheHeaderSection() {
        Exec.Result head = strata.client("curl -I " + url("/hello.txt"));
        assertEquals(head.toString(), 0, head.exitCode);
        List<String> lines = head.output.lines().toList();
        assertEquals(head.output, "HTTP/1.0 200 OK", lines.get(0));
        assertTrue(head.output, lines.contains("Content-Length: " + TEXT.length()));
        assertTrue(head.output, lines.stream().anyMatch(l -> l.startsWith("Server: SimpleHTTP/")));
    }

    /** http.server answers a directory without its slash with 301 to the slash; -L follows it (and -v shows both requests). */
    @Test
    public void d_followsARedirectWithLocation() {
        Exec.Result plain = strata.client("curl -i " + url("/dir"));
        assertEquals(plain.toString(), 0, plain.exitCode);
        assertTrue(plain.output, plain.output.startsWith("HTTP/1.0 301 Moved Permanently"));
        Exec.Result follow = strata.client("curl -v -L " + url("/dir"));
        assertEquals(follow.toString(), 0, follow.exitCode);
        assertTrue(follow.output, follow.output.contains("<p>the directory's index</p>"));
        assertTrue(follow.output, follow.output.contains("> GET /dir HTTP/1.1"));
        assertTrue(follow.output, follow.output.contains("< HTTP/1.0 301 Moved Permanently"));
        assertTrue(follow.output, follow.output.contains("> GET /dir/ HTTP/1.1"));
        assertTrue(follow.output, follow.output.contains("> User-Agent: strata-curl/"));
        System.out.println("HttpClientRealPeerIT: curl -v -L " + url("/dir") + "\n" + follow.output.strip());
    }

    @Test
    public void e_failsOnA404WithF() {
        Exec.Result missing = strata.client("curl -f " + url("/missing"));
        assertNotEquals(missing.toString(), 0, missing.exitCode);
        assertEquals("curl: (22) The requested URL returned error: 404", errorLine(missing));
    }

    @Test
    public void f_closedPortIsConnectionRefused() {
        Exec.Result refused = strata.client("curl http://" + KERNEL + ":" + CLOSED_PORT + "/");
        assertNotEquals(refused.toString(), 0, refused.exitCode);
        assertEquals("curl: (7) Failed to connect to " + KERNEL + " port " + CLOSED_PORT + ": Connection refused", errorLine(refused));
    }

    @Test
    public void g_addressWhereNobodyAnswersTimesOutAfterTwoSeconds() {
        long start = System.nanoTime();
        Exec.Result silent = strata.client("curl -m 2 http://" + NOBODY + "/");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertNotEquals(silent.toString(), 0, silent.exitCode);
        String line = errorLine(silent);
        assertTrue(line, Pattern.matches("curl: \\(28\\) Connection timed out after 20\\d\\d milliseconds", line));
        assertTrue("took " + millis + " ms", millis < 10_000);
    }

    /** RFC 1122 4.2.3.9: an ICMP host unreachable answering the SYN fails the connect at once, as Linux's EHOSTUNREACH. */
    @Test
    public void h_unreachableNetworkIsNoRouteToHost() {
        Exec.Result route = strata.client("route add default via " + KERNEL);
        assertEquals(route.toString(), 0, route.exitCode);
        netns.exec(10, "sysctl", "-w", "net.ipv4.ip_forward=1").orFail();
        netns.exec(10, "ip", "route", "add", "unreachable", UNREACHABLE_NET).orFail();
        Exec.Result unreachable = strata.client("curl -m 10 http://" + UNREACHABLE + "/");
        assertNotEquals(unreachable.toString(), 0, unreachable.exitCode);
        assertEquals("curl: (7) Failed to connect to " + UNREACHABLE + " port 80: No route to host", errorLine(unreachable));
    }
}
