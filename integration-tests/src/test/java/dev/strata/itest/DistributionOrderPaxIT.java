package dev.strata.itest;

import java.util.Arrays;
import java.util.Comparator;

/**
 * {@link StackPaxIT} with the Strata bundles started in the order the distribution starts them
 * (its {@code bundle/} directory, by file name: api, arp, control, core, ethernet, icmp, ipv4,
 * ...), upper layers before the lower ones they need. Declarative Services must bring up the
 * same components whatever the order; a reference cycle between layers shows up here as a
 * component that fails to activate.
 */
public class DistributionOrderPaxIT extends StackPaxIT {

    @Override
    protected String[] strataBundles() {
        String[] modules = STRATA_BUNDLES.clone();
        Arrays.sort(modules, Comparator.comparing(module -> "strata-" + module.substring(module.lastIndexOf('/') + 1)));
        return modules;
    }
}
