package dev.leadline.events;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.leadline.observe.Meters;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the outbound events' beans (routes/events-api.camel.yaml and routes/event-webhooks.camel.yaml call
 * them by name), each with its settings, and starts the outbox's metrics and its health check.
 */
public class EventsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EventsConfiguration.class);

    @PropertyInject("events.allow-http") boolean allowHttp;
    @PropertyInject("events.allow-private-targets") boolean allowPrivateTargets;
    @PropertyInject("events.webhook-timeout-ms") long timeoutMillis;
    @PropertyInject("events.concurrency") int concurrency;
    @PropertyInject("events.batch-size") int batchSize;
    @PropertyInject("events.lease-seconds") long leaseSeconds;
    @PropertyInject("events.health-max-age-seconds") long healthMaxAgeSeconds;
    @PropertyInject("events.metrics-refresh-seconds") long refreshSeconds;

    private WebhookTargets targets;
    private WebhookConnections connections;
    private final WebhookSigner signer = new WebhookSigner();

    @BindToRegistry("webhookTargets")
    public WebhookTargets webhookTargets() {
        return targets();
    }

    private synchronized WebhookTargets targets() {
        if (targets == null) {
            targets = new WebhookTargets(allowHttp, allowPrivateTargets);
        }
        return targets;
    }

    @BindToRegistry("webhookSigner")
    public WebhookSigner webhookSigner() {
        return signer;
    }

    @BindToRegistry("webhookRetries")
    public WebhookRetries webhookRetries(@PropertyInject("events.retry-delay-ms") long retryDelayMillis,
                                         @PropertyInject("events.max-retry-delay-ms") long maxRetryDelayMillis,
                                         @PropertyInject("events.max-retry-after-ms") long maxRetryAfterMillis) {
        return new WebhookRetries(retryDelayMillis, maxRetryDelayMillis, maxRetryAfterMillis);
    }

    @BindToRegistry("subscriptionRequests")
    public SubscriptionRequests subscriptionRequests() {
        return new SubscriptionRequests(targets(), signer);
    }

    /** This instance's name on the deliveries it leases (leased_by): unique per process, also after a restart. */
    @BindToRegistry("relayInstance")
    public String relayInstance() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    }

    /**
     * The webhook deliveries' own connections: names resolved through the SSRF guard as the connection is made
     * (a name that resolves to a refused address never gets a socket), the time limits of
     * events.webhook-timeout-ms. Not the http component's shared pool, which the LLM and Kapso use.
     */
    @BindToRegistry("webhookConnections")
    public synchronized HttpClientConnectionManager webhookConnections() {
        if (connections == null) {
            // a live request connects within the timeout and has each read answered within it: three times that,
            // and a second, is past any of them
            connections = new WebhookConnections(newPool(), Duration.ofMillis(3 * timeoutMillis + 1000));
        }
        return connections;
    }

    private HttpClientConnectionManager newPool() {
        Timeout timeout = Timeout.of(timeoutMillis, TimeUnit.MILLISECONDS);
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(targets().resolver())
                .setMaxConnTotal(concurrency * 2)
                .setMaxConnPerRoute(concurrency)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                        .setTimeToLive(5, TimeUnit.MINUTES).build())
                .build();
    }

    /** The HTTP client's own retries, none: a delivery's every attempt is the relay's, logged and scheduled in the outbox. */
    @BindToRegistry("webhookNoRetries")
    public HttpRequestRetryStrategy webhookNoRetries() {
        return new DefaultHttpRequestRetryStrategy(0, TimeValue.ZERO_MILLISECONDS);
    }

    /** A relay round's delivered attempts, recorded together at its end (sql/events/deliveries-done.sql). */
    @BindToRegistry("deliveredAttempts")
    public DeliveredAttempts deliveredAttempts() {
        return new DeliveredAttempts();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // A round's deliveries stay leased until the round records them: a round whose receivers all time out
        // should end before its lease does, or another instance may send them again (same webhook-id).
        long worstRoundMillis = (long) Math.ceil(batchSize / (double) concurrency) * timeoutMillis;
        if (worstRoundMillis >= leaseSeconds * 1000) {
            LOG.warn("events.batch-size ({}) / events.concurrency ({}) x events.webhook-timeout-ms ({}) is {} ms, not under "
                    + "events.lease-seconds ({} s): a round of slow receivers can outlive its lease, and its deliveries "
                    + "then go again (same webhook-id)", batchSize, concurrency, timeoutMillis, worstRoundMillis, leaseSeconds);
        }
        // The deliveries of one claim go in parallel, at most events.concurrency at once (one per lead: a lead's
        // next event waits for the claim after its head is finished). The queue holds a whole round (events.batch-size bounds it): a full queue made the split run the
        // rejected deliveries on its own thread, nested ever deeper.
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("webhookThreads")
                .poolSize(concurrency).maxPoolSize(concurrency).maxQueueSize(-1)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
        context.getRegistry().bind("webhookThreads",
                context.getExecutorServiceManager().newThreadPool(this, "webhookThreads", profile));

        // The webhook connections close with the service, not with an endpoint (WebhookConnections).
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                synchronized (EventsConfiguration.this) {
                    if (connections != null) {
                        connections.shutdown();
                    }
                }
            }
        }, true, true);

        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        OutboxWatch watch = new OutboxWatch(context, dataSource, Meters.of(context), Duration.ofSeconds(refreshSeconds),
                Clock.systemUTC());
        context.addService(watch, true, true);
        context.getRegistry().bind("outboxWatch", watch);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new EventsHealthCheck(watch, healthMaxAgeSeconds));
        }
    }
}
