package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code curl} as Gogo's runtime calls it: every word reaches the command, quoted ones whole, and failures surface. */
class CurlGogoTest {

    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CurlCommandTest.FakeClient client = new CurlCommandTest.FakeClient();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        CurlCommand curl = new CurlCommand();
        curl.client = client;
        processor.addCommand("net", curl, "curl");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    private String execute(String line) throws Exception {
        out.reset();
        session.execute(line);
        System.out.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void optionsHeadersAndDataArriveWhole() throws Exception {
        assertEquals("hello\n", execute("curl -X PUT -H 'X-Long: a b  c' -d 'k=v w' -sSL -m 2 http://198.18.0.1:8000/p"));
        assertEquals("PUT", client.sent.method());
        assertEquals("a b  c", client.sent.headers().first("X-Long").orElseThrow());
        assertEquals("k=v w", new String(client.sent.body(), StandardCharsets.UTF_8));
        assertEquals(URI.create("http://198.18.0.1:8000/p"), client.sent.uri());
    }

    @Test
    void quotedUrlKeepsItsQueryAndScopedNameWorks() throws Exception {
        execute("net:curl -I 'http://198.18.0.1/a?x=1&y=2'");
        assertEquals(URI.create("http://198.18.0.1/a?x=1&y=2"), client.sent.uri());
        assertEquals("HEAD", client.sent.method());
    }

    @Test
    void failureIsTheCommandsException() {
        client.failure = new dev.strata.api.http.client.HttpClientException(
                dev.strata.api.http.client.HttpClientException.Kind.CONNECTION_REFUSED, "Failed to connect to 198.18.0.1 port 80: Connection refused");
        assertEquals("curl: (7) Failed to connect to 198.18.0.1 port 80: Connection refused",
                assertThrows(CommandException.class, () -> session.execute("curl http://198.18.0.1/")).getMessage());
        assertEquals("curl: no URL specified!" + System.lineSeparator() + CurlOptions.TRY,
                assertThrows(CommandException.class, () -> session.execute("curl -v")).getMessage());
    }
}
