package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.strata.api.socket.SocketInfo;
import dev.strata.testsupport.ListOnlySockets;

/** netstat and ss as Gogo's runtime calls them: separate and combined options, the scope, the fallback. */
class NetstatGogoTest {

    private static final String UDP_SERVER = "udp        0      0 0.0.0.0:7               0.0.0.0:*                          ";

    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        ListOnlySockets sockets = new ListOnlySockets();
        sockets.sockets.add(new SocketInfo("udp", 0, 7, 0, 0, "", 0, 0, "dev.strata.services"));
        NetstatCommand netstat = new NetstatCommand();
        netstat.sockets = sockets;
        SsCommand ss = new SsCommand();
        ss.sockets = sockets;
        processor.addCommand("net", netstat, "netstat");
        processor.addCommand("net", ss, "ss");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    private List<String> execute(String line) throws Exception {
        out.reset();
        session.execute(line);
        System.out.flush();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void netstatTakesSeparateOptions() throws Exception {
        assertEquals(List.of("Active Internet connections (only servers)", NetstatCommand.HEADER + NetstatCommand.PROGRAM_HEADER,
                UDP_SERVER + " -/dev.strata.services"), execute("netstat -u -l -n -p"));
    }

    @Test
    void netstatTakesCombinedOptionsAndItsScope() throws Exception {
        assertEquals(List.of("Active Internet connections (only servers)", NetstatCommand.HEADER + NetstatCommand.PROGRAM_HEADER,
                UDP_SERVER + " -/dev.strata.services"), execute("net:netstat -tulpn"));
        assertEquals(List.of("Active Internet connections (servers and established)", NetstatCommand.HEADER, UDP_SERVER),
                execute("netstat -an"));
    }

    @Test
    void netstatReportsABadOption() {
        assertEquals("netstat: invalid option -- 'z'" + System.lineSeparator() + NetstatCommand.USAGE,
                assertThrows(CommandException.class, () -> session.execute("netstat -z")).getMessage());
    }

    @Test
    void ssPrintsTheSummary() throws Exception {
        assertEquals("Total: 1", execute("ss -s").get(0));
        assertEquals("UDP\t  1         1         0        ", execute("net:ss -s").get(5));
    }
}
