package dev.leadline.api;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import dev.leadline.observe.PeriodicReading;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The time to first response as a cumulative histogram read from the database (sql/api/first-response-buckets.sql):
 * {@code leadline_first_response_waits_total{le}} (answered waits of at most le seconds; {@code histogram_quantile}
 * takes it), {@code leadline_first_response_answered_total} and {@code leadline_first_response_wait_seconds_total}.
 * (Micrometer keeps the names _bucket, _count and _sum for its own histograms.) The answers are recorded by the database as messages are stored
 * (lead_response), whichever instance stored them; every instance reports the same figures (take max, not sum,
 * across instances).
 */
public final class FirstResponseWatch extends PeriodicReading {

    private final MeterRegistry registry;
    private final Map<String, Long> buckets = new ConcurrentHashMap<>();
    private volatile double totalSeconds;

    public FirstResponseWatch(CamelContext context, DataSource dataSource, MeterRegistry registry, Duration period) {
        super(context, dataSource, "sql/api/first-response-buckets.sql", "firstResponseWatch", period);
        this.registry = registry;
        FunctionCounter.builder("leadline.first.response.answered", this, self -> self.buckets.getOrDefault("+Inf", 0L))
                .description("Waits for an answer that were answered (each lead's first answer of its day)").register(registry);
        FunctionCounter.builder("leadline.first.response.wait.seconds", this, self -> self.totalSeconds)
                .description("Seconds the answered waits lasted, in all").register(registry);
    }

    @Override
    protected void read(ResultSet rows) throws SQLException {
        while (rows.next()) {
            String le = rows.getString("le");
            if (buckets.put(le, rows.getLong("waits")) == null) {
                FunctionCounter.builder("leadline.first.response.waits", this, self -> self.buckets.getOrDefault(le, 0L))
                        .description("Answered waits that lasted at most le seconds").tag("le", le).register(registry);
            }
            totalSeconds = rows.getDouble("total_seconds");
        }
    }
}
