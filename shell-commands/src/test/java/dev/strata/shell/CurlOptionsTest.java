package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** curl's command line: options in any order, combined flags, attached values, repeats, curl's error messages. */
class CurlOptionsTest {

    private static CurlOptions parse(String... words) {
        return CurlOptions.parse(List.of(words));
    }

    private static String error(String... words) {
        return assertThrows(CommandException.class, () -> parse(words)).getMessage();
    }

    @Test
    void plainUrlIsAGetToTheConsole() {
        CurlOptions o = parse("http://198.18.0.1/");
        assertEquals("http://198.18.0.1/", o.url());
        assertEquals("GET", o.effectiveMethod());
        assertNull(o.output());
        assertNull(o.data());
        assertFalse(o.location() || o.head() || o.include() || o.verbose() || o.fail() || o.silent());
        assertEquals(0, o.maxTimeMillis());
        assertEquals(50, o.maxRedirects());
    }

    @Test
    void optionsTakeTheirValuesSeparateOrAttachedAndComeInAnyOrder() {
        CurlOptions o = parse("-o", "/tmp/x", "http://198.18.0.1/a", "-XPUT", "-m2", "--connect-timeout", "0.5", "-H", "X-A: 1",
                "--header", "X-B: 2");
        assertEquals("/tmp/x", o.output());
        assertEquals("PUT", o.effectiveMethod());
        assertEquals(2000, o.maxTimeMillis());
        assertEquals(500, o.connectTimeoutMillis());
        assertEquals(List.of("X-A: 1", "X-B: 2"), o.headers());
    }

    @Test
    void shortFlagsCombineAsInFsSL() {
        CurlOptions o = parse("-fsSL", "-iv", "http://198.18.0.1/");
        assertTrue(o.fail() && o.silent() && o.location() && o.include() && o.verbose());
    }

    @Test
    void combinedFlagsMayEndWithAValuedOption() {
        CurlOptions o = parse("-sLo", "out.bin", "http://198.18.0.1/");
        assertEquals("out.bin", o.output());
        assertTrue(o.location());
    }

    @Test
    void dataMakesAPostAndRepeatsJoinedWithAmpersand() {
        CurlOptions o = parse("-d", "a=1", "--data", "b=2", "http://198.18.0.1/");
        assertEquals("POST", o.effectiveMethod());
        assertEquals("a=1&b=2", o.data());
        assertEquals("PATCH", parse("-X", "PATCH", "-d", "x", "http://198.18.0.1/").effectiveMethod());
    }

    @Test
    void headIsHead() {
        assertEquals("HEAD", parse("-I", "http://198.18.0.1/").effectiveMethod());
        assertTrue(parse("--head", "http://198.18.0.1/").head());
    }

    @Test
    void maxRedirsMinusOneIsUnlimited() {
        assertEquals(Integer.MAX_VALUE, parse("--max-redirs", "-1", "-L", "http://198.18.0.1/").maxRedirects());
        assertEquals(3, parse("--max-redirs", "3", "http://198.18.0.1/").maxRedirects());
    }

    @Test
    void errorsAreCurlsOwn() {
        String hint = System.lineSeparator() + CurlOptions.TRY;
        assertEquals("curl: no URL specified!" + hint, error("-L"));
        assertEquals("curl: option -x: is unknown" + hint, error("-x", "http://198.18.0.1/"));
        assertEquals("curl: option --frobnicate: is unknown" + hint, error("--frobnicate", "http://198.18.0.1/"));
        assertEquals("curl: option -o: requires parameter" + hint, error("http://198.18.0.1/", "-o"));
        assertEquals("curl: option -m: expected a proper numerical parameter" + hint, error("-m", "soon", "http://198.18.0.1/"));
        assertEquals("curl: (2) You can only select one HTTP request method! You asked for both POST (-d, --data) and HEAD (-I, --head)."
                + hint, error("-I", "-d", "x", "http://198.18.0.1/"));
        assertTrue(error("-H", "nonsense", "http://198.18.0.1/").startsWith("curl: option -H: 'nonsense' is not 'Name: value'"));
    }
}
