package dev.leadline.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * log.format as application.properties sets it (LOG_FORMAT in the environment is read by log4j2.properties
 * itself, which GracefulShutdownTest shows in a real process): json switches the console to one JSON
 * object per line, text back to the pattern; anything else is refused at start.
 */
class LogFormatTest {

    @Test
    void switchesTheConsoleBetweenJsonLinesAndText() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            // log4j's console appenders take System.out as they are made, on reconfiguration
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogFormat.apply("json");
            LoggerFactory.getLogger("leadline.test").warn("a line with \"quotes\"\nand a newline");
            LogFormat.apply("text");
            LoggerFactory.getLogger("leadline.test").warn("back to text");
        } finally {
            System.setOut(original);
            LogFormat.apply("text");
        }
        // other threads (a service started by another test class) may log in between: this logger's lines only
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("leadline.test") || l.contains(" test - ")).toList();
        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode event = new ObjectMapper().readTree(lines.get(0));
        assertEquals("WARN", event.get("log.level").asText());
        assertEquals("a line with \"quotes\"\nand a newline", event.get("message").asText(), "one line, escaped");
        assertEquals("leadline.test", event.get("log.logger").asText());
        assertTrue(event.has("@timestamp"));
        String text = lines.get(1);
        assertFalse(text.startsWith("{"), text);
        assertTrue(text.contains("WARN") && text.endsWith("test - back to text"), text);
    }

    @Test
    void refusesAnUnknownFormat() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.apply("xml"));
        assertTrue(e.getMessage().contains("log.format"), e.getMessage());
    }
}
