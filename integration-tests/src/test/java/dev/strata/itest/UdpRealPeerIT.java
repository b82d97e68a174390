package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * UDP between the built distribution and the Linux kernel (issue 3), with a packet capture
 * of it all: the kernel uses the stack's built-in echo (RFC 862, port 7) with 1, 1472 and
 * 8000 bytes (the last in fragments both ways), is refused by a closed port through ICMP port
 * unreachable, and receives on a listener of its own a datagram the stack sends; {@code
 * capture start}/{@code capture stop} record it, and tshark reads the file without one
 * malformed frame and with exactly the frames both sides counted.
 *
 * <p>Same set-up as {@link RealPeerIT}: namespace {@code strata-test-N}, kernel 198.18.0.1/24,
 * stack 198.18.0.2/24 on {@code strata0}, IPv6 off so that every frame is one this class
 * caused. The kernel's side is {@code src/test/scripts/udp_peer.py} (python3) and socat.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class UdpRealPeerIT {

    private static final String TAP = "strata0";
    private static final String KERNEL = "198.18.0.1";
    private static final String STACK = "198.18.0.2";
    private static final Pattern OK_LINE = Pattern.compile("(?m)^ok (\\d+) ([0-9a-f]{64})$");
    private static final Pattern RX_PACKETS = Pattern.compile("(?m)^\\s+RX packets (\\d+)\\s+bytes (\\d+)");
    private static final Pattern TX_PACKETS = Pattern.compile("(?m)^\\s+TX packets (\\d+)\\s+bytes (\\d+)");
    private static final Pattern KERNEL_RX = Pattern.compile("\"rx\":\\s*\\{\"bytes\":\\s*(\\d+),\\s*\"packets\":\\s*(\\d+)");
    private static final Pattern KERNEL_TX = Pattern.compile("\"tx\":\\s*\\{\"bytes\":\\s*(\\d+),\\s*\"packets\":\\s*(\\d+)");
    /** IPv4 fragments of an 8000-byte UDP payload at MTU 1500: 8008 bytes in pieces of 1480. */
    private static final int FRAGMENTS_OF_8000 = (8000 + 8 + 1479) / 1480;

    private static StrataProcess strata;
    private static NetNs netns;
    private static Path itDir;
    private static Path peerScript;
    private static Path captureFile;
    /** Stack and kernel frame counters when the capture started: {stack RX, stack TX, kernel RX, kernel TX}. */
    private static long[] countersAtStart;
    /** IPv4 frames the tests sent and caused while the capture ran (requests, replies, fragments, ICMP). */
    private static int ipFramesExpected;

    @BeforeClass
    public static void startStrataAndWireItToANamespace() {
        Prerequisites.kernel();
        itDir = Path.of(System.getProperty("strata.it.dir", "target/it")).toAbsolutePath();
        peerScript = Path.of(System.getProperty("strata.root", ".."), "integration-tests", "src", "test", "scripts", "udp_peer.py")
                .toAbsolutePath().normalize();
        assertTrue("no " + peerScript, Files.isRegularFile(peerScript));
        strata = StrataProcess.start(itDir.resolve("udp-real-peer-data"));
        netns = NetNs.create();
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
                strata.client("capture stop"); // in case a test failed in between
                strata.close();
            }
        } finally {
            if (netns != null) {
                netns.close();
            }
        }
    }

    /** SPEC section 3: the built-in services listen on every address, UDP ports 7 and 9. */
    @Test
    public void a_netstatListsTheEchoAndDiscardServices() throws InterruptedException {
        Pattern echo = Pattern.compile("(?m)^udp\\s+\\d+\\s+\\d+\\s+0\\.0\\.0\\.0:7\\s+0\\.0\\.0\\.0:\\*");
        Pattern discard = Pattern.compile("(?m)^udp\\s+\\d+\\s+\\d+\\s+0\\.0\\.0\\.0:9\\s+0\\.0\\.0\\.0:\\*");
        Exec.Result netstat = null;
        for (int attempt = 0; attempt < 40; attempt++) { // the services bind once the socket layer and UDP are up
            netstat = strata.client("netstat -u -l -n");
            if (netstat.succeeded() && echo.matcher(netstat.output).find() && discard.matcher(netstat.output).find()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("netstat -u -l -n does not list 0.0.0.0:7 and 0.0.0.0:9: " + netstat);
    }

    @Test
    public void b_captureStartsOnTheTap() throws IOException {
        captureFile = itDir.resolve("udp-real-peer.pcap");
        Files.deleteIfExists(captureFile);
        countersAtStart = concat(stackCounters(), kernelCounters());
        Exec.Result start = strata.client("capture start -i " + TAP + " " + captureFile);
        assertEquals("capture start: " + start, 0, start.exitCode);
    }

    /** udp_peer.py echo-check: random payloads of 1, 1472 and 8000 bytes come back identical (SHA-256 and bytes). */
    @Test
    public void c1_echoReturnsPayloadsOf1And1472And8000BytesIdentical() {
        Exec.Result check = netns.exec(30, "python3", peerScript.toString(), "echo-check", STACK, "7", "1", "1472", "8000");
        assertEquals("echo-check: " + check, 0, check.exitCode);
        Matcher ok = OK_LINE.matcher(check.output);
        List<Integer> sizes = new ArrayList<>();
        while (ok.find()) {
            sizes.add(Integer.parseInt(ok.group(1)));
        }
        assertEquals("payloads echoed intact: " + check, List.of(1, 1472, 8000), sizes);
        ipFramesExpected += 2 + 2 + 2 * FRAGMENTS_OF_8000;
        System.out.println("UdpRealPeerIT: the stack's UDP echo returned 1, 1472 and 8000 bytes intact:\n" + check.output.trim());
    }

    /** socat as the issue names it: {@code socat -t 2 - UDP:198.18.0.2:7} with a 1472-byte file on stdin. */
    @Test
    public void c2_socatGetsItsBytesBackFromTheEcho() throws IOException {
        Path in = itDir.resolve("udp-socat-in.bin");
        byte[] payload = new byte[1472];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7 + 3);
        }
        Files.write(in, payload);
        Path out = itDir.resolve("udp-socat-out.bin");
        Files.deleteIfExists(out);
        Exec.Result socat = netns.exec(20, "sh", "-c", "socat -t 2 - UDP:" + STACK + ":7 < " + in + " > " + out);
        assertEquals("socat: " + socat, 0, socat.exitCode);
        byte[] back = Files.readAllBytes(out);
        assertEquals("bytes back through socat", payload.length, back.length);
        assertTrue("socat got different bytes back", java.util.Arrays.equals(payload, back));
        ipFramesExpected += 2;
    }

    /** RFC 1122 4.1.3.1: a datagram to a closed port gets ICMP port unreachable; Linux reports ECONNREFUSED on a connected socket. */
    @Test
    public void d_closedPortIsRefusedByIcmpPortUnreachable() {
        Exec.Result refused = netns.exec(20, "python3", peerScript.toString(), "refused", STACK, "9999");
        assertEquals("connected UDP socket to " + STACK + ":9999: " + refused, 0, refused.exitCode);
        assertEquals("the first receive reports it: " + refused, "refused", refused.output.trim());
        ipFramesExpected += 2; // the datagram and the ICMP error
    }

    /**
     * The stack sends UDP to a kernel listener: socat {@code UDP-RECV:5555} on 198.18.0.1. No shell
     * command sends UDP, so the echo does it: the kernel sends a datagram to port 7 from port 5555
     * on a raw socket (so that no kernel socket owns 5555 but socat's), and the echo's reply is a
     * datagram the stack sends from 198.18.0.2:7 to socat's 198.18.0.1:5555.
     */
    @Test
    public void e_stackSendsADatagramToAKernelSocatListener() throws Exception {
        Path received = itDir.resolve("udp-socat-listener.out");
        Files.deleteIfExists(received);
        List<String> command = List.of("ip", "netns", "exec", netns.name(), "socat", "-u", "UDP-RECV:5555,bind=" + KERNEL, "-");
        Process listener = new ProcessBuilder(command).redirectOutput(received.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(new File("/dev/null")).start();
        String text = "a datagram from Strata's UDP to the kernel's socat";
        try {
            waitForListener(5555);
            Exec.Result send = netns.exec(10, "python3", peerScript.toString(), "raw-send", KERNEL, "5555", STACK, "7", text);
            assertEquals("raw-send: " + send, 0, send.exitCode);
            long deadline = System.currentTimeMillis() + 5000;
            while (Files.size(received) < text.length() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("what socat UDP-RECV:5555 received from the stack", text, Files.readString(received, StandardCharsets.UTF_8));
            ipFramesExpected += 2;
        } finally {
            listener.destroy();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void waitForListener(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            Exec.Result ss = netns.exec(10, "ss", "-u", "-l", "-n");
            if (ss.output.contains(KERNEL + ":" + port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("socat did not start listening on " + KERNEL + ":" + port);
    }

    /**
     * tshark reads the capture with no malformed frame, as many frames as both sides counted
     * during it, and exactly the IPv4 frames the tests caused; the rest are ARP.
     */
    @Test
    public void f_captureStopsAndTsharkReadsEveryFrameWellFormed() throws InterruptedException {
        // b_captureStartsOnTheTap already failed if the capture did not start; not reported twice.
        assumeTrue("the capture did not start", countersAtStart != null);
        long[] end = quietCounters();
        Exec.Result stop = strata.client("capture stop");
        assertEquals("capture stop: " + stop, 0, stop.exitCode);
        long stackFrames = (end[0] - countersAtStart[0]) + (end[1] - countersAtStart[1]);
        long kernelFrames = (end[2] - countersAtStart[2]) + (end[3] - countersAtStart[3]);
        assertEquals("frames the stack counted (RX+TX) vs the kernel (TX+RX) during the capture", stackFrames, kernelFrames);

        Exec.Result all = Exec.run(60, "tshark", "-r", captureFile.toString());
        assertEquals("tshark -r: " + all, 0, all.exitCode);
        List<String> frames = frameLines(all.output);
        long malformed = frames.stream().filter(line -> line.contains("Malformed")).count();
        assertEquals("malformed frames per tshark:\n" + all.output, 0, malformed);
        long ip = count("ip");
        long arp = count("arp");
        long udp = count("udp");
        long icmp = count("icmp");
        System.out.println("UdpRealPeerIT: capture " + captureFile + ": " + frames.size() + " frames (IPv4 " + ip + ", of which UDP " + udp
                + " and ICMP " + icmp + "; ARP " + arp + "); stack ifconfig counted " + stackFrames + ", kernel " + kernelFrames
                + "; capture stop said: " + stop.output.trim());
        assertEquals("IPv4 frames in the capture (requests, replies and fragments sent)\n" + all.output, ipFramesExpected, ip);
        assertEquals("every frame is IPv4 or ARP:\n" + all.output, frames.size(), ip + arp);
        assertTrue("ARP frames: " + arp, arp <= 8);
        assertEquals("frames in the capture vs the stack's ifconfig counters:\n" + all.output, stackFrames, frames.size());
        assertEquals("ICMP port unreachable frames", 1, count("icmp.type == 3 && icmp.code == 3"));
    }

    private static long count(String filter) {
        Exec.Result result = Exec.run(60, "tshark", "-r", captureFile.toString(), "-Y", filter, "-T", "fields", "-e", "frame.number");
        assertEquals("tshark -Y " + filter + ": " + result, 0, result.exitCode);
        return result.output.lines().filter(line -> line.matches("\\d+")).count();
    }

    /** tshark's summary lines, one per frame (it may print warnings about running as root first). */
    private static List<String> frameLines(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.matches("\\s*\\d+\\s+\\d+\\.\\d+.*")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Both sides' counters once no frame is in flight: {stack RX, stack TX, kernel RX, kernel TX}. */
    private static long[] quietCounters() throws InterruptedException {
        long[] last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            long[] before = stackCounters();
            long[] kernel = kernelCounters();
            long[] after = stackCounters();
            last = concat(after, kernel);
            if (before[0] == after[0] && before[1] == after[1] && after[0] - countersAtStart[0] == kernel[1] - countersAtStart[3]
                    && after[1] - countersAtStart[1] == kernel[0] - countersAtStart[2]) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    private static long[] concat(long[] a, long[] b) {
        return new long[] {a[0], a[1], b[0], b[1]};
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
}
