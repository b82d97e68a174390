/**
 * IPv4: sending datagrams, the routing table, and the protocol handlers IPv4 demultiplexes to, found by the service property {@code strata.ip.protocol}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.strata.api.ipv4;
