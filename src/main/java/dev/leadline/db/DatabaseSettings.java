package dev.leadline.db;

import java.time.Duration;

/**
 * Connection settings, read from the {@code db.*} properties. A blank URL means "embedded". Transaction pooling:
 * the URL is a pooler's (PgBouncer with pool_mode = transaction), where a connection is a server's only for one
 * transaction at a time (see Database.poolConfig for what that changes).
 */
public record DatabaseSettings(
        String url,
        String user,
        String password,
        int poolSize,
        int streamingPoolSize,
        int intakePoolSize,
        int summaryPoolSize,
        Duration connectionTimeout,
        Duration intakeConnectionTimeout,
        Duration statementTimeout,
        Duration intakeStatementTimeout,
        Duration lockTimeout,
        Duration streamingStatementTimeout,
        Duration startWait,
        String embeddedDataDir,
        int embeddedPort,
        boolean embeddedDurable,
        boolean transactionPooling) {
}
