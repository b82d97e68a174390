/**
 * Fakes of Strata's services for the unit tests of several bundles (a test-scoped dependency,
 * never deployed): one copy of each, instead of one per bundle.
 */
package dev.strata.testsupport;
