package dev.leadline.support;

import java.io.StringWriter;
import java.util.UUID;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * What the service logs while it is open, from every logger of this JVM: each message on a line of its
 * own, followed by its stack trace when it has one: {@code try (LogCapture log = LogCapture.start()) { ... } log.toString()}.
 */
public final class LogCapture implements AutoCloseable {

    private final StringWriter log = new StringWriter();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final WriterAppender appender;

    private LogCapture() {
        appender = WriterAppender.newBuilder().setName("capture-" + UUID.randomUUID())
                .setTarget(log).setLayout(PatternLayout.newBuilder().withPattern("%msg%n%throwable").build()).build();
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.appender.start();
        capture.config().getRootLogger().addAppender(capture.appender, null, null);
        capture.context.updateLoggers();
        return capture;
    }

    private Configuration config() {
        return context.getConfiguration();
    }

    /** Everything captured so far. */
    @Override
    public String toString() {
        return log.toString();
    }

    @Override
    public void close() {
        config().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
