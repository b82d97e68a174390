package dev.strata.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.strata.api.link.LinkRequest;
import dev.strata.api.netif.InterfaceConfig;
import dev.strata.api.netif.InterfaceManager;
import dev.strata.api.netif.NetworkInterface;

/** {@code ifconfig}: shows the interfaces as net-tools does, brings one up with an address, or takes it down. */
@Descriptor("show or configure the stack's network interfaces (net-tools ifconfig)")
@Component(service = IfconfigCommand.class, property = {"osgi.command.scope=net", "osgi.command.function=ifconfig"})
public class IfconfigCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile InterfaceManager interfaces;

    @Descriptor("show every interface, or one; or configure one: ifconfig NAME ADDR/PREFIX [mtu N] [hw [ether] MAC] [netns NS] up;"
            + " or take one down: ifconfig NAME down")
    public void ifconfig(
            @Descriptor("show all interfaces (those that are down are always shown)")
            @Parameter(names = {"-a"}, presentValue = "true", absentValue = "false") boolean all,
            @Descriptor("NAME | NAME ADDR/PREFIX [netmask MASK] [mtu N] [hw [ether] MAC] [netns NS] [up] | NAME down") String... arguments) {
        run(System.out, Arrays.asList(arguments));
    }

    /** Parses all of {@code words} first, then shows or applies; output to {@code out}. */
    void run(PrintStream out, List<String> words) {
        IfconfigRequest request = IfconfigRequest.parse(words);
        InterfaceManager manager = interfaces;
        if (manager == null) {
            throw CommandException.failed("ifconfig: the interface manager (core) is not running");
        }
        switch (request.kind()) {
            case SHOW_ALL:
                for (NetworkInterface networkInterface : manager.interfaces()) {
                    out.print(IfconfigFormatter.format(networkInterface));
                }
                break;
            case SHOW:
                out.print(IfconfigFormatter.format(existing(manager, request.name())));
                break;
            case DOWN:
                if (!manager.down(request.name())) {
                    throw notFound(request.name());
                }
                break;
            case CONFIGURE:
                configure(manager, request);
                break;
            default:
                throw new IllegalStateException(request.kind().toString());
        }
        out.flush();
    }

    private static void configure(InterfaceManager manager, IfconfigRequest request) {
        int address = request.address();
        int prefix = request.prefixLength();
        int mtu = request.mtu();
        long mac = request.macAddress();
        if (!request.addressGiven()) {
            // "ifconfig NAME up": bring it back with what it had.
            NetworkInterface known = existing(manager, request.name());
            if (known.ipv4Address() == 0) {
                throw CommandException.usage("ifconfig: " + request.name() + " has no address: ifconfig " + request.name()
                        + " ADDR/PREFIX up", IfconfigRequest.USAGE);
            }
            address = known.ipv4Address();
            prefix = known.prefixLength();
            if (known.link() != null) {
                mtu = mtu == 0 ? known.mtu() : mtu;
                mac = mac == LinkRequest.ANY_MAC ? known.macAddress() : mac;
            }
        }
        InterfaceConfig config = new InterfaceConfig(request.name(), address, prefix, mtu, mac, request.netns());
        try {
            manager.configure(config);
        } catch (IOException | RuntimeException e) {
            throw CommandException.failed("ifconfig: " + oneLine(e));
        }
    }

    private static NetworkInterface existing(InterfaceManager manager, String name) {
        NetworkInterface networkInterface = manager.byName(name);
        if (networkInterface == null) {
            throw notFound(name);
        }
        return networkInterface;
    }

    private static CommandException notFound(String name) {
        // net-tools: "NAME: error fetching interface information: Device not found"
        return CommandException.failed("ifconfig: " + name + ": error fetching interface information: Device not found");
    }

    /** The first line of an exception's message (or its class when it has none). */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
