package dev.leadline.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's PostgreSQL: an external server when a JDBC URL is configured, otherwise an embedded
 * one whose data directory survives restarts. Registered as a Camel service so that stopping the
 * context closes the pool and the embedded server: no postgres process outlives the app.
 */
public final class Database extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Duration LOGIN_WAIT = Duration.ofSeconds(10);

    private final DatabaseSettings settings;
    private EmbeddedPostgres embedded;
    private HikariDataSource pool;
    private HikariDataSource streamingPool;
    private HikariDataSource intakePool;
    private HikariDataSource summaryPool;
    private MeterRegistry meterRegistry;

    public Database(DatabaseSettings settings) {
        this.settings = settings;
    }

    /** Where the pools report (hikaricp_* metrics, tagged with the pool name); set before start. */
    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public boolean isEmbedded() {
        return settings.url().isBlank();
    }

    public DataSource dataSource() {
        if (pool == null) {
            throw new IllegalStateException("database not started");
        }
        return pool;
    }

    /**
     * Read-only connections that stay inside a transaction, so that PostgreSQL hands a large result to
     * the JVM a fetch at a time (a cursor) instead of all at once: for the daily run's stream of leads.
     */
    public DataSource streamingDataSource() {
        if (streamingPool == null) {
            throw new IllegalStateException("database not started");
        }
        return streamingPool;
    }

    /**
     * The webhook intake's writes, apart from the pool the API reads with: deliveries that wait on a
     * locked lead row can take only these connections, never the dashboard's.
     */
    public DataSource intakeDataSource() {
        if (intakePool == null) {
            throw new IllegalStateException("database not started");
        }
        return intakePool;
    }

    /**
     * The daily run's statements per lead-day, apart from the pool the API reads with: a run of many leads
     * cannot take the dashboard's connections, and these statements (key lookups, upserts) keep their cached
     * plans (see poolConfig).
     */
    public DataSource summaryDataSource() {
        if (summaryPool == null) {
            throw new IllegalStateException("database not started");
        }
        return summaryPool;
    }

    @Override
    protected void doStart() throws IOException, SQLException, InterruptedException {
        String url;
        if (isEmbedded()) {
            embedded = startEmbedded();
            url = embedded.getJdbcUrl("postgres", "postgres");
        } else {
            url = settings.url();
            LOG.info("Using external PostgreSQL at {}", url.replaceAll("password=[^&]*", "password=***"));
        }
        // The schema first, waiting for a database that is not up yet: a login straight from the driver, then
        // the pool and the migration. No pool before the first login, so a start that gives up leaves no pool
        // still trying to connect.
        new DatabaseWait(url, settings.startWait()).until(() -> {
            login(url);
            if (pool == null) {
                // Flyway, the API, admin and the summary runs' records: their rare lock waits are bounded by the
                // statement timeout (a migration must be able to wait for its table lock).
                pool = new HikariDataSource(poolConfig("leadline", url, settings.poolSize(), settings.connectionTimeout(),
                        settings.statementTimeout(), Duration.ZERO, true));
            }
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        });
        if (settings.transactionPooling()) {
            reportRoleTimeouts();
        }

        // A delivery's write waits at most the intake connection timeout, then the intake statement timeout
        // (within which each lock is waited for at most the lock timeout).
        intakePool = new HikariDataSource(poolConfig("leadline-intake", url, settings.intakePoolSize(),
                settings.intakeConnectionTimeout(), settings.intakeStatementTimeout(), settings.lockTimeout(), false));

        // The daily run's lead-day statements: the main pool's timeouts, PostgreSQL's cached plans.
        summaryPool = new HikariDataSource(poolConfig("leadline-summary", url, settings.summaryPoolSize(),
                settings.connectionTimeout(), settings.statementTimeout(), Duration.ZERO, false));

        // Read-only: it waits on no row lock, only on a table lock, and its statement timeout bounds that.
        HikariConfig streaming = poolConfig("leadline-streaming", url, settings.streamingPoolSize(),
                settings.connectionTimeout(), settings.streamingStatementTimeout(), Duration.ZERO, true);
        streaming.setAutoCommit(false);
        streaming.setReadOnly(true);
        streamingPool = new HikariDataSource(streaming);
    }

    /**
     * Opens one connection straight from the driver and closes it: PostgreSQL takes a login now. The login may
     * take longer than a pool's connection timeout (a server busy starting), up to LOGIN_WAIT.
     */
    private void login(String url) throws SQLException {
        Properties properties = new Properties();
        if (!isEmbedded()) {
            PGProperty.USER.set(properties, settings.user());
            PGProperty.PASSWORD.set(properties, settings.password());
        }
        PGProperty.LOGIN_TIMEOUT.set(properties, (int) LOGIN_WAIT.toSeconds());
        try (Connection connection = new Driver().connect(url, properties)) {
            if (connection == null) {
                throw new IllegalArgumentException("db.url is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
            }
        }
    }

    /**
     * @param lockTimeout how long a statement waits for a lock (a row another transaction holds); 0: no bound
     * @param customPlans every statement planned for its actual values (see below)
     */
    private HikariConfig poolConfig(String name, String url, int size, Duration connectionTimeout,
                                    Duration statementTimeout, Duration lockTimeout, boolean customPlans) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (!isEmbedded()) {
            config.setUsername(settings.user());
            config.setPassword(settings.password());
        }
        config.setPoolName(name);
        if (meterRegistry != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meterRegistry));
        }
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        // A statement that runs away must not hold a connection (or a webhook) forever; and a server that
        // stops answering altogether is given up on by the socket a little after that.
        // A statement that waits for a lock gives up much sooner (SQLSTATE 55P03, answered 503): a lead
        // locked for long must not hold every webhook until the statement timeout, past Kapso's 10 s.
        // Plans are made for the actual values: the API's optional filters are "IS NULL OR ..." clauses,
        // which a generic plan could only serve with a scan. Not on the daily run's lead-day connections:
        // their five statements are key lookups and upserts, and planning them afresh on every call was
        // about 0.9 ms of PostgreSQL's 1.8 ms of CPU per lead-day (BENCHMARKS.md §7). Nor on the intake's:
        // its store functions and the outbox and inbox triggers run dozens of key lookups and upserts per
        // message, and planning each afresh was a third of PostgreSQL's CPU per message (BENCHMARKS.md §11.4).
        if (settings.transactionPooling()) {
            // Behind a transaction pooler a session SET would stay on the server connection for whichever
            // client's transaction comes next, and never follow this connection to its next server: the
            // timeouts are the database role's (ALTER ROLE ... SET, docs/scaling.md). A statement prepared on
            // one server connection is unknown to the next: none is prepared, so each is planned for its values
            // (what force_custom_plan gives the API) and the intake's and daily run's plans are not kept.
            config.addDataSourceProperty("prepareThreshold", "0");
        } else {
            config.setConnectionInitSql("SET statement_timeout = " + statementTimeout.toMillis()
                    + "; SET lock_timeout = " + lockTimeout.toMillis()
                    + (customPlans ? "; SET plan_cache_mode = force_custom_plan" : ""));
        }
        config.addDataSourceProperty("socketTimeout", String.valueOf(statementTimeout.toSeconds() + 5));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // A pool never fails for a database that is down: the start waits for it (DatabaseWait, within
        // db.start-wait-seconds), and once started, requests get 503 while it is down, until it is back.
        config.setInitializationFailTimeout(-1);
        return config;
    }

    /**
     * Behind a transaction pooler PostgreSQL's timeouts are the database role's (see poolConfig): said at start,
     * and warned of when there are none, since a statement that runs away then holds a shared server connection.
     */
    private void reportRoleTimeouts() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")) {
            rs.next();
            String statementTimeout = rs.getString(1);
            String lockTimeout = rs.getString(2);
            if (statementTimeout.equals("0") || lockTimeout.equals("0")) {
                LOG.warn("Transaction pooling: the database role gives statement_timeout {} and lock_timeout {} (0: none); "
                        + "set both on the role (ALTER ROLE ... SET, docs/scaling.md)", statementTimeout, lockTimeout);
            } else {
                LOG.info("Transaction pooling: PostgreSQL's timeouts are the database role's: statement_timeout {}, lock_timeout {}",
                        statementTimeout, lockTimeout);
            }
        } catch (SQLException e) {
            LOG.warn("Transaction pooling: could not read the database role's timeouts: {}", e.getMessage());
        }
    }

    private EmbeddedPostgres startEmbedded() throws IOException {
        Path dataDir = Path.of(settings.embeddedDataDir()).toAbsolutePath();
        Files.createDirectories(dataDir.getParent());
        LOG.info("Starting embedded PostgreSQL with data in {}", dataDir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(settings.embeddedPort())
                .setPGStartupWait(Duration.ofSeconds(60))
                // zonky's defaults trade durability for speed; a 200 to Kapso must mean "on disk".
                .setServerConfig("fsync", String.valueOf(settings.embeddedDurable()))
                .setServerConfig("synchronous_commit", settings.embeddedDurable() ? "on" : "off")
                .start();
    }

    @Override
    protected void doStop() throws IOException {
        if (streamingPool != null) {
            streamingPool.close();
            streamingPool = null;
        }
        if (intakePool != null) {
            intakePool.close();
            intakePool = null;
        }
        if (summaryPool != null) {
            summaryPool.close();
            summaryPool = null;
        }
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (embedded != null) {
            LOG.info("Stopping embedded PostgreSQL");
            embedded.close();
            embedded = null;
        }
    }
}
