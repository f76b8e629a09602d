package dev.leadline;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;

import javax.sql.DataSource;

import dev.leadline.admin.AdminAuth;
import dev.leadline.admin.BulkReplay;
import dev.leadline.admin.DeadLetterReplay;
import dev.leadline.admin.KapsoKeys;
import dev.leadline.admin.WorkspaceRequests;
import dev.leadline.api.ApiTokens;
import dev.leadline.api.LeadUpdates;
import dev.leadline.api.LeadWorkflow;
import dev.leadline.api.NoteRequests;
import dev.leadline.api.LeadQueries;
import dev.leadline.api.Pages;
import dev.leadline.db.ClusteredScheduler;
import dev.leadline.db.ConnectionBudget;
import dev.leadline.db.Database;
import dev.leadline.db.DatabaseSettings;
import dev.leadline.db.DemoWorkspace;
import dev.leadline.db.InterruptedRunRecords;
import dev.leadline.intake.PhoneCanonicalizer;
import dev.leadline.observe.DatabaseHealthCheck;
import dev.leadline.observe.HealthDuringStart;
import dev.leadline.observe.IntakeFreshness;
import dev.leadline.observe.LogFormat;
import dev.leadline.observe.Meters;
import dev.leadline.outbound.RetryAfterDelay;
import dev.leadline.page.WebPage;
import dev.leadline.summary.SummaryRunTally;
import dev.leadline.web.AuthAttempts;
import dev.leadline.web.ClientAddress;
import dev.leadline.web.ErrorResponses;
import dev.leadline.web.HttpEdge;
import dev.leadline.web.JsonRequests;
import dev.leadline.web.LogSafe;
import dev.leadline.web.ReadyLine;
import dev.leadline.web.RequestGuard;
import org.apache.camel.BeanInject;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * Binds the beans the YAML routes call by name, each with its settings from application.properties,
 * and ties the database to the Camel lifecycle.
 */
public class LeadlineConfiguration implements CamelConfiguration {

    /** The catch-up schedule's Quartz component: quartz with a scheduler of its own (the build's RouteCheck knows it). */
    public static final String CATCH_UP_QUARTZ = "quartz-catch-up";

    // Every setting of configure(), injected by Camel from application.properties (and the environment)
    // before configure() runs; the beans below take theirs as @PropertyInject arguments.
    @PropertyInject("log.format") String logFormat;

    @PropertyInject("http.idle-timeout-seconds") int idleTimeoutSeconds;
    @PropertyInject("http.request-read-timeout-seconds") int requestReadTimeoutSeconds;
    @PropertyInject("http.h2c-enabled") boolean h2cEnabled;
    @PropertyInject("http.compression-enabled") boolean compressionEnabled;
    @PropertyInject("webhook.max-body-bytes") long maxBodyBytes;
    @PropertyInject("http.worker-pool-size") int workerPoolSize;

    // Empty db.url: the embedded PostgreSQL (see DatabaseSettings)
    @PropertyInject(value = "db.url", defaultValue = "") String dbUrl;
    @PropertyInject(value = "db.user", defaultValue = "") String dbUser;
    @PropertyInject(value = "db.password", defaultValue = "") String dbPassword;
    @PropertyInject("db.max-connections") int maxConnections;
    // Empty: the pool's share of db.max-connections (see ConnectionBudget)
    @PropertyInject(value = "db.pool-size", defaultValue = "") String poolSize;
    @PropertyInject(value = "db.intake-pool-size", defaultValue = "") String intakePoolSize;
    @PropertyInject("db.streaming-pool-size") int streamingPoolSize;
    @PropertyInject("db.transaction-pooling") boolean transactionPooling;
    @PropertyInject("intake.group-commit-writers") int groupCommitWriters;
    @PropertyInject("db.connection-timeout-ms") long connectionTimeoutMillis;
    @PropertyInject("db.intake-connection-timeout-ms") long intakeConnectionTimeoutMillis;
    @PropertyInject("db.statement-timeout-ms") long statementTimeoutMillis;
    @PropertyInject("db.intake-statement-timeout-ms") long intakeStatementTimeoutMillis;
    @PropertyInject("db.lock-timeout-ms") long lockTimeoutMillis;
    @PropertyInject("db.streaming-statement-timeout-ms") long streamingStatementTimeoutMillis;
    @PropertyInject("db.start-wait-seconds") long startWaitSeconds;
    @PropertyInject(value = "db.embedded.data-dir", defaultValue = "") String embeddedDataDir;
    @PropertyInject("db.embedded.port") int embeddedPort;
    @PropertyInject("db.embedded.durable") boolean embeddedDurable;

    @PropertyInject("observe.health-database-timeout-ms") long healthDatabaseTimeoutMillis;
    @PropertyInject("observe.intake-age-refresh-seconds") long intakeAgeRefreshSeconds;

    @PropertyInject("summaries.concurrency") int summaryConcurrency;
    @PropertyInject("summaries.progress-every") int summaryProgressEvery;
    @PropertyInject("summaries.enabled") boolean summariesEnabled;
    @PropertyInject("catchup.scheduled") boolean catchUpScheduled;
    @PropertyInject("quartz.checkin-interval-ms") long checkinMillis;
    @PropertyInject("quartz.misfire-threshold-ms") long misfireMillis;
    @PropertyInject("quartz.scheduler-name") String schedulerName;

    // auto: seeded when the database is embedded
    @PropertyInject("demo.enabled") String demoEnabled;
    @PropertyInject("demo.phone-number-id") String demoPhoneNumberId;
    @PropertyInject("demo.webhook-secret") String demoWebhookSecret;
    @PropertyInject("demo.api-token") String demoApiToken;

    @Override
    public void configure(CamelContext context) throws Exception {
        LogFormat.apply(logFormat.trim());
        // First: a budget too small stops the start before anything is opened.
        ConnectionBudget budget = ConnectionBudget.of(maxConnections, size(poolSize), size(intakePoolSize),
                streamingPoolSize, summaryConcurrency, groupCommitWriters);
        // The one meter registry, served on /observe/metrics (see observe/Meters).
        MeterRegistry meters = Meters.of(context);
        Meters.convertTimerActions(context);

        // The HTTP servers' edge: bound before they start, since they look up the Vert.x instance it makes.
        HttpEdge edge = new HttpEdge(idleTimeoutSeconds, requestReadTimeoutSeconds, h2cEnabled, maxBodyBytes,
                compressionEnabled);
        context.getRegistry().bind("httpEdge", edge);
        // platform-http runs every route on the Vert.x worker pool (20 threads by default), whatever the
        // route: deliveries waiting on the database would queue the dashboard's reads behind them.
        context.getRegistry().bind("vertx", edge.vertx(new VertxOptions().setWorkerPoolSize(workerPoolSize)));
        context.addStartupListener(edge);
        context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(c -> edge.close())));
        // A stop refuses new requests (503, the sender retries) while those in flight finish.
        context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopping(c -> edge.stopping())));

        DatabaseSettings settings = new DatabaseSettings(dbUrl.trim(), dbUser.trim(), dbPassword.trim(),
                budget.main(), budget.streaming(), budget.intake(), budget.summary(),
                Duration.ofMillis(connectionTimeoutMillis),
                Duration.ofMillis(intakeConnectionTimeoutMillis),
                Duration.ofMillis(statementTimeoutMillis),
                Duration.ofMillis(intakeStatementTimeoutMillis),
                Duration.ofMillis(lockTimeoutMillis),
                Duration.ofMillis(streamingStatementTimeoutMillis),
                Duration.ofSeconds(startWaitSeconds),
                embeddedDataDir.trim(), embeddedPort, embeddedDurable, transactionPooling);
        Database database = new Database(settings);
        database.setMeterRegistry(meters);

        // Readiness follows the database, and is DOWN while the start waits for it (the management port
        // answers from now on, not only once the context starts).
        DatabaseHealthCheck databaseHealth = new DatabaseHealthCheck(database, Duration.ofMillis(healthDatabaseTimeoutMillis));
        context.getRegistry().bind("databaseHealthCheck", databaseHealth);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(databaseHealth);
        }
        context.addLifecycleStrategy(LifecycleStrategySupport.adapt(LifecycleStrategySupport.onCamelContextStopped(c -> databaseHealth.close())));
        HealthDuringStart.serve(context);

        database.start();
        // Stopped with the context, after the routes: the pool and the embedded server close with the app.
        context.addService(database, true, true);
        DataSource dataSource = database.dataSource();
        context.getRegistry().bind("dataSource", dataSource);
        context.getRegistry().bind("streamingDataSource", database.streamingDataSource());
        context.getRegistry().bind("intakeDataSource", database.intakeDataSource());
        context.getRegistry().bind("summaryDataSource", database.summaryDataSource());
        context.getRegistry().bind("database", database);

        // The newest message age per workspace is the "intake stalled" gauge.
        context.addService(new IntakeFreshness(context, dataSource, meters,
                Duration.ofSeconds(intakeAgeRefreshSeconds), Clock.systemUTC()), true, true);

        // The daily run's lead-days in parallel, bounded: a full queue makes the splitting thread work
        // too (caller runs), so the stream of leads is read no faster than it is summarised. The queue
        // holds four rounds, so the workers still have work while the splitting thread runs a lead-day.
        ThreadPoolProfile summaryThreads = new ThreadPoolProfileBuilder("summaryThreads")
                .poolSize(summaryConcurrency).maxPoolSize(summaryConcurrency).maxQueueSize(summaryConcurrency * 4)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
        context.getRegistry().bind("summaryThreads",
                context.getExecutorServiceManager().newThreadPool(this, "summaryThreads", summaryThreads));

        // Shared by the routes (as the split's aggregation strategy) and the stop hook that closes the
        // records of runs a stop cuts off; added after the database, so stopped before it.
        SummaryRunTally tally = new SummaryRunTally(summaryProgressEvery);
        context.getRegistry().bind("summaryRunTally", tally);
        context.addService(new InterruptedRunRecords(dataSource, "summary runs", "sql/summaries/interrupt-runs.sql",
                tally::activeRunIds), true, true);
        // The same for bulk dead-letter replays: the runs a stop cuts off are closed at once.
        BulkReplay bulkReplay = new BulkReplay();
        context.getRegistry().bind("bulkReplay", bulkReplay);
        context.addService(new InterruptedRunRecords(dataSource, "bulk replay runs", "sql/admin/interrupt-replay-runs.sql",
                bulkReplay::activeRunIds), true, true);

        // The scheduled jobs' Quartz schedulers, clustered on this database (one instance fires each time),
        // one per job: an instance with a job switched off does not start its scheduler, so that it never
        // takes a fire it has no route for. Added after the database, so shut down before its pool closes.
        // The summary schedule uses the component "quartz", the catch-up schedule "quartz-catch-up".
        String scheduler = schedulerName.trim();
        clusteredQuartz(context, context.getComponent("quartz", QuartzComponent.class),
                new ClusteredScheduler(dataSource, scheduler, checkinMillis, misfireMillis), summariesEnabled);
        QuartzComponent catchUpQuartz = new QuartzComponent();
        context.addComponent(CATCH_UP_QUARTZ, catchUpQuartz);
        clusteredQuartz(context, catchUpQuartz,
                new ClusteredScheduler(dataSource, scheduler + "-catch-up", checkinMillis, misfireMillis), catchUpScheduled);

        String demo = demoEnabled.trim();
        if (demo.equals("true") || (demo.equals("auto") && database.isEmbedded())) {
            DemoWorkspace.seed(dataSource, demoPhoneNumberId.trim(), demoWebhookSecret.trim(), demoApiToken.trim());
            context.getRegistry().bind(ReadyLine.DEMO_TOKEN, demoApiToken.trim());
        }
    }

    private static OptionalInt size(String setting) {
        return setting.isBlank() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(setting.trim()));
    }

    private static void clusteredQuartz(CamelContext context, QuartzComponent component, ClusteredScheduler scheduler,
                                        boolean enabled) throws Exception {
        context.addService(scheduler, true, true);
        component.setScheduler(scheduler.scheduler());
        component.setAutoStartScheduler(enabled);
    }

    @BindToRegistry("errorResponses")
    public ErrorResponses errorResponses() {
        return new ErrorResponses();
    }

    @BindToRegistry("requestGuard")
    public RequestGuard requestGuard(@PropertyInject("webhook.max-body-bytes") int maxBodyBytes) {
        return new RequestGuard(maxBodyBytes);
    }

    @BindToRegistry("logSafe")
    public LogSafe logSafe() {
        return new LogSafe();
    }

    @BindToRegistry("authAttempts")
    public AuthAttempts authAttempts(@PropertyInject("auth.max-failures") int maxFailures,
                                     @PropertyInject("auth.failure-window-seconds") int windowSeconds,
                                     @PropertyInject("auth.tracked-addresses") int trackedAddresses) {
        return new AuthAttempts(maxFailures, windowSeconds, trackedAddresses);
    }

    @BindToRegistry("clientAddress")
    public ClientAddress clientAddress(@PropertyInject(value = "http.trusted-proxies", defaultValue = "") String trustedProxies) {
        return new ClientAddress(trustedProxies);
    }

    @BindToRegistry("apiTokens")
    public ApiTokens apiTokens(@BeanInject("authAttempts") AuthAttempts attempts) {
        return new ApiTokens(attempts);
    }

    @BindToRegistry("leadQueries")
    public LeadQueries leadQueries() {
        return new LeadQueries(new PhoneCanonicalizer());
    }

    @BindToRegistry("retryAfterDelay")
    public RetryAfterDelay retryAfterDelay() {
        return new RetryAfterDelay();
    }

    @BindToRegistry("jsonRequests")
    public JsonRequests jsonRequests(@PropertyInject("webhook.max-body-bytes") int maxBodyBytes,
                                     @PropertyInject("webhook.max-json-depth") int maxDepth) {
        return new JsonRequests(new RequestGuard(maxBodyBytes), maxDepth);
    }

    @BindToRegistry("leadUpdates")
    public LeadUpdates leadUpdates() {
        return new LeadUpdates(new LeadWorkflow());
    }

    @BindToRegistry("noteRequests")
    public NoteRequests noteRequests(@PropertyInject("notes.max-chars") int maxChars) {
        return new NoteRequests(maxChars);
    }

    @BindToRegistry("adminAuth")
    public AdminAuth adminAuth(@PropertyInject(value = "admin.token", defaultValue = "") String adminToken,
                               @BeanInject("authAttempts") AuthAttempts attempts) {
        return new AdminAuth(adminToken, attempts);
    }

    @BindToRegistry("deadLetterReplay")
    public DeadLetterReplay deadLetterReplay() {
        return new DeadLetterReplay();
    }

    @BindToRegistry("workspaceRequests")
    public WorkspaceRequests workspaceRequests() {
        return new WorkspaceRequests();
    }

    @BindToRegistry("kapsoKeys")
    public KapsoKeys kapsoKeys(@PropertyInject("catchup.key-encryption-key") String keyEncryptionKey,
                               @PropertyInject(value = "catchup.previous-key-encryption-key", defaultValue = "") String previousKey,
                               @PropertyInject(value = "db.url", defaultValue = "") String dbUrl) {
        // Empty db.url: the embedded demo database (as Database.isEmbedded), the one place the demo key may seal keys.
        return new KapsoKeys(keyEncryptionKey.strip(), previousKey.strip(), dbUrl.isBlank());
    }

    @BindToRegistry("webPage")
    public WebPage webPage() {
        return new WebPage();
    }

    @BindToRegistry("pages")
    public Pages pages() {
        return new Pages();
    }
}
