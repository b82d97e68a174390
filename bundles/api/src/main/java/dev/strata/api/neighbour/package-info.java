/**
 * Neighbour resolution (ARP for IPv4): the service IPv4 hands packets to for their next hop, and the cache {@code arp} shows.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.neighbour;
