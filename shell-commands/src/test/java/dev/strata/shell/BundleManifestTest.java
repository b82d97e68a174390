package dev.strata.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/** What bnd generated (target/classes/META-INF, before the tests run): DS components Gogo can find, and the Gogo import. */
class BundleManifestTest {

    private static final Path CLASSES = Path.of("target", "classes");
    private static final List<String> COMMANDS = List.of("arp", "curl", "ifconfig", "netstat", "ping", "route", "ss", "stats", "tcp");

    private static Attributes manifest() throws IOException {
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            return new Manifest(in).getMainAttributes();
        }
    }

    private static String className(String command) {
        return Character.toUpperCase(command.charAt(0)) + command.substring(1) + "Command";
    }

    @Test
    void declaresAComponentPerCommand() throws IOException {
        String components = manifest().getValue("Service-Component");
        for (String command : COMMANDS) {
            assertTrue(components.contains("OSGI-INF/dev.strata.shell." + className(command) + ".xml"), components);
        }
        assertEquals(COMMANDS.size(), components.split(",").length, components);
    }

    @Test
    void importsGogosCommandPackageAndExportsNothing() throws IOException {
        Attributes manifest = manifest();
        assertTrue(manifest.getValue("Import-Package").contains("org.apache.felix.service.command;version=\"[1.0,2)\""),
                manifest.getValue("Import-Package"));
        assertEquals(null, manifest.getValue("Export-Package"));
    }

    @Test
    void registersEveryCommandInScopeNetWithDynamicReferences() throws IOException {
        for (String command : COMMANDS) {
            String xml = Files.readString(CLASSES.resolve("OSGI-INF/dev.strata.shell." + className(command) + ".xml"),
                    StandardCharsets.UTF_8);
            assertTrue(xml.contains("<property name=\"osgi.command.scope\" type=\"String\" value=\"net\"/>"), xml);
            assertTrue(xml.contains("<property name=\"osgi.command.function\" type=\"String\" value=\"" + command + "\"/>"), xml);
            assertTrue(xml.contains("policy=\"dynamic\""), xml);
            assertTrue(!xml.contains("cardinality=\"1..1\"") && !xml.contains("cardinality=\"1..n\""), "no mandatory reference: " + xml);
        }
    }
}
