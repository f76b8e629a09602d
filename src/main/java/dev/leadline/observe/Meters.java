package dev.leadline.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerTimerAction;
import org.apache.camel.support.TypeConverterSupport;

/**
 * The one meter registry: the Prometheus registry that camel-micrometer-prometheus serves on
 * /observe/metrics and the routes' micrometer: endpoints write to. Both look it up by the name
 * {@link MicrometerConstants#METRICS_REGISTRY_NAME}, so it is bound under that name before the context
 * starts (Leadline.create), configured before any meter is registered.
 */
public final class Meters {

    /** The LLM call timer of routes/daily-summaries.camel.yaml, published as a histogram. */
    static final String LLM_CALLS = "leadline.llm.calls";
    /** The webhook attempt timer of routes/event-webhooks.camel.yaml, published as a histogram too. */
    static final String EVENT_DELIVERIES = "leadline.events.delivery";

    private Meters() {
    }

    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Latency buckets (a Prometheus histogram) for the LLM calls, from 50 ms to a minute, and the webhook
        // attempts, from 5 ms to a minute.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals(LLM_CALLS)) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue(50_000_000.0).maximumExpectedValue(60_000_000_000.0)
                            .build().merge(config);
                }
                if (id.getName().equals(EVENT_DELIVERIES)) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue(5_000_000.0).maximumExpectedValue(60_000_000_000.0)
                            .build().merge(config);
                }
                return config;
            }
        });
        return registry;
    }

    /**
     * camel-micrometer converts a timer endpoint's action (start, stop) from text on every call. Camel's enum
     * converter first looks for a converter of that enum's own, and the miss walks the whole converter
     * registry: 8.6% of the daily run's service CPU (BENCHMARKS.md §7). With one of its own, the
     * lookup is a hit. Case-insensitive, as Camel's enum converter is.
     */
    public static void convertTimerActions(CamelContext context) {
        context.getTypeConverterRegistry().addTypeConverter(MicrometerTimerAction.class, String.class, new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                for (MicrometerTimerAction action : MicrometerTimerAction.values()) {
                    if (action.name().equalsIgnoreCase(value.toString().trim())) {
                        return type.cast(action);
                    }
                }
                return null;
            }
        });
    }

    /** The registry bound in the context. */
    public static MeterRegistry of(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (registry == null) {
            throw new IllegalStateException("no meter registry bound as " + MicrometerConstants.METRICS_REGISTRY_NAME);
        }
        return registry;
    }
}
