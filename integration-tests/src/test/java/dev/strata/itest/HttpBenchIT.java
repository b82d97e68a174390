package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

import dev.strata.itest.support.Exec;
import dev.strata.itest.support.HttpOnTap;
import dev.strata.itest.support.JdkFileServer;
import dev.strata.itest.support.NetNs;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.Wrk;

/**
 * Issue 5's HTTP benchmark (docs/PERFORMANCE.md, section HTTP): requests per second by
 * {@code wrk -t2 -c64 -d10s}, keep-alive and with {@code -H 'Connection: close'}, against
 * Strata's HTTP server over its TAP and, in the same run, against the JDK's built-in
 * {@code com.sun.net.httpserver} ({@link JdkFileServer}, {@value #JDK_THREADS} threads)
 * serving the same 1 KiB file over a kernel veth pair. Opt-in, as it takes a minute of both
 * cores per run:
 *
 * <pre>
 * mvn -B -o verify -pl integration-tests -Dit.test=HttpBenchIT -Dstrata.http.bench=true [-Dstrata.http.bench.runs=3]
 * </pre>
 *
 * Strata: a copy of the distribution as {@link HttpRealPeerIT} runs it, TAP {@value #TAP}
 * (stack {@value #STACK}), wrk in the TAP's namespace {@code sh-hbench-N} ({@value #KERNEL}).
 * The JDK: namespaces {@code sh-hjdk-s-N} (the server, {@value #JDK_SERVER}) and
 * {@code sh-hjdk-c-N} (wrk, {@value #JDK_CLIENT}) joined by a veth pair. Every measurement
 * follows a 3 s warm-up with the same wrk command. The figures are printed as a Markdown table,
 * with each server's CPU seconds per 100,000 requests ({@code /proc/PID/stat}); nothing is
 * asserted about them.
 */
public class HttpBenchIT {

    static final String ENABLE = "strata.http.bench";
    private static final String TAP = "shtap9b";
    private static final String KERNEL = "198.18.9.1";
    private static final String STACK = "198.18.9.2";
    private static final String JDK_SERVER = "198.18.10.2";
    private static final String JDK_CLIENT = "198.18.10.1";
    private static final int JDK_THREADS = 4;
    private static final int SECONDS = Integer.getInteger("strata.http.bench.seconds", 10);
    private static final int RUNS = Integer.getInteger("strata.http.bench.runs", 1);
    private static final String SMALL = "small.txt";
    private static final String CLOSE = "Connection: close";

    private static HttpOnTap strata;
    private static NetNs jdkServerNs;
    private static NetNs jdkClientNs;
    private static Process jdk;

    @BeforeClass
    public static void startBothServers() throws Exception {
        // a benchmark, not a test: three rounds of 10 s wrk runs against two servers, minutes of full
        // load every build need not pay for; it asserts nothing about speed, docs/PERFORMANCE.md records
        // what it prints. HttpRealPeerIT runs the same wrk and ab against Strata in every build.
        assumeTrue("opt-in: -D" + ENABLE + "=true", Boolean.getBoolean(ENABLE));
        Prerequisites.kernel();
        Path work = Path.of(System.getProperty("strata.it.dir", "target/it")).resolve("http-bench").toAbsolutePath();
        Files.createDirectories(work);
        strata = HttpOnTap.start(work, "sh-hbench-", TAP, STACK, KERNEL, www -> HttpOnTap.writeTextFile(www.resolve(SMALL), 1024));
        // Both wrk namespaces reuse their TIME_WAIT ports for new connections: wrk closes first in
        // about half of the Connection: close exchanges with Strata, and 10 s at several thousand
        // connections a second fill the 28,232 ephemeral ports with TIME_WAIT otherwise, after
        // which connect() itself stalls wrk (runs collapsed to 230-390 requests/s that way).
        strata.exec(10, "sysctl", "-w", "net.ipv4.tcp_tw_reuse=1").orFail();
        Path jdkRoot = work.resolve("jdk-www");
        Files.createDirectories(jdkRoot);
        Files.copy(strata.www().resolve(SMALL), jdkRoot.resolve(SMALL), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        jdkServerNs = NetNs.create("sh-hjdk-s-");
        jdkClientNs = NetNs.create("sh-hjdk-c-");
        Exec.run(10, "ip", "link", "add", "shv10s", "netns", jdkServerNs.name(), "type", "veth", "peer", "name", "shv10c", "netns",
                jdkClientNs.name()).orFail();
        jdkServerNs.exec(10, "ip", "addr", "add", JDK_SERVER + "/24", "dev", "shv10s").orFail();
        jdkClientNs.exec(10, "ip", "addr", "add", JDK_CLIENT + "/24", "dev", "shv10c").orFail();
        for (NetNs ns : new NetNs[] {jdkServerNs, jdkClientNs}) {
            ns.exec(10, "ip", "link", "set", "lo", "up").orFail();
        }
        jdkClientNs.exec(10, "sysctl", "-w", "net.ipv4.tcp_tw_reuse=1").orFail();
        jdkServerNs.exec(10, "ip", "link", "set", "shv10s", "up").orFail();
        jdkClientNs.exec(10, "ip", "link", "set", "shv10c", "up").orFail();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(JdkFileServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        // TCP_NODELAY: without it the JDK server writes the head and the body in two segments and
        // the second waits for the client's delayed ACK (40 ms): about 1,400 requests/s here
        jdk = new ProcessBuilder("ip", "netns", "exec", jdkServerNs.name(), java, "-Dsun.net.httpserver.nodelay=true", "-cp", classes,
                JdkFileServer.class.getName(),
                JDK_SERVER, "80", jdkRoot.toString(), String.valueOf(JDK_THREADS)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(jdk.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("the JDK server", "listening", out.readLine());
    }

    @AfterClass
    public static void stopEverything() throws InterruptedException {
        if (jdk != null) {
            jdk.destroy();
            jdk.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable closeable : new AutoCloseable[] {strata, jdkServerNs, jdkClientNs}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("HttpBenchIT: closing " + closeable + ": " + e);
            }
        }
    }

    /** One cell: a server's requests/s and CPU. */
    private record Measure(Wrk.Result wrk, double cpuSecondsPer100k) {
        String cell() {
            String errors = wrk.clean() ? "" : " (errors: socket " + java.util.Arrays.toString(wrk.socketErrors) + ", non-2xx " + wrk.non2xx + ")";
            return String.format(Locale.ROOT, "%,.0f%s", wrk.requestsPerSecond, errors);
        }
    }

    @Test
    public void requestsPerSecondOfStrataOverTapAgainstTheJdkServerOverVeth() throws Exception {
        String path = "/" + SMALL;
        String strataUrl = strata.url(path);
        String jdkUrl = "http://" + JDK_SERVER + path;
        List<String> rows = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            Measure strataKeepAlive = measure(strata.netns(), strataUrl, strata.strata().process().pid());
            Measure jdkKeepAlive = measure(jdkClientNs, jdkUrl, jdk.pid());
            Measure strataClose = measure(strata.netns(), strataUrl, strata.strata().process().pid(), CLOSE);
            Measure jdkClose = measure(jdkClientNs, jdkUrl, jdk.pid(), CLOSE);
            rows.add(String.format(Locale.ROOT, "| %d | %s / %s (%.2f) | %s / %s (%.2f) | %.1f / %.1f | %.1f / %.1f | %s |", run,
                    strataKeepAlive.cell(), jdkKeepAlive.cell(), ratio(strataKeepAlive, jdkKeepAlive), strataClose.cell(),
                    jdkClose.cell(), ratio(strataClose, jdkClose), strataKeepAlive.cpuSecondsPer100k, jdkKeepAlive.cpuSecondsPer100k,
                    strataClose.cpuSecondsPer100k, jdkClose.cpuSecondsPer100k, load));
            for (Measure m : new Measure[] {strataKeepAlive, jdkKeepAlive, strataClose, jdkClose}) {
                assertTrue("wrk made requests: " + m.wrk.output, m.wrk.requests > 0);
            }
        }
        System.out.println("HttpBenchIT: wrk -t2 -c64 -d" + SECONDS + "s " + path + " (a 1 KiB static file), requests/s, Strata over"
                + " TAP / JDK httpserver ("
                + JDK_THREADS + " threads) over veth (Strata / JDK)\n"
                + "| run | keep-alive | `Connection: close` | keep-alive CPU s per 100k requests, Strata / JDK"
                + " | close CPU s per 100k requests, Strata / JDK | load average before |\n| --- | --- | --- | --- | --- | --- |\n"
                + String.join("\n", rows));
        // the evidence of stalled connects: SYNs the client had to send again (after 1 s) and the
        // stack's TCP counters (OutOfWindow, ChallengeAcks, TCPTimeWaitReused)
        System.out.println("HttpBenchIT: SYN retransmissions, Strata's client / the JDK's client: "
                + synRetransmissions(strata.netns()) + " / " + synRetransmissions(jdkClientNs) + "\nHttpBenchIT: Strata's stats:\n"
                + strata.strata().client("stats").output.replaceAll("(?m)^.*: 0\\s*$\\n?", ""));
    }

    private static String synRetransmissions(NetNs ns) {
        Exec.Result nstat = ns.exec(10, "nstat", "-az", "TcpExtTCPSynRetrans");
        Matcher m = Pattern.compile("TcpExtTCPSynRetrans\\s+(\\d+)").matcher(nstat.output);
        return m.find() ? m.group(1) : "? (" + nstat.output.trim() + ")";
    }

    private static double ratio(Measure strataSide, Measure jdkSide) {
        return strataSide.wrk.requestsPerSecond / jdkSide.wrk.requestsPerSecond;
    }

    /** A 3 s warm-up, then wrk for {@link #SECONDS}, with the server's CPU time over the measurement. */
    private static Measure measure(NetNs client, String url, long serverPid, String... headers) throws IOException {
        Wrk.run(client, 2, 64, 3, url, headers);
        long before = cpuTicks(serverPid);
        Wrk.Result wrk = Wrk.run(client, 2, 64, SECONDS, url, headers);
        long ticks = cpuTicks(serverPid) - before;
        return new Measure(wrk, ticks / 100.0 / Math.max(1, wrk.requests) * 100_000);
    }

    /** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after "(comm) ": state is [0], utime is field 14 of the whole line, i.e. [11]
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
