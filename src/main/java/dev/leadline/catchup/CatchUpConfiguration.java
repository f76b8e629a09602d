package dev.leadline.catchup;

import javax.sql.DataSource;

import dev.leadline.db.InterruptedRunRecords;
import dev.leadline.intake.KapsoEvents;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** Binds the catch-up's beans (routes/kapso-catch-up.camel.yaml calls them by name), each with its settings. */
public class CatchUpConfiguration implements CamelConfiguration {

    @BindToRegistry("kapsoHistory")
    public KapsoHistory kapsoHistory(@PropertyInject("webhook.max-batch-items") int maxBatchItems,
                                     @PropertyInject("catchup.page-size") int pageSize,
                                     @PropertyInject("catchup.max-retry-after-ms") long maxRetryAfterMillis,
                                     @PropertyInject("catchup.max-page-bytes") long maxPageBytes,
                                     @PropertyInject("catchup.timeout-ms") long timeoutMillis) {
        return new KapsoHistory(new KapsoEvents(maxBatchItems), pageSize, maxRetryAfterMillis, maxPageBytes, timeoutMillis);
    }

    private final CatchUpRuns runs = new CatchUpRuns();

    @BindToRegistry("catchUpRuns")
    public CatchUpRuns catchUpRuns() {
        return runs;
    }

    @BindToRegistry("kapsoBreakers")
    public KapsoBreakers kapsoBreakers(@PropertyInject("catchup.circuit-breaker.window-size") int windowSize,
                                       @PropertyInject("catchup.circuit-breaker.minimum-calls") int minimumCalls,
                                       @PropertyInject("catchup.circuit-breaker.failure-rate-percent") float failureRatePercent,
                                       @PropertyInject("catchup.circuit-breaker.open-seconds") int openSeconds) {
        return new KapsoBreakers(windowSize, minimumCalls, failureRatePercent, openSeconds);
    }

    @BindToRegistry("errorsAsFailures")
    public ErrorsAsFailures errorsAsFailures() {
        return new ErrorsAsFailures();
    }

    /**
     * The stop hook that closes the records of runs a stop cuts off. LeadlineConfiguration, added before this
     * one, has bound the database and added its service: this one is added after it, so stopped before it.
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        context.addService(new InterruptedRunRecords(dataSource, "catch-up runs", "sql/catchup/interrupt-runs.sql",
                runs::activeRunIds), true, true);
    }
}
