package dev.leadline.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatCompletionsTest {

    final ChatCompletions completions = new ChatCompletions("https://api.x.ai/v1", "grok-4.20-non-reasoning", 60_000);

    /** The arguments the ask-llm route passes: the status, the body and Retry-After of the answer. */
    record Answer(int status, String body, String retryAfter) {
    }

    static Answer answer(int status, String body, String retryAfter) {
        return new Answer(status, body, retryAfter);
    }

    Map<String, Object> read(Answer answer) {
        return completions.read(answer.status(), answer.body(), answer.retryAfter());
    }

    @Test
    void aCompletionBecomesANoteWithModelAndTokens() {
        Map<String, Object> note = read(answer(200, "{\"model\":\"grok-4.20-non-reasoning\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"  Budi asked about\\n prices.  \"}}],"
                + "\"usage\":{\"prompt_tokens\":174,\"completion_tokens\":9}}", null));
        assertEquals("Budi asked about prices.", note.get("content"));
        assertEquals("grok-4.20-non-reasoning", note.get("generator"));
        assertEquals(174, note.get("promptTokens"));
        assertEquals(9, note.get("completionTokens"));
    }

    @Test
    void retryAfterTravelsWithTheTransientFailureAndIsCapped() {
        // Which statuses are retried is decided in error-handling.camel.yaml (LlmSummaryTest); here: the
        // failure carries its status and the provider's Retry-After, capped.
        LlmFailure.HttpError withHeader = assertThrows(LlmFailure.HttpError.class, () -> read(answer(429, "{}", "2")));
        LlmFailure.HttpError huge = assertThrows(LlmFailure.HttpError.class, () -> read(answer(503, "", "86400")));
        LlmFailure.HttpError without = assertThrows(LlmFailure.HttpError.class, () -> read(answer(500, "", null)));
        assertEquals(429, withHeader.getStatus());
        assertEquals(503, huge.getStatus());
        assertEquals(2000L, withHeader.retryAfterMillis());
        assertEquals(60_000L, huge.retryAfterMillis());
        assertNull(without.retryAfterMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"choices\":[]}", "{\"choices\":[{\"message\":{\"content\":\"  \"}}]}"})
    void anUnusableAnswerIsTransient(String body) {
        assertThrows(LlmFailure.Transient.class, () -> read(answer(200, body, null)));
    }

    @Test
    void modelNotFoundNamesTheSettingToChange() {
        LlmFailure.HttpError failure = assertThrows(LlmFailure.HttpError.class,
                () -> read(answer(404, "{\"error\":\"model not found\"}", null)));
        assertTrue(failure.getMessage().contains("set llm.model (LLM_MODEL)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("https://api.x.ai/v1/models"), failure.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 405, 415, 422})
    void refusalsCarryTheirStatusAndTheSettingToCheck(int status) {
        LlmFailure.HttpError failure = assertThrows(LlmFailure.HttpError.class, () -> read(answer(status, "{}", null)));
        assertEquals(status, failure.getStatus());
        assertTrue(failure.getMessage().contains("check llm."), failure.getMessage());
    }
}
