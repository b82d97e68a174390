/**
 * Links: the devices frames leave and enter by (a Linux TAP device, the loopback). A {@link dev.strata.api.link.LinkProvider} opens links; a link hands every received frame to one {@link dev.strata.api.link.LinkReceiver}, in batches ({@link dev.strata.api.link.ReceiveBatch}) when its reader drains a queue.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.strata.api.link;
