package dev.strata.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;

import dev.strata.api.buffer.BufferPool;
import dev.strata.api.icmp.EchoListener;
import dev.strata.api.icmp.EchoService;
import dev.strata.api.icmp.EchoSession;
import dev.strata.api.ipv4.Ipv4Address;
import dev.strata.api.ipv4.SendResult;
import dev.strata.itest.support.TrackedServices;

/**
 * The assembled stack inside Felix, as the distribution runs it but without a TAP device:
 * every DS component comes up, ping works through the loopback link, and the ICMP bundle can
 * be stopped and started again. The Strata bundles are installed from the reactor's
 * {@code bundles/X/target} by file URL, so this runs in {@code verify} with nothing installed.
 * One framework serves the whole class, so the methods run in name order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class StackPaxIT {

    /** Every Strata bundle, by module directory under bundles/ (or at the root), lower layers first. */
    static final String[] STRATA_BUNDLES = {
        "bundles/api", "bundles/core", "bundles/link-loopback", "bundles/link-tap", "bundles/ethernet",
        "bundles/arp", "bundles/ipv4", "bundles/icmp", "bundles/udp", "bundles/tcp", "bundles/tcp-cc-reno",
        "bundles/tcp-cc-cubic", "bundles/socket", "bundles/services", "bundles/http",
        "bundles/capture", "bundles/control", "shell-commands",
    };

    private static final int LOCALHOST = 0x7f000001;
    private static final int PAYLOAD = 56;
    private static final long WAIT_MS = 10_000;

    @Inject
    private BundleContext context;

    private final TrackedServices services = new TrackedServices();

    @Configuration
    public Option[] configuration() {
        return frameworkOptions(strataBundles());
    }

    /** Felix with the run time the distribution ships and the given Strata modules' jars, offline. */
    static Option[] frameworkOptions(String[] modules) {
        String root = requiredProperty("strata.root");
        String version = requiredProperty("strata.version");
        String itDir = requiredProperty("strata.it.dir");
        List<Option> options = new ArrayList<>();
        // TOOLCHAIN pitfall 6: Pax Exam's own bundles and the run time come from the local
        // repository, offline (the pom pre-fetches them).
        options.add(systemProperty("org.ops4j.pax.url.mvn.localRepository").value(requiredProperty("org.ops4j.pax.url.mvn.localRepository")));
        options.add(systemProperty("org.ops4j.pax.url.mvn.offline").value("true"));
        options.add(systemProperty("strata.data").value(itDir + "/pax-data"));
        options.add(workingDirectory(itDir + "/pax"));
        options.add(cleanCaches(true));
        options.add(junitBundles());
        options.add(mavenBundle("org.osgi", "org.osgi.util.function", requiredProperty("osgi.function.version")));
        options.add(mavenBundle("org.osgi", "org.osgi.util.promise", requiredProperty("osgi.promise.version")));
        options.add(mavenBundle("org.osgi", "org.osgi.service.component", requiredProperty("osgi.service.component.version")));
        options.add(mavenBundle("org.apache.felix", "org.apache.felix.scr", requiredProperty("felix.scr.version")));
        options.add(mavenBundle("org.apache.felix", "org.apache.felix.configadmin", requiredProperty("felix.configadmin.version")));
        options.add(mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", requiredProperty("gogo.runtime.version")));
        options.add(mavenBundle("net.java.dev.jna", "jna", requiredProperty("jna.version")));
        for (String module : modules) {
            String artifact = "strata-" + module.substring(module.lastIndexOf('/') + 1);
            File jar = new File(root, module + "/target/" + artifact + "-" + version + ".jar");
            if (!jar.isFile()) {
                throw new IllegalStateException("not built: " + jar + " (build the reactor first)");
            }
            options.add(bundle(jar.toURI().toString()));
        }
        return options.toArray(new Option[0]);
    }

    /** The Strata bundles in the order they are installed and started. */
    protected String[] strataBundles() {
        return STRATA_BUNDLES;
    }

    /** Every DS component of the Strata bundles is active (SATISFIED delayed ones are activated by asking for their service). */
    @Test
    public void a_everyStrataComponentIsActive() throws Exception {
        ServiceComponentRuntime scr = await(ServiceComponentRuntime.class);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<String> problems;
        int checked;
        while (true) {
            problems = new ArrayList<>();
            checked = 0;
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getSymbolicName() == null || !bundle.getSymbolicName().startsWith("dev.strata.")) {
                    continue;
                }
                if (bundle.getState() != Bundle.ACTIVE) {
                    problems.add(bundle.getSymbolicName() + ": bundle not active (state " + bundle.getState() + ")");
                    continue;
                }
                for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                    checked += check(scr, description, problems);
                }
            }
            if (problems.isEmpty() || System.currentTimeMillis() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue("no Strata DS component found", checked > 0);
        assertTrue("components not active:\n  " + String.join("\n  ", problems), problems.isEmpty());
    }

    private int check(ServiceComponentRuntime scr, ComponentDescriptionDTO description, List<String> problems) throws Exception {
        String name = description.bundle.symbolicName + "/" + description.name;
        if (description.factory != null) {
            return 0; // a component factory is instantiated on request only
        }
        if (!scr.isComponentEnabled(description)) {
            problems.add(name + ": disabled");
            return 1;
        }
        var configurations = scr.getComponentConfigurationDTOs(description);
        if (configurations.isEmpty()) {
            if (!"require".equals(description.configurationPolicy)) {
                problems.add(name + ": no configuration");
            }
            return 1; // a factory-configured component waits for its .cfg
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            List<ServiceReference<?>> held = new ArrayList<>();
            try {
                if (configuration.state == ComponentConfigurationDTO.SATISFIED && description.serviceInterfaces.length > 0) {
                    activate(configuration, held);
                    configuration = refreshed(scr, description, configuration.id);
                }
                if (configuration == null || configuration.state != ComponentConfigurationDTO.ACTIVE) {
                    problems.add(name + " (id " + (configuration == null ? "?" : configuration.id) + "): "
                            + (configuration == null ? "gone" : stateName(configuration)));
                }
            } finally {
                // the last unget deactivates a delayed component again: only after the check
                for (ServiceReference<?> reference : held) {
                    context.ungetService(reference);
                }
            }
        }
        return 1;
    }

    /** A delayed component is activated by the first getService; the references are added to {@code held}. */
    private void activate(ComponentConfigurationDTO configuration, List<ServiceReference<?>> held) throws Exception {
        // getAllServiceReferences: a command's service class is one this bundle cannot see
        ServiceReference<?>[] references = context.getAllServiceReferences(null, "(component.id=" + configuration.id + ")");
        if (references == null) {
            return;
        }
        for (ServiceReference<?> reference : references) {
            held.add(reference);
            context.getService(reference);
        }
    }

    private static ComponentConfigurationDTO refreshed(ServiceComponentRuntime scr, ComponentDescriptionDTO description, long id) {
        for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
            if (configuration.id == id) {
                return configuration;
            }
        }
        return null;
    }

    private static String stateName(ComponentConfigurationDTO configuration) {
        switch (configuration.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION: return "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                List<String> missing = new ArrayList<>();
                for (var reference : configuration.unsatisfiedReferences) {
                    missing.add(reference.name + " " + reference.target);
                }
                return "UNSATISFIED_REFERENCE " + missing;
            case ComponentConfigurationDTO.SATISFIED: return "SATISFIED (not activated)";
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return "FAILED_ACTIVATION: " + configuration.failure;
            default: return "state " + configuration.state;
        }
    }

    /** ping -c 5 127.0.0.1 through the loopback link, on the EchoService. */
    @Test
    public void b_pingsLocalhostThroughTheLoopback() throws Exception {
        BufferPool pool = await(BufferPool.class);
        long before = pool.outstanding();
        pingFiveTimes(await(EchoService.class));
        assertSettles(pool, before);
    }

    /** Stopping the ICMP bundle stops echo (and only that); starting it brings echo back. */
    @Test
    public void c_echoStopsWithTheIcmpBundleAndComesBackWithIt() throws Exception {
        BufferPool pool = await(BufferPool.class);
        long before = pool.outstanding();
        Bundle icmp = installedBundle("dev.strata.icmp");
        ServiceTracker<EchoService, EchoService> echo = new ServiceTracker<>(context, EchoService.class, null);
        echo.open();
        try {
            EchoService service = echo.waitForService(WAIT_MS);
            assertNotNull("no EchoService", service);
            Replies replies = new Replies();
            EchoSession session = service.open(replies);
            assertEquals(SendResult.SENT, session.send(LOCALHOST, 1, PAYLOAD, 64));
            assertNotNull("no reply while ICMP runs", replies.queue.poll(2, TimeUnit.SECONDS));

            icmp.stop();
            assertEquals(Bundle.RESOLVED, icmp.getState());
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (echo.getService() != null && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertNull("EchoService still registered with the ICMP bundle stopped", echo.getService());
            // The session we still hold belongs to a stopped bundle: whatever send does, no
            // reply may arrive (IPv4 has nobody to hand the request to).
            for (int sequence = 2; sequence <= 4; sequence++) {
                try {
                    session.send(LOCALHOST, sequence, PAYLOAD, 64);
                } catch (RuntimeException expected) {
                    // a closed session may refuse: that is "echo stopped" too
                }
            }
            Object late = replies.queue.poll(1500, TimeUnit.MILLISECONDS);
            assertNull("an echo reply arrived with the ICMP bundle stopped", late);
            assertTrue("other Strata bundles stopped with ICMP", otherStrataBundlesActive(icmp));

            icmp.start();
            assertEquals(Bundle.ACTIVE, icmp.getState());
            EchoService again = echo.waitForService(WAIT_MS);
            assertNotNull("EchoService did not come back after starting the ICMP bundle", again);
            pingFiveTimes(again);
        } finally {
            if (icmp.getState() != Bundle.ACTIVE) {
                icmp.start();
            }
            echo.close();
        }
        assertSettles(pool, before);
    }

    /** After a burst of echo traffic of several sizes, every buffer is back in the pool. */
    @Test
    public void d_bufferPoolSettlesAfterTraffic() throws Exception {
        BufferPool pool = await(BufferPool.class);
        long before = pool.outstanding();
        EchoService service = await(EchoService.class);
        Replies replies = new Replies();
        int[] sizes = {0, 8, 56, 1472, 1473, 4000, 20000, 65507};
        try (EchoSession session = service.open(replies)) {
            int sequence = 0;
            for (int round = 0; round < 25; round++) {
                for (int size : sizes) {
                    assertEquals("send of " + size + " bytes", SendResult.SENT, session.send(LOCALHOST, ++sequence, size, 64));
                }
                for (int size : sizes) {
                    long[] reply = replies.queue.poll(5, TimeUnit.SECONDS);
                    assertNotNull("round " + round + ": a reply missing", reply);
                }
            }
        }
        assertSettles(pool, before);
    }

    private void pingFiveTimes(EchoService service) throws InterruptedException {
        Replies replies = new Replies();
        try (EchoSession session = service.open(replies)) {
            for (int sequence = 1; sequence <= 5; sequence++) {
                assertEquals(SendResult.SENT, session.send(LOCALHOST, sequence, PAYLOAD, 64));
                long[] reply = replies.queue.poll(2, TimeUnit.SECONDS);
                assertNotNull("no reply to icmp_seq=" + sequence, reply);
                assertEquals("from", Ipv4Address.format(LOCALHOST), Ipv4Address.format((int) reply[0]));
                assertEquals("icmp_seq", sequence, reply[1]);
                assertEquals("bytes", PAYLOAD + 8, reply[3]);
                assertTrue("ttl " + reply[2], reply[2] > 0);
                assertTrue("rtt " + reply[4] + " ns", reply[4] > 0);
            }
            assertNull("a reply too many", replies.queue.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    private static void assertSettles(BufferPool pool, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (pool.outstanding() != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("BufferPool.outstanding() after the traffic", expected, pool.outstanding());
    }

    private boolean otherStrataBundlesActive(Bundle except) {
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (bundle != except && name != null && name.startsWith("dev.strata.") && bundle.getState() != Bundle.ACTIVE) {
                return false;
            }
        }
        return true;
    }

    private Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        fail("no bundle " + symbolicName + "; installed: " + installed());
        return null;
    }

    private String installed() {
        List<String> names = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            names.add(bundle.getSymbolicName() + " " + bundle.getHeaders().get(Constants.BUNDLE_VERSION) + " state " + bundle.getState());
        }
        return String.join(", ", names);
    }

    /** The service, held until the test ends (ungetting a delayed component's last use would deactivate it). */
    private <T> T await(Class<T> type) throws InterruptedException {
        return services.await(context, type);
    }

    @After
    public void closeTrackers() {
        services.close();
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " not set (run through Maven: mvn -B verify)");
        }
        return value;
    }

    /** Collects replies as {from, sequence, ttl, bytes, rttNanos}. */
    private static final class Replies implements EchoListener {
        final BlockingQueue<long[]> queue = new LinkedBlockingQueue<>();

        @Override
        public void reply(int from, int sequence, int ttl, int bytes, long rttNanos) {
            queue.add(new long[] {from, sequence, ttl, bytes, rttNanos});
        }
    }
}
