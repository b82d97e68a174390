package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
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
import dev.strata.itest.support.NetNs;
import dev.strata.itest.support.Prerequisites;
import dev.strata.itest.support.StrataProcess;

/**
 * The built distribution against the Linux kernel (SPEC section 6). {@code bin/strata} runs
 * headless with its own data directory; {@code bin/client} opens the TAP device {@code strata0}
 * inside a namespace {@code strata-test-N} this class creates (the stack 198.18.0.2/24, the
 * kernel 198.18.0.1/24), and the kernel's own tools talk to the stack. The distribution boots
 * once for the class; the methods run in name order and the last one stops it with SIGTERM.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class RealPeerIT {

    private static final String TAP = "strata0";
    private static final String KERNEL = "198.18.0.1";
    private static final String STACK = "198.18.0.2";

    /** iputils: {@code 100 packets transmitted, 100 received, 0% packet loss, time 1001ms}. */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received(?:, \\+\\d+ \\w+)*, ([\\d.]+)% packet loss");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([\\d.]+)/([\\d.]+)/([\\d.]+)/([\\d.]+) ms");
    private static final Pattern MAC = Pattern.compile("(?i)\\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\\b");
    /** net-tools ifconfig: {@code ether 02:..:..  txqueuelen 1000  (Ethernet)}. */
    private static final Pattern ETHER = Pattern.compile("(?m)^\\s+ether\\s+(\\S+)");
    private static final Pattern RX_PACKETS = Pattern.compile("(?m)^\\s+RX packets (\\d+)\\s+bytes (\\d+)");
    private static final Pattern TX_PACKETS = Pattern.compile("(?m)^\\s+TX packets (\\d+)\\s+bytes (\\d+)");
    /** {@code ip -s -j link}: {@code "stats64":{"rx":{"bytes":N,"packets":N,...},"tx":{...}}}. */
    private static final Pattern KERNEL_RX = Pattern.compile("\"rx\":\\s*\\{\"bytes\":\\s*(\\d+),\\s*\"packets\":\\s*(\\d+)");
    private static final Pattern KERNEL_TX = Pattern.compile("\"tx\":\\s*\\{\"bytes\":\\s*(\\d+),\\s*\"packets\":\\s*(\\d+)");

    private static StrataProcess strata;
    private static NetNs netns;

    @BeforeClass
    public static void startStrataAndWireItToANamespace() {
        Prerequisites.kernel();
        Path itDir = Path.of(System.getProperty("strata.it.dir", "target/it"));
        strata = StrataProcess.start(itDir.resolve("real-peer-data"));
        netns = NetNs.create();
        // No IPv6 on the kernel side, so that every frame on the wire is one this test caused
        // and the two sides' counters can be compared exactly. default: for the TAP not yet made.
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        netns.exec(10, "sysctl", "-w", "net.ipv6.conf.default.disable_ipv6=1");

        Exec.Result up = strata.client("ifconfig " + TAP + " " + STACK + "/24 netns " + netns.name() + " up");
        assertEquals("ifconfig ... netns " + netns.name() + " up: " + up, 0, up.exitCode);
        netns.exec(10, "ip", "addr", "add", KERNEL + "/24", "dev", TAP).orFail();
        netns.exec(10, "ip", "link", "set", TAP, "up").orFail();
    }

    @AfterClass
    public static void stopStrataAndDeleteTheNamespace() {
        try {
            if (strata != null) {
                strata.close();
            }
        } finally {
            if (netns != null) {
                netns.close();
            }
        }
    }

    /** SPEC section 2: with no configuration, lo (127.0.0.1/8) answers ping inside the stack. */
    @Test
    public void a1_pingsItsOwnLoopback() {
        Exec.Result ping = strata.client("ping -c 3 -i 0.2 127.0.0.1");
        assertEquals("exit status: " + ping, 0, ping.exitCode);
        assertTrue("summary: " + ping, ping.output.contains("3 packets transmitted, 3 received, 0% packet loss"));
    }

    /** SPEC section 2: with no configuration, the stack's curl fetches its own status page and www/ over lo. */
    @Test
    public void a1b_curlsItsOwnStatusPageOverLoopback() {
        Exec.Result page = strata.client("curl http://127.0.0.1/");
        assertEquals("exit status: " + page, 0, page.exitCode);
        assertTrue("the status page: " + page, page.output.contains("<table id=\"interfaces\">")
                && page.output.contains("<tr><td>lo</td>"));
        Exec.Result head = strata.client("curl -I http://127.0.0.1/README.txt");
        assertEquals("exit status: " + head, 0, head.exitCode);
        assertTrue("www/README.txt: " + head, head.output.startsWith("HTTP/1.1 200 OK")
                && head.output.contains("Content-Type: text/plain; charset=utf-8"));
    }

    @Test
    public void a2_badCommandLineFailsWithOneLineError() {
        Exec.Result result = strata.client("ifconfig bogus0 1.2.3/24 up");
        assertNotEquals("exit status of " + result, 0, result.exitCode);
        List<String> lines = nonBlankLines(result.output);
        assertEquals("a one-line error: " + result, 1, lines.size());
        assertTrue("names the bad address: " + result, lines.get(0).contains("1.2.3"));
        // nothing half-applied: no interface bogus0
        Exec.Result ifconfig = strata.client("ifconfig");
        assertFalse("bogus0 appeared: " + ifconfig, ifconfig.output.contains("bogus0"));
    }

    @Test
    public void b_kernelPingsTheStackHundredTimesWithoutLoss() {
        Exec.Result ping = netns.exec(60, "ping", "-c", "100", "-i", "0.01", "-W", "2", STACK);
        int[] summary = summary(ping);
        assertEquals("transmitted: " + ping, 100, summary[0]);
        assertEquals("received: " + ping, 100, summary[1]);
        assertEquals("exit status: " + ping, 0, ping.exitCode);
        Matcher rtt = RTT.matcher(ping.output);
        if (rtt.find()) {
            System.out.println("kernel -> Strata ping, 100 x 64 bytes: rtt min/avg/max/mdev = " + rtt.group(1) + "/" + rtt.group(2)
                    + "/" + rtt.group(3) + "/" + rtt.group(4) + " ms");
        }
    }

    @Test
    public void c_kernelPingsWith4000BytesThroughReassemblyAndFragmentedReplies() {
        Exec.Result ping = netns.exec(60, "ping", "-c", "5", "-s", "4000", "-W", "2", STACK);
        int[] summary = summary(ping);
        assertEquals("transmitted: " + ping, 5, summary[0]);
        assertEquals("received: " + ping, 5, summary[1]);
        assertTrue("reply size: " + ping, ping.output.contains("4008 bytes from " + STACK + ": icmp_seq="));
    }

    @Test
    public void d_arpingResolvesTheStacksMac() {
        String mac = stackMac();
        Exec.Result arping = netns.exec(30, arpingCommand());
        assertEquals("arping exit status: " + arping, 0, arping.exitCode);
        List<String> replies = new ArrayList<>();
        for (String line : nonBlankLines(arping.output)) {
            if (line.contains(STACK) && !line.startsWith("ARPING")) {
                Matcher m = MAC.matcher(line);
                if (m.find()) {
                    replies.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        assertFalse("no ARP reply: " + arping, replies.isEmpty());
        for (String reply : replies) {
            assertEquals("MAC in an ARP reply: " + arping, mac, reply);
        }
    }

    /** Thomas Habets' arping (Debian's arping) takes -i; the iputils one takes -I. */
    private static String[] arpingCommand() {
        String help = Exec.run(10, "arping", "--help").output;
        String interfaceOption = help.contains("Habets") ? "-i" : "-I";
        return new String[] {"arping", "-c", "3", interfaceOption, TAP, STACK};
    }

    @Test
    public void e_stackPingsTheKernelWith4000BytesFragmented() {
        Exec.Result ping = strata.client("ping -c 5 -s 4000 " + KERNEL);
        assertEquals("exit status: " + ping, 0, ping.exitCode);
        Pattern reply = Pattern.compile("(?m)^4008 bytes from " + Pattern.quote(KERNEL) + ": icmp_seq=(\\d+) ttl=64 time=[\\d.]+ ms$");
        Matcher m = reply.matcher(ping.output);
        List<Integer> sequences = new ArrayList<>();
        while (m.find()) {
            sequences.add(Integer.parseInt(m.group(1)));
        }
        assertEquals("reply lines: " + ping, List.of(1, 2, 3, 4, 5), sequences);
        assertTrue("summary: " + ping, ping.output.contains("5 packets transmitted, 5 received, 0% packet loss"));
    }

    @Test
    public void f_stackPingOfAnAbsentHostFails() {
        Exec.Result ping = strata.client("ping -c 1 -W 1 198.18.0.99");
        assertNotEquals("exit status: " + ping, 0, ping.exitCode);
        assertTrue("summary: " + ping, ping.output.contains("1 packets transmitted, 0 received"));
    }

    /** What the kernel sent, Strata received, and the other way round: exactly, with IPv6 off. */
    @Test
    public void g_interfaceCountersMatchTheKernels() throws InterruptedException {
        String last = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            long[] before = stackCounters();
            long[] kernel = kernelCounters();
            long[] after = stackCounters();
            last = "Strata RX " + after[0] + " TX " + after[1] + ", kernel RX " + kernel[0] + " TX " + kernel[1];
            boolean quiet = before[0] == after[0] && before[1] == after[1];
            if (quiet && after[0] == kernel[1] && after[1] == kernel[0]) {
                assertTrue("no traffic counted: " + last, after[0] > 100 && after[1] > 100);
                return;
            }
            Thread.sleep(250); // a frame in flight, or a neighbour probe: look again when quiet
        }
        throw new AssertionError("Strata's RX/TX packets do not match the kernel's TX/RX: " + last
                + "\nifconfig:\n" + strata.client("ifconfig " + TAP).output
                + "\nip -s link:\n" + netns.exec(10, "ip", "-s", "link", "show", TAP).output);
    }

    @Test
    public void z_sigtermStopsWithinFiveSecondsAndReleasesTheTap() throws InterruptedException {
        assertTrue("TAP present before the stop", netns.exec(10, "ip", "link", "show", TAP).succeeded());
        long start = System.nanoTime();
        boolean exited = strata.terminate(5);
        assertTrue("bin/strata still running 5 s after SIGTERM; output:\n" + strata.log(), exited);
        System.out.println("bin/strata stopped " + (System.nanoTime() - start) / 1_000_000 + " ms after SIGTERM, exit "
                + strata.process().exitValue());
        Exec.Result show = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            show = netns.exec(10, "ip", "link", "show", TAP);
            if (!show.succeeded()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the TAP is still there after Strata exited: " + show);
    }

    private static int[] summary(Exec.Result ping) {
        Matcher m = SUMMARY.matcher(ping.output);
        assertTrue("no ping summary line: " + ping, m.find());
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static String stackMac() {
        Exec.Result ifconfig = strata.client("ifconfig " + TAP).orFail();
        Matcher m = ETHER.matcher(ifconfig.output);
        assertTrue("no ether line: " + ifconfig, m.find());
        return m.group(1).toLowerCase(Locale.ROOT);
    }

    /** {RX packets, TX packets} as Strata's ifconfig prints them. */
    private static long[] stackCounters() {
        Exec.Result ifconfig = strata.client("ifconfig " + TAP).orFail();
        Matcher rx = RX_PACKETS.matcher(ifconfig.output);
        Matcher tx = TX_PACKETS.matcher(ifconfig.output);
        assertTrue("no RX packets line: " + ifconfig, rx.find());
        assertTrue("no TX packets line: " + ifconfig, tx.find());
        return new long[] {Long.parseLong(rx.group(1)), Long.parseLong(tx.group(1))};
    }

    /** {RX packets, TX packets} of the kernel's side of the TAP. */
    private static long[] kernelCounters() {
        Exec.Result show = netns.exec(10, "ip", "-s", "-j", "link", "show", TAP).orFail();
        Matcher rx = KERNEL_RX.matcher(show.output);
        Matcher tx = KERNEL_TX.matcher(show.output);
        assertTrue("no rx stats: " + show, rx.find());
        assertTrue("no tx stats: " + show, tx.find());
        return new long[] {Long.parseLong(rx.group(2)), Long.parseLong(tx.group(2))};
    }

    private static List<String> nonBlankLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

}
