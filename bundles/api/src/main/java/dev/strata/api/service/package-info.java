/**
 * Service plumbing shared by the layers: how a layer holds a service of the layer below it
 * so that the two may each be stopped and started, and so that layers that use each other
 * (IPv4 and ICMP, Ethernet and ARP) never wait on each other to activate.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.service;
