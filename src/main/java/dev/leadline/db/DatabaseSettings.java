package dev.leadline.db;

import java.time.Duration;

/** Connection settings, read from the {@code db.*} properties. A blank URL means "embedded". */
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
        boolean embeddedDurable) {
}
