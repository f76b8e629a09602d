package dev.leadline.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * log.format switches the root logger between the pattern layout and JSON lines (ECS): one JSON object
 * per line, text back to the pattern; anything else is refused at start. The root logger's own appender
 * formats an event here, rather than capturing System.out, which other tests' services in this JVM
 * share and which log4j's console manager may hold from before a reconfiguration.
 */
class LogFormatTest {

    @Test
    void switchesTheRootLoggerBetweenJsonLinesAndText() throws Exception {
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("leadline.test").setLevel(Level.WARN)
                .setMessage(new SimpleMessage("a line with \"quotes\"\nand a newline")).setThreadName("main").build();
        try {
            LogFormat.apply("json");
            String json = formatted(event);
            assertEquals(1, json.strip().split("\n").length, "one line: " + json);
            JsonNode parsed = new ObjectMapper().readTree(json);
            assertEquals("WARN", parsed.get("log.level").asText());
            assertEquals("a line with \"quotes\"\nand a newline", parsed.get("message").asText(), "escaped");
            assertEquals("leadline.test", parsed.get("log.logger").asText());
            assertTrue(parsed.has("@timestamp"));

            LogFormat.apply("text");
            String text = formatted(event);
            assertFalse(text.startsWith("{"), text);
            assertTrue(text.contains("WARN") && text.contains("test - a line with"), text);
        } finally {
            LogFormat.apply("text");
        }
    }

    /** The event as the root logger's appender writes it. */
    private static String formatted(LogEvent event) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Map<String, Appender> appenders = context.getConfiguration().getRootLogger().getAppenders();
        assertEquals(1, appenders.size(), appenders.keySet().toString());
        Appender appender = appenders.values().iterator().next();
        return new String(appender.getLayout().toByteArray(event), StandardCharsets.UTF_8);
    }

    @Test
    void refusesAnUnknownFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.apply("xml"));
        assertTrue(e.getMessage().contains("log.format"), e.getMessage());
    }
}
