package dev.leadline.summary;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadline.outbound.OutboundFailure;
import dev.leadline.outbound.RetryAfter;

/**
 * Reads an OpenAI-format chat completion answer (its content, whitespace collapsed; its model and usage), which
 * StructuredNotes makes a note of, or says why there is none: an error status
 * is thrown with the status, the provider's Retry-After and the setting to check (which statuses are
 * retried is decided in routes/error-handling.camel.yaml); a 200 answer we cannot use is thrown as transient.
 */
public final class ChatCompletions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String model;
    private final long maxRetryAfterMillis;

    public ChatCompletions(String baseUrl, String model, long maxRetryAfterMillis) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /**
     * @param httpStatus the HTTP status (null: none)
     * @param retryAfter the provider's Retry-After header, if any
     */
    public Map<String, Object> read(Integer httpStatus, String body, String retryAfter) {
        int status = httpStatus == null ? 0 : httpStatus;
        if (status == 200) {
            return answer(body);
        }
        String reason = "LLM answered HTTP " + status + ": " + OfflineSummariser.cut(body == null ? "" : body.strip(), 300);
        throw new LlmFailure.HttpError(status, reason + remedy(status),
                retryAfterMillis(retryAfter));
    }

    /** For a refusal, the setting to check; the busy and failing statuses need none. */
    private String remedy(int status) {
        if (OutboundFailure.busyOrFailing(status)) {
            return "";
        }
        return " — " + switch (status) {
            case 404 -> "model '" + model + "' was not found (retired or not available to this key): set llm.model "
                    + "(LLM_MODEL) to a model that GET " + baseUrl + "/models lists, e.g. grok-4.20-non-reasoning";
            case 400, 401, 403 -> "check llm.api-key (LLM_API_KEY) and llm.model (LLM_MODEL) at " + baseUrl;
            default -> "the request was refused; check llm.base-url (LLM_BASE_URL) and llm.model (LLM_MODEL)";
        };
    }

    private Map<String, Object> answer(String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new LlmFailure.Transient("LLM answer is not JSON: " + e.getMessage());
        }
        if (answer == null) {
            throw new LlmFailure.Transient("LLM answer is empty");
        }
        String content = answer.path("choices").path(0).path("message").path("content").asText("").strip();
        if (content.isEmpty()) {
            throw new LlmFailure.Transient("LLM answer has no choices[0].message.content");
        }
        JsonNode usage = answer.path("usage");
        Map<String, Object> read = new LinkedHashMap<>();
        // whole: a JSON answer cut short would not parse (StructuredNotes bounds what it keeps)
        read.put("content", collapseWhitespace(content));
        read.put("generator", answer.path("model").asText(model));
        read.put("promptTokens", usage.path("prompt_tokens").asInt(0));
        read.put("completionTokens", usage.path("completion_tokens").asInt(0));
        return read;
    }

    /** Each run of whitespace (regex \\s: space, tab, line breaks, form feed, vertical tab) as one space. */
    static String collapseWhitespace(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean inRun = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
            if (!space) {
                sb.append(c);
            } else if (!inRun) {
                sb.append(' ');
            }
            inRun = space;
        }
        return sb.toString();
    }

    Long retryAfterMillis(String header) {
        return RetryAfter.millis(header, maxRetryAfterMillis);
    }
}
