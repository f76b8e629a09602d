package dev.leadline.summary;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The facts of a lead's day for the prompt, and the OpenAI-format chat request around the prompt, which asks for
 * the answer in the note schema (structured output, response_format: {@link NoteSchema}). The
 * words themselves are the team's to edit: summary/system-prompt.txt and summary/user-prompt.txt, simple
 * templates that routes/daily-summaries.camel.yaml fills with these facts. The lead's messages are data, not
 * instructions: the template fences them between transcript markers, which a message cannot forge.
 */
public final class SummaryPrompt {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("(?i)</?\\s*transcript\\s*>");

    private final String model;
    private final double temperature;
    private final int maxTokens;
    private final String responseFormat;

    /**
     * @param responseFormat llm.response-format: json_schema (the note schema, structured output), json_object (any
     *                       JSON: the system prompt names the fields), or none (the field left out, for a server
     *                       that refuses it); an answer out of the schema is asked again whichever is chosen
     * @param schema the note schema the answer is asked in
     */
    public SummaryPrompt(String model, double temperature, int maxTokens, String responseFormat, NoteSchema schema) {
        this.model = model;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
        this.responseFormat = switch (responseFormat) {
            case "json_schema" -> StructuredNotes.write(schema.responseFormat());
            case "json_object" -> "{\"type\":\"json_object\"}";
            case "none" -> null;
            default -> throw new IllegalArgumentException("llm.response-format must be json_schema, json_object or none, not "
                    + responseFormat);
        };
    }

    /** What the templates insert (${variable.prompt[name]}); the lead's own words fenced. */
    public Map<String, Object> facts(DayDigest day) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("language", day.language().displayName());
        facts.put("customer", day.leadName() == null ? "unknown name" : fence(day.leadName()));
        facts.put("day", day.day());
        facts.put("timeZone", day.timeZone());
        facts.put("inbound", day.inbound());
        facts.put("outbound", day.outbound());
        facts.put("remarks", remarks(day));
        List<String> lines = new ArrayList<>(day.transcript().size());
        for (String line : day.transcript()) {
            lines.add(fence(line));
        }
        facts.put("transcript", String.join("\n", lines));
        return facts;
    }

    /** The rendered prompts in a chat request; the templates' surrounding blank lines dropped. */
    public String request(String systemPrompt, String userPrompt) {
        // Streamed straight to text: no tree of nodes per lead-day.
        StringWriter out = new StringWriter(systemPrompt.length() + userPrompt.length() + 256);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeArrayFieldStart("messages");
            json.writeStartObject();
            json.writeStringField("role", "system");
            json.writeStringField("content", systemPrompt.strip());
            json.writeEndObject();
            json.writeStartObject();
            json.writeStringField("role", "user");
            json.writeStringField("content", userPrompt.strip());
            json.writeEndObject();
            json.writeEndArray();
            json.writeNumberField("temperature", temperature);
            json.writeNumberField("max_tokens", maxTokens);
            json.writeBooleanField("stream", false);
            if (responseFormat != null) {
                json.writeFieldName("response_format");
                json.writeRawValue(responseFormat);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The lines that only some days have, each ending in a line break; empty when none applies. */
    static String remarks(DayDigest day) {
        StringBuilder sb = new StringBuilder();
        if (day.failedOutbound() > 0) {
            sb.append("Failed to deliver: ").append(day.failedOutbound()).append(" of our messages (marked [not delivered])\n");
        }
        if (day.deleted() > 0) {
            sb.append("Deleted by their sender: ").append(day.deleted()).append(" (marked [deleted])\n");
        }
        if (!day.topics().isEmpty()) {
            sb.append("Frequent words: ").append(String.join(", ", day.topics())).append('\n');
        }
        if (!day.statusChanges().isEmpty()) {
            sb.append("Status changes: ").append(String.join("; ", day.statusChanges())).append('\n');
        }
        if (day.truncated()) {
            sb.append("Earlier messages of the day were left out; the most recent follow.\n");
        }
        return sb.toString();
    }

    /** A message can't close the fence early: marker look-alikes are neutralised. */
    static String fence(String text) {
        // Every marker has a '<': most lines have none, and skip the regex.
        return text.indexOf('<') < 0 ? text : FENCE.matcher(text).replaceAll("[transcript]");
    }
}
