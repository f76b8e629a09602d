package dev.leadline.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's PostgreSQL: an external server when a JDBC URL is configured, otherwise an embedded
 * one whose data directory survives restarts. Registered as a Camel service so that stopping the
 * context closes the pool and the embedded server: no postgres process outlives the app.
 */
public final class Database extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private EmbeddedPostgres embedded;
    private HikariDataSource pool;
    private HikariDataSource streamingPool;

    public Database(DatabaseSettings settings) {
        this.settings = settings;
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

    @Override
    protected void doStart() throws IOException {
        String url;
        if (isEmbedded()) {
            embedded = startEmbedded();
            url = embedded.getJdbcUrl("postgres", "postgres");
        } else {
            url = settings.url();
            LOG.info("Using external PostgreSQL at {}", url.replaceAll("password=[^&]*", "password=***"));
        }
        pool = new HikariDataSource(poolConfig("leadline", url, settings.poolSize(), settings.statementTimeout()));
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();

        HikariConfig streaming = poolConfig("leadline-streaming", url, settings.streamingPoolSize(),
                settings.streamingStatementTimeout());
        streaming.setAutoCommit(false);
        streaming.setReadOnly(true);
        streamingPool = new HikariDataSource(streaming);
    }

    private HikariConfig poolConfig(String name, String url, int size, Duration statementTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (!isEmbedded()) {
            config.setUsername(settings.user());
            config.setPassword(settings.password());
        }
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        // A statement that runs away must not hold a connection (or a webhook) forever; and a server that
        // stops answering altogether is given up on by the socket a little after that.
        // Plans are made for the actual values: the API's optional filters are "IS NULL OR ..." clauses,
        // which a generic plan could only serve with a scan.
        config.setConnectionInitSql("SET statement_timeout = " + statementTimeout.toMillis()
                + "; SET plan_cache_mode = force_custom_plan");
        config.addDataSourceProperty("socketTimeout", String.valueOf(statementTimeout.toSeconds() + 5));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // Start even when the database is down; requests then get 503 until it is back.
        config.setInitializationFailTimeout(-1);
        return config;
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
