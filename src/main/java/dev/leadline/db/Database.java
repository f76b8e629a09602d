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

    @Override
    protected void doStart() throws IOException {
        HikariConfig config = new HikariConfig();
        if (isEmbedded()) {
            embedded = startEmbedded();
            config.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
        } else {
            config.setJdbcUrl(settings.url());
            config.setUsername(settings.user());
            config.setPassword(settings.password());
            LOG.info("Using external PostgreSQL at {}", settings.url().replaceAll("password=[^&]*", "password=***"));
        }
        config.setPoolName("leadline");
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        // A statement that runs away must not hold a connection (or a webhook) forever.
        config.setConnectionInitSql("SET statement_timeout = " + settings.statementTimeout().toMillis());
        // Start even when the database is down; requests then get 503 until it is back.
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
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
