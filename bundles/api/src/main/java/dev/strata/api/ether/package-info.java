/**
 * Ethernet II: the output service and the EtherType handlers the Ethernet layer demultiplexes to, found by the service property {@code strata.ethertype}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.ether;
