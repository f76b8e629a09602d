package dev.leadline.summary;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Variable;

/**
 * The LLM's money: what an answer cost (its usage times llm.price-*-usd-per-million) and, before a call, what it
 * may cost (the request's characters / llm.chars-per-token as input tokens, plus llm.max-tokens as output), as the
 * parameters of the statements that reserve it within the workspace's daily budget and settle it afterwards
 * (sql/summaries/reserve-llm-budget.sql, settle-llm-spend.sql). US dollars as BigDecimal, never a float.
 */
public final class LlmBudget {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final BigDecimal inputPerMillion;
    private final BigDecimal outputPerMillion;
    private final int charsPerToken;
    private final int maxTokens;
    private final BigDecimal defaultBudget;
    private final BigDecimal warnShare;

    public LlmBudget(BigDecimal inputPerMillion, BigDecimal outputPerMillion, int charsPerToken, int maxTokens,
                     BigDecimal defaultBudget, int warnPercent) {
        if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
            throw new IllegalArgumentException("llm.price-input-usd-per-million and llm.price-output-usd-per-million must not be negative");
        }
        if (charsPerToken < 1) {
            throw new IllegalArgumentException("llm.chars-per-token must be at least 1, is " + charsPerToken);
        }
        if (defaultBudget.signum() < 0) {
            throw new IllegalArgumentException("llm.daily-budget-usd must not be negative, is " + defaultBudget);
        }
        if (warnPercent < 1 || warnPercent > 100) {
            throw new IllegalArgumentException("llm.budget-warn-percent must lie between 1 and 100, is " + warnPercent);
        }
        this.inputPerMillion = inputPerMillion;
        this.outputPerMillion = outputPerMillion;
        this.charsPerToken = charsPerToken;
        this.maxTokens = maxTokens;
        this.defaultBudget = defaultBudget;
        this.warnShare = BigDecimal.valueOf(warnPercent).movePointLeft(2);
    }

    /** What tokens cost at the configured prices, in US dollars (exact). */
    public BigDecimal cost(Number promptTokens, Number completionTokens) {
        BigDecimal in = BigDecimal.valueOf(promptTokens == null ? 0 : promptTokens.longValue()).multiply(inputPerMillion);
        BigDecimal out = BigDecimal.valueOf(completionTokens == null ? 0 : completionTokens.longValue()).multiply(outputPerMillion);
        return in.add(out).divide(MILLION);
    }

    /** A call's cost before it is made: the request's input tokens estimated from its size, and the most it may answer. */
    public BigDecimal estimate(String request) {
        long inputTokens = (request.length() + charsPerToken - 1) / charsPerToken;
        return cost(inputTokens, maxTokens);
    }

    /** The parameters of reserve-llm-budget.sql (and count-over-budget.sql) for a call with this request. */
    public Map<String, Object> reservation(@Variable("workspaceId") long workspaceId, @Variable("llmRequest") String request) {
        Map<String, Object> params = new HashMap<>();
        params.put("workspaceId", workspaceId);
        params.put("estimateUsd", estimate(request));
        params.put("defaultBudgetUsd", defaultBudget);
        params.put("warnShare", warnShare);
        return params;
    }

    /**
     * The parameters of settle-llm-spend.sql: the reservation goes, the answer's cost is spent (none when no answer
     * came: the call failed).
     *
     * @param reserved what reserve-llm-budget.sql answered (the day reserved on)
     * @param answer   the LLM's answer (ChatCompletions.read), or null
     */
    public Map<String, Object> settlement(Map<String, Object> reservation, Map<String, Object> reserved, Map<String, Object> answer) {
        Map<String, Object> params = new HashMap<>(reservation);
        params.put("day", reserved.get("day").toString());
        Number prompt = answer == null ? 0 : (Number) answer.get("promptTokens");
        Number completion = answer == null ? 0 : (Number) answer.get("completionTokens");
        params.put("calls", answer == null ? 0 : 1);
        params.put("promptTokens", prompt.longValue());
        params.put("completionTokens", completion.longValue());
        params.put("costUsd", cost(prompt, completion));
        return params;
    }

    /** The note with its cost (costUsd) from its tokens: what its calls cost; nothing for an offline note. */
    public Map<String, Object> priced(Map<String, Object> note) {
        Map<String, Object> priced = new HashMap<>(note);
        priced.put("costUsd", cost((Number) note.get("promptTokens"), (Number) note.get("completionTokens")));
        return priced;
    }
}
