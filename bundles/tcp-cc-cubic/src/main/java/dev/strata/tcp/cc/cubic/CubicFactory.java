package dev.strata.tcp.cc.cubic;

import dev.strata.api.tcp.CongestionControl;
import dev.strata.api.tcp.CongestionControlFactory;
import org.osgi.service.component.annotations.Component;

/**
 * Registers CUBIC ({@code strata.tcp.cc=cubic}) for TCP, which makes one
 * {@link CubicCongestionControl} per connection.
 */
@Component(service = CongestionControlFactory.class,
        property = CongestionControlFactory.PROPERTY + "=" + CubicCongestionControl.NAME)
public final class CubicFactory implements CongestionControlFactory {

    @Override
    public CongestionControl create() {
        return new CubicCongestionControl();
    }
}
