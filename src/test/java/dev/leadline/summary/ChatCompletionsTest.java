package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatCompletionsTest {

    final ChatCompletions completions = new ChatCompletions("https://api.x.ai/v1", "grok-4.20-non-reasoning", 60_000);

    static Exchange answer(int status, String body, String retryAfter) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (retryAfter != null) {
            exchange.getMessage().setHeader("Retry-After", retryAfter);
        }
        exchange.getMessage().setBody(body);
        return exchange;
    }

    @Test
    void aCompletionBecomesANoteWithModelAndTokens() {
        Map<String, Object> note = completions.read(answer(200, "{\"model\":\"grok-4.20-non-reasoning\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"  Budi asked about\\n prices.  \"}}],"
                + "\"usage\":{\"prompt_tokens\":174,\"completion_tokens\":9}}", null));
        assertEquals("Budi asked about prices.", note.get("content"));
        assertEquals("grok-4.20-non-reasoning", note.get("generator"));
        assertEquals(174, note.get("promptTokens"));
        assertEquals(9, note.get("completionTokens"));
    }

    @Test
    void retryAfterTravelsWithTheTransientFailureAndIsCapped() {
        LlmFailure.Transient withHeader = assertThrows(LlmFailure.Transient.class, () -> completions.read(answer(429, "{}", "2")));
        LlmFailure.Transient huge = assertThrows(LlmFailure.Transient.class, () -> completions.read(answer(503, "", "86400")));
        LlmFailure.Transient without = assertThrows(LlmFailure.Transient.class, () -> completions.read(answer(500, "", null)));
        assertEquals(2000L, withHeader.retryAfterMillis());
        assertEquals(60_000L, huge.retryAfterMillis());
        assertNull(without.retryAfterMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"choices\":[]}", "{\"choices\":[{\"message\":{\"content\":\"  \"}}]}"})
    void anUnusableAnswerIsTransient(String body) {
        assertThrows(LlmFailure.Transient.class, () -> completions.read(answer(200, body, null)));
    }

    @Test
    void modelNotFoundNamesTheSettingToChange() {
        LlmFailure.Permanent failure = assertThrows(LlmFailure.Permanent.class,
                () -> completions.read(answer(404, "{\"error\":\"model not found\"}", null)));
        assertTrue(failure.getMessage().contains("set llm.model (LLM_MODEL)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("https://api.x.ai/v1/models"), failure.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 405, 415, 422})
    void refusalsArePermanent(int status) {
        assertThrows(LlmFailure.Permanent.class, () -> completions.read(answer(status, "{}", null)));
    }
}
