/**
 * Network interfaces: a link plus its IPv4 address and state, as {@code ifconfig} shows and changes them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.strata.api.netif;
