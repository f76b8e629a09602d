package dev.leadline.observe;

import java.util.Set;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Applies log.format (text | json) once Camel has read it. log4j2.properties picks the layout from the
 * log.format system property or the LOG_FORMAT environment variable as log4j starts; a format set only in
 * application.properties is applied here by reconfiguring log4j with it.
 */
public final class LogFormat {

    public static final String PROPERTY = "log.format";
    private static final Set<String> FORMATS = Set.of("text", "json");

    private LogFormat() {
    }

    public static void apply(String format) {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("log.format (LOG_FORMAT) must be text or json, not '" + format + "'");
        }
        String env = System.getenv("LOG_FORMAT");
        String active = System.getProperty(PROPERTY, env == null || env.isBlank() ? "text" : env);
        if (format.equals(active)) {
            return;
        }
        System.setProperty(PROPERTY, format);
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
    }
}
