package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.socket.NetSocket;
import dev.strata.api.socket.SocketService;
import dev.strata.api.socket.StrataSocketOptions;
import dev.strata.api.socket.StreamSocket;
import dev.strata.api.stats.StatisticsProvider;
import dev.strata.itest.support.Exec;
import dev.strata.itest.support.NetNs;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.TrackedServices;

/**
 * Issue 4's TCP benchmarks, each beside its kernel-to-kernel reference measured by the same
 * code in the same run (docs/PERFORMANCE.md, section TCP). Opt-in, as it takes a minute or two
 * of both cores:
 *
 * <pre>
 * mvn -B -o verify -pl integration-tests -Dit.test=TcpBenchPaxIT -Dstrata.tcp.bench=true
 * </pre>
 *
 * Without {@code -Dstrata.tcp.bench=true} the framework boots without the Strata bundles and
 * the test is skipped. With it: Felix with every Strata bundle in this JVM; the stack's TAP
 * {@value #TAP} (MTU 1500) has its kernel side in namespace K (stack {@value #STACK}, kernel
 * {@value #KERNEL}); the reference is a veth pair between two more namespaces A
 * ({@value #REF_A}) and B ({@value #REF_B}). Addresses from 198.18.6.0/24 and 198.18.7.0/24
 * only; every namespace is deleted at the end.
 *
 * <ul>
 * <li>(a) bulk kernel -> stack: {@code head -c 200M /dev/zero | socat -u - TCP:STACK:9} (the
 * discard service) timed by the shell, against the same command into
 * {@code socat -u TCP-LISTEN:9 - > /dev/null} in B; plus the JVM's CPU seconds per GB;</li>
 * <li>(b) bulk stack -> kernel: a stack socket writes 200 MB of zeros to
 * {@code tcp_peer.py sink} in K, against {@code tcp-bench-peer.py source} from A into the same
 * sink in B (the sink's own timing, accept to EOF, for both);</li>
 * <li>(c) connections per second: {@code tcp-bench-peer.py connrate} (one thread, connect and
 * close) against the discard port, against {@code tcp-bench-peer.py accept-server} in B;</li>
 * <li>(d) 1-byte request/response latency: {@code tcp-bench-peer.py rr} against the echo port
 * (7), against {@code tcp-bench-peer.py echo-server} in B (median, p99);</li>
 * <li>(e) heap per idle established connection end, by {@link TcpMemoryPaxIT}'s method with
 * {@value #MEMORY_CONNECTIONS} connections over the loopback.</li>
 * </ul>
 * The figures are printed as a Markdown table; nothing is asserted about them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TcpBenchPaxIT {

    static final String ENABLE = "strata.tcp.bench";
    /** Optional: the TAP driver's busyPollMicros for this run (default: the driver's own, 5000). */
    static final String BUSY_POLL = "strata.tcp.bench.busyPollMicros";
    private static final String TAP = "stbench6";
    private static final String STACK = "198.18.6.1";
    private static final String KERNEL = "198.18.6.2";
    private static final String VETH_A = "vbench7a";
    private static final String VETH_B = "vbench7b";
    private static final String REF_A = "198.18.7.1";
    private static final String REF_B = "198.18.7.2";
    private static final int BULK_MB = Integer.getInteger("strata.tcp.bench.megabytes", 200);
    private static final int CONNECTS = Integer.getInteger("strata.tcp.bench.connections", 5000);
    private static final int ROUND_TRIPS = Integer.getInteger("strata.tcp.bench.roundtrips", 10_000);
    private static final int MEMORY_CONNECTIONS = 1000;
    private static final long WAIT_MS = 10_000;
    private static final Pattern SENT = Pattern.compile("(?m)^sent (\\d+) seconds ([0-9.]+) gbits ([0-9.]+)");
    private static final Pattern SINK = Pattern.compile("^ok (\\d+) ([0-9a-f]{64}) seconds ([0-9.]+) gbits ([0-9.]+)");
    private static final Pattern NANOS = Pattern.compile("(?m)^nanos (\\d+)");
    private static final Pattern CONNRATE = Pattern.compile("(?m)^connections (\\d+) seconds ([0-9.]+) per_second ([0-9.]+)");
    private static final Pattern RR = Pattern.compile("(?m)^rr (\\d+) median_us ([0-9.]+) p99_us ([0-9.]+) mean_us ([0-9.]+) p90_us ([0-9.]+) max_us ([0-9.]+) over_1ms (\\d+)");

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private Path peer;
    private Path bench;

    @Configuration
    public Option[] configuration() {
        if (!Boolean.getBoolean(ENABLE)) {
            // skipped: CI does not boot the stack for it (the API only, so that the probe's classes resolve)
            return StackPaxIT.frameworkOptions(new String[] {"bundles/api"});
        }
        return StackPaxIT.frameworkOptions(StackPaxIT.STRATA_BUNDLES);
    }

    @Test
    public void tcpAgainstTheKernel() throws Exception {
        // a benchmark, not a test: minutes of full load that every build need not pay for; it asserts
        // nothing about speed, and docs/PERFORMANCE.md records what it prints (TcpRealPeerIT and
        // TcpMemoryPaxIT are the tests of the same paths, and run in every build)
        assumeTrue("opt-in: -D" + ENABLE + "=true", Boolean.getBoolean(ENABLE));
        Prerequisites.kernel();
        Path scripts = Path.of(System.getProperty("strata.root", ".."), "integration-tests", "src", "test", "scripts")
                .toAbsolutePath().normalize();
        peer = scripts.resolve("tcp_peer.py");
        bench = scripts.resolve("tcp-bench-peer.py");
        assertTrue("no " + peer, Files.isRegularFile(peer));
        assertTrue("no " + bench, Files.isRegularFile(bench));

        List<String> rows = new ArrayList<>();
        try (NetNs k = NetNs.create(); NetNs a = NetNs.create(); NetNs b = NetNs.create()) {
            InterfaceManager interfaces = await(InterfaceManager.class);
            try {
                wire(interfaces, k, a, b);
                rows.addAll(kernelToStack(k, a, b));
                rows.add(stackToKernel(k, a, b));
                rows.add(connectionsPerSecond(k, a, b));
                rows.add(latency(k, a, b));
            } finally {
                interfaces.down(TAP);
            }
        }
        TcpMemoryPaxIT.Measurement memory = TcpMemoryPaxIT.measure(await(SocketService.class), await(BufferPool.class),
                MEMORY_CONNECTIONS, false);
        long linux = linuxSocketBytes();
        rows.add(String.format(Locale.ROOT, "| (e) heap per idle established connection end (%,d connections, both ends in the JVM)"
                + " | %,d B after a byte each way and the 1 s idle trim (%,d B never used) | %,d B (Linux's slab objects of a socket) | %.1f |",
                MEMORY_CONNECTIONS, memory.bytesPerEnd(), memory.untouchedBytesPerEnd(), linux, memory.bytesPerEnd() / (double) linux));

        StringBuilder table = new StringBuilder("\n| benchmark | Strata (TAP, MTU 1500) | kernel -> kernel (veth) | Strata / kernel |\n"
                + "| --- | --- | --- | --- |\n");
        for (String row : rows) {
            table.append(row).append('\n');
        }
        System.out.println("TcpBenchPaxIT: load average " + loadAverage() + table);
    }

    // ---- set-up ---------------------------------------------------------------------------------

    private void wire(InterfaceManager interfaces, NetNs k, NetNs a, NetNs b) throws Exception {
        for (NetNs ns : List.of(k, a, b)) {
            ns.exec(10, "sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            ns.exec(10, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            ns.exec(10, "ip", "link", "set", "lo", "up").orFail();
        }
        String busyPoll = System.getProperty(BUSY_POLL);
        if (busyPoll != null) {
            configure("dev.strata.link.tap", "busyPollMicros", Integer.valueOf(busyPoll));
            Thread.sleep(1000); // DS applies it (to links opened from then on)
        }
        interfaces.configure(new InterfaceConfig(TAP, Ipv4Address.parse(STACK), 24, 1500, LinkRequest.ANY_MAC, k.name()));
        k.exec(10, "ip", "addr", "add", KERNEL + "/24", "dev", TAP).orFail();
        k.exec(10, "ip", "link", "set", TAP, "up").orFail();
        Exec.run(10, "ip", "link", "add", VETH_A, "netns", a.name(), "type", "veth", "peer", "name", VETH_B, "netns", b.name()).orFail();
        a.exec(10, "ip", "addr", "add", REF_A + "/24", "dev", VETH_A).orFail();
        b.exec(10, "ip", "addr", "add", REF_B + "/24", "dev", VETH_B).orFail();
        a.exec(10, "ip", "link", "set", VETH_A, "up").orFail();
        b.exec(10, "ip", "link", "set", VETH_B, "up").orFail();
        // the built-in services listen once the socket layer, TCP and the services are up
        long deadline = System.currentTimeMillis() + WAIT_MS;
        Exec.Result probe;
        do {
            probe = k.exec(10, "nc", "-z", "-w", "2", STACK, "9");
            if (probe.succeeded()) {
                break;
            }
            Thread.sleep(200);
        } while (System.currentTimeMillis() < deadline);
        assertTrue("the discard service never accepted a connection: " + probe, probe.succeeded());
        assertTrue("veth reference: " + a.exec(10, "ping", "-c", "1", "-W", "2", REF_B), a.exec(10, "ping", "-c", "1", "-W", "2", REF_B)
                .succeeded());
    }

    // ---- (a) kernel -> stack --------------------------------------------------------------------

    /**
     * Twice: with socat's default 8 KiB blocks (the method, which costs socat and the pipe
     * one read and one write per 8 KiB and caps the kernel's own veth figure near 1.2-1.5 Gbit/s
     * here), and with {@code -b 65536}, which lifts that ceiling so that the receiver's limit shows.
     */
    private List<String> kernelToStack(NetNs k, NetNs a, NetNs b) throws Exception {
        socatInto(k, STACK, 50, ""); // warm-up: the JIT compiles the receive path
        List<String> rows = new ArrayList<>();
        for (String options : List.of("", "-b 65536")) {
            Map<String, Long> countersBefore = tcpCounters();
            Thread look = options.isEmpty() ? lookLater(k, "kernel -> stack") : null;
            Map<String, Long> threadsBefore = threadCpuNanos();
            long cpuBefore = processCpuNanos();
            double stack = socatInto(k, STACK, BULK_MB, options);
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            System.out.println("TcpBenchPaxIT: kernel -> stack (socat " + options + "), the JVM's busiest threads: "
                    + busiestThreads(threadsBefore, threadCpuNanos(), 6));
            if (look != null) {
                look.join(5000);
            }
            System.out.println("TcpBenchPaxIT: kernel -> stack (socat " + options + "), Tcp counters that moved: "
                    + moved(countersBefore, tcpCounters()));
            Process sink = background(b, "sh", "-c", "exec socat -u TCP-LISTEN:9,reuseaddr,bind=" + REF_B + " - > /dev/null");
            double kernel;
            try {
                awaitListening(b, 9);
                kernel = socatInto(a, REF_B, BULK_MB, options);
            } finally {
                sink.destroy();
                sink.waitFor(5, TimeUnit.SECONDS);
            }
            rows.add(String.format(Locale.ROOT,
                    "| (a) bulk kernel -> stack, `head -c %dM /dev/zero \\| socat %s-u - TCP:HOST:9` | %.2f Gbit/s (JVM CPU %.1f s per GB) | %.2f Gbit/s | %.2f |",
                    BULK_MB, options.isEmpty() ? "" : options + " ", stack, cpuSeconds / (BULK_MB * 1048576.0 / 1e9), kernel, stack / kernel));
        }
        return rows;
    }

    /** {@code head -c NM /dev/zero | socat OPTIONS -u - TCP:HOST:9} in {@code ns}, timed by the shell; Gbit/s. */
    private double socatInto(NetNs ns, String host, int megabytes, String socatOptions) throws InterruptedException {
        // a transfer that stalls: the kernel's view and the stack's counters at 60 s, before the timeout ends it
        Map<String, Long> countersBefore = tcpCounters();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(60_000);
                System.out.println("TcpBenchPaxIT: STALL? " + megabytes + " MB to " + host + " still running after 60 s; the kernel's view:\n"
                        + ns.exec(10, "ss", "-tnie").output + ns.exec(10, "ip", "-s", "link").output
                        + "the stack's Tcp counters that moved: " + moved(countersBefore, tcpCounters()));
            } catch (InterruptedException e) {
                // finished in time
            }
        }, "tcp-bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Exec.Result r;
        try {
            r = ns.exec(120, "sh", "-c", "start=$(date +%s%N); head -c " + megabytes + "M /dev/zero | socat " + socatOptions + " -u - TCP:" + host
                    + ":9 || exit 1; end=$(date +%s%N); echo nanos $((end - start))");
        } finally {
            watchdog.interrupt();
        }
        assertEquals("socat to " + host + ": " + r, 0, r.exitCode);
        Matcher m = NANOS.matcher(r.output);
        assertTrue(r.output, m.find());
        return megabytes * 1048576.0 * 8 / Long.parseLong(m.group(1));
    }

    // ---- (b) stack -> kernel --------------------------------------------------------------------

    private String stackToKernel(NetNs k, NetNs a, NetNs b) throws Exception {
        SocketService sockets = await(SocketService.class);
        stackIntoSink(sockets, k, 50); // warm-up
        Map<String, Long> threadsBefore = threadCpuNanos();
        long cpuBefore = processCpuNanos();
        double[] stack = stackIntoSink(sockets, k, BULK_MB);
        double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
        System.out.println("TcpBenchPaxIT: stack -> kernel, the JVM's busiest threads: " + busiestThreads(threadsBefore, threadCpuNanos(), 6));
        Process sink = background(b, "python3", peer.toString(), "sink", REF_B, "5001");
        double kernel;
        try {
            assertEquals("the kernel's sink", "listening", firstLine(sink));
            Exec.Result source = a.exec(120, "python3", bench.toString(), "source", REF_B, "5001", String.valueOf(BULK_MB * 1048576L));
            assertEquals("source: " + source, 0, source.exitCode);
            kernel = sinkGbits(sink, BULK_MB);
        } finally {
            sink.destroy();
            sink.waitFor(5, TimeUnit.SECONDS);
        }
        return String.format(Locale.ROOT,
                "| (b) bulk stack -> kernel, %d MB into `tcp_peer.py sink` (python, SHA-256 while reading) | %.2f Gbit/s (JVM CPU %.1f s per GB) | %.2f Gbit/s | %.2f |",
                BULK_MB, stack[0], cpuSeconds / (BULK_MB * 1048576.0 / 1e9), kernel, stack[0] / kernel);
    }

    /** A stack socket writes {@code megabytes} of zeros to tcp_peer.py sink in K; the sink's Gbit/s. */
    private double[] stackIntoSink(SocketService sockets, NetNs k, int megabytes) throws Exception {
        Process sink = background(k, "python3", peer.toString(), "sink", KERNEL, "5001");
        try {
            assertEquals("the kernel's sink", "listening", firstLine(sink));
            StreamSocket socket = sockets.openStream();
            closeAtEnd.add(socket);
            socket.connect(new InetSocketAddress(KERNEL, 5001), 10_000);
            Map<String, Long> countersBefore = tcpCounters();
            Thread look = megabytes == BULK_MB ? lookLater(k, "stack -> kernel") : null;
            ByteBuffer zeros = ByteBuffer.allocate(256 * 1024);
            long left = megabytes * 1048576L;
            while (left > 0) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                while (zeros.hasRemaining()) {
                    left -= socket.write(zeros);
                }
            }
            socket.shutdown(NetSocket.Shutdown.WRITE);
            socket.setOption(StrataSocketOptions.SO_RCVTIMEO, 30_000);
            assertEquals("the kernel closes after EOF", -1, socket.read(ByteBuffer.allocate(16)));
            socket.close();
            double gbits = sinkGbits(sink, megabytes);
            if (look != null) {
                look.join(5000);
                System.out.println("TcpBenchPaxIT: stack -> kernel, Tcp counters that moved: " + moved(countersBefore, tcpCounters()));
                // the kernel's side of it: drops on the TAP, out-of-order and duplicate segments it saw (since K was made)
                System.out.println("TcpBenchPaxIT: stack -> kernel, the kernel's counters in K:\n"
                        + k.exec(10, "ip", "-s", "link", "show", TAP).output
                        + k.exec(10, "sh", "-c", "nstat -asz | grep -E 'TcpInSegs|TcpRetransSegs|OFO|DSACK|Drop|Prune|Collapse|TCPTimeouts|TCPSACKReorder|TCPRcvCoalesce'").output);
            }
            return new double[] {gbits};
        } finally {
            sink.destroy();
            sink.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static double sinkGbits(Process sink, int megabytes) throws IOException {
        String line = nextLine(sink);
        assertNotNull("the sink printed nothing more", line);
        Matcher m = SINK.matcher(line);
        assertTrue("sink: " + line, m.matches());
        assertEquals("bytes the sink read", megabytes * 1048576L, Long.parseLong(m.group(1)));
        return Double.parseDouble(m.group(4));
    }

    // ---- (c) connections per second -------------------------------------------------------------

    private String connectionsPerSecond(NetNs k, NetNs a, NetNs b) throws Exception {
        double stack = connrate(k, STACK, 9);
        Process server = background(b, "python3", bench.toString(), "accept-server", REF_B, "9");
        double kernel;
        try {
            assertEquals("the kernel's accept server", "listening", firstLine(server));
            kernel = connrate(a, REF_B, 9);
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        return String.format(Locale.ROOT,
                "| (c) connections per second, one python client thread (connect + close, %,d after 500 warm-up) to the discard port | %,.0f/s | %,.0f/s (python accept + close) | %.2f |",
                CONNECTS, stack, kernel, stack / kernel);
    }

    private double connrate(NetNs ns, String host, int port) {
        Exec.Result r = ns.exec(120, "python3", bench.toString(), "connrate", host, String.valueOf(port), String.valueOf(CONNECTS));
        assertEquals("connrate: " + r, 0, r.exitCode);
        Matcher m = CONNRATE.matcher(r.output);
        assertTrue(r.output, m.find());
        return Double.parseDouble(m.group(3));
    }

    // ---- (d) latency ----------------------------------------------------------------------------

    private String latency(NetNs k, NetNs a, NetNs b) throws Exception {
        long[] gcBefore = gcCountAndMillis();
        Map<String, Long> threadsBefore = threadCpuNanos();
        double[] stack = rr(k, STACK, 7);
        long[] gcAfter = gcCountAndMillis();
        System.out.println("TcpBenchPaxIT: during the stack's round trips: " + (gcAfter[0] - gcBefore[0]) + " collections, "
                + (gcAfter[1] - gcBefore[1]) + " ms of GC; busiest threads: " + busiestThreads(threadsBefore, threadCpuNanos(), 4));
        Process server = background(b, "python3", bench.toString(), "echo-server", REF_B, "7");
        double[] kernel;
        try {
            assertEquals("the kernel's echo server", "listening", firstLine(server));
            kernel = rr(a, REF_B, 7);
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
        return String.format(Locale.ROOT,
                "| (d) 1-byte request/response, python client (TCP_NODELAY), %,d round trips after 1,000 warm-up, to the echo port | median %.0f µs, p99 %.0f µs | median %.0f µs, p99 %.0f µs (python echo) | %.2f (median) |",
                ROUND_TRIPS, stack[0], stack[1], kernel[0], kernel[1], stack[0] / kernel[0]);
    }

    private double[] rr(NetNs ns, String host, int port) {
        Exec.Result r = ns.exec(120, "python3", bench.toString(), "rr", host, String.valueOf(port), String.valueOf(ROUND_TRIPS));
        assertEquals("rr: " + r, 0, r.exitCode);
        Matcher m = RR.matcher(r.output);
        assertTrue(r.output, m.find());
        System.out.println("TcpBenchPaxIT: " + host + ":" + port + " " + m.group());
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Process background(NetNs ns, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        closeAtEnd.add(process::destroyForcibly);
        return process;
    }

    private static String firstLine(Process process) throws IOException {
        return nextLine(process);
    }

    private static String nextLine(Process process) throws IOException {
        // one reader per process would be tidier; a line at a time from the raw stream keeps no buffered bytes behind
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = process.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return c < 0 && line.length() == 0 ? null : line.toString();
    }

    /**
     * Sets one property of configuration {@code pid} through Config Admin, by reflection (the
     * probe does not compile against org.osgi.service.cm).
     */
    private void configure(String pid, String key, Object value) throws Exception {
        org.osgi.framework.ServiceReference<?> reference = context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        assertNotNull("no ConfigurationAdmin", reference);
        Object admin = context.getService(reference);
        try {
            Class<?> adminType = Class.forName("org.osgi.service.cm.ConfigurationAdmin", false, admin.getClass().getClassLoader());
            Object configuration = adminType.getMethod("getConfiguration", String.class, String.class).invoke(admin, pid, "?");
            Class<?> configurationType = Class.forName("org.osgi.service.cm.Configuration", false, admin.getClass().getClassLoader());
            java.util.Hashtable<String, Object> properties = new java.util.Hashtable<>();
            properties.put(key, value);
            configurationType.getMethod("update", java.util.Dictionary.class).invoke(configuration, properties);
            System.out.println("TcpBenchPaxIT: " + pid + " " + key + "=" + value);
        } finally {
            context.ungetService(reference);
        }
    }

    /** Prints the kernel's view ({@code ss -tni} in {@code ns}: windows, cwnd, RTT) one second from now. */
    private static Thread lookLater(NetNs ns, String what) {
        Thread look = new Thread(() -> {
            try {
                Thread.sleep(1000);
                System.out.println("TcpBenchPaxIT: " + what + ", the kernel's view 1 s in:\n" + ns.exec(10, "ss", "-tni").output);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tcp-bench-ss");
        look.setDaemon(true);
        look.start();
        return look;
    }

    /** The stack's Tcp statistics (the section Tcp of {@code stats}). */
    private Map<String, Long> tcpCounters() throws InterruptedException {
        ServiceTracker<StatisticsProvider, StatisticsProvider> tracker = new ServiceTracker<>(context, StatisticsProvider.class, null);
        tracker.open();
        services.hold(tracker);
        tracker.waitForService(WAIT_MS);
        for (StatisticsProvider provider : tracker.getServices(new StatisticsProvider[0])) {
            if ("Tcp".equals(provider.protocol())) {
                return new TreeMap<>(provider.counters());
            }
        }
        return new TreeMap<>();
    }

    private static Map<String, Long> moved(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> moved = new TreeMap<>();
        after.forEach((name, value) -> {
            long delta = value - before.getOrDefault(name, 0L);
            if (delta != 0) {
                moved.put(name, delta);
            }
        });
        return moved;
    }

    private static void awaitListening(NetNs ns, int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (ns.exec(10, "ss", "-Hltn", "sport = :" + port).output.contains(":" + port)) {
                return;
            }
            Thread.sleep(50);
        }
        fail("nothing listens on port " + port + " in " + ns.name());
    }

    /**
     * What an idle established socket costs Linux: the sizes of its slab objects (/proc/slabinfo:
     * TCP, the tcp_sock; sock_inode_cache, the socket and its inode; filp, the open file; dentry).
     * An idle socket holds no buffer memory in Linux (skbs are allocated per packet).
     */
    static long linuxSocketBytes() throws IOException {
        long total = 0;
        for (String line : Files.readAllLines(Path.of("/proc/slabinfo"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && List.of("TCP", "sock_inode_cache", "filp", "dentry").contains(f[0])) {
                total += Long.parseLong(f[3]);
            }
        }
        return total;
    }

    /** Collections and their milliseconds so far, over every collector of this JVM. */
    static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** CPU time (ns) of each live thread of this JVM, by "tid name" (/proc/self/task). */
    static Map<String, Long> threadCpuNanos() {
        Map<String, Long> threads = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    threads.put(task.getFileName() + " " + name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: no breakdown
        }
        return threads;
    }

    /** The threads that used the most CPU between two {@link #threadCpuNanos} snapshots, in seconds. */
    static String busiestThreads(Map<String, Long> before, Map<String, Long> after, int top) {
        List<Map.Entry<String, Long>> moved = new ArrayList<>();
        after.forEach((thread, nanos) -> moved.add(Map.entry(thread.substring(thread.indexOf(' ') + 1), nanos - before.getOrDefault(thread, 0L))));
        moved.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(top, moved.size()) && moved.get(i).getValue() > 0; i++) {
            text.append(String.format(Locale.ROOT, "%s %.2f s; ", moved.get(i).getKey(), moved.get(i).getValue() / 1e9));
        }
        return text.toString();
    }

    /** This JVM's user + system CPU time (/proc/self/stat utime, stime; clock ticks of 10 ms). */
    static long processCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 10_000_000L;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private <T> T await(Class<T> type) throws InterruptedException {
        return services.await(context, type);
    }

    @After
    public void closeEverything() {
        for (AutoCloseable c : closeAtEnd) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        closeAtEnd.clear();
        services.close();
    }
}
