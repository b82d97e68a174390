/**
 * The seam between the socket layer and the transport protocols: a protocol bundle (UDP,
 * later TCP) registers its protocol service with {@code strata.transport=udp}; the socket
 * layer gives it one endpoint per socket, through which the protocol delivers what arrives.
 * Sockets belong to the socket layer, so a protocol bundle can be stopped, updated or
 * replaced under them: the socket layer binds its endpoints again on the new protocol.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package dev.strata.api.transport;
