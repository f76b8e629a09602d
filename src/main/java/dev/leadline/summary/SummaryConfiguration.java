package dev.leadline.summary;

import java.math.BigDecimal;
import java.time.Clock;

import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;

/**
 * Binds the daily summaries' beans (routes/daily-summaries.camel.yaml and summaries-api.camel.yaml call them by
 * name), each with its settings from application.properties. The run's threads and its tally, which the service's
 * lifecycle needs, stay with the database in LeadlineConfiguration.
 */
public class SummaryConfiguration implements CamelConfiguration {

    @BindToRegistry("summaryWindow")
    public SummaryWindow summaryWindow(@PropertyInject("summaries.look-back-days") int lookBackDays) {
        return new SummaryWindow(lookBackDays, Clock.systemUTC());
    }

    @BindToRegistry("summaryRequests")
    public SummaryRequests summaryRequests() {
        return new SummaryRequests();
    }

    @BindToRegistry("manualRunSlots")
    public ManualRunSlots manualRunSlots(@PropertyInject("db.streaming-pool-size") int streamingPoolSize) {
        return new ManualRunSlots(streamingPoolSize);
    }

    @BindToRegistry("dayDigester")
    public DayDigester dayDigester(@PropertyInject("summaries.max-input-chars") int maxInputChars) {
        return new DayDigester(maxInputChars);
    }

    @BindToRegistry("offlineSummariser")
    public OfflineSummariser offlineSummariser() {
        return new OfflineSummariser();
    }

    @BindToRegistry("noteSchema")
    public NoteSchema noteSchema() {
        return new NoteSchema();
    }

    @BindToRegistry("structuredNotes")
    public StructuredNotes structuredNotes(@BeanInject("noteSchema") NoteSchema schema) {
        return new StructuredNotes(schema);
    }

    @BindToRegistry("summaryPrompt")
    public SummaryPrompt summaryPrompt(@PropertyInject("llm.model") String model,
                                       @PropertyInject("llm.temperature") double temperature,
                                       @PropertyInject("llm.max-tokens") int maxTokens,
                                       @PropertyInject("llm.response-format") String responseFormat,
                                       @BeanInject("noteSchema") NoteSchema schema) {
        return new SummaryPrompt(model, temperature, maxTokens, responseFormat.strip(), schema);
    }

    @BindToRegistry("chatCompletions")
    public ChatCompletions chatCompletions(@PropertyInject("llm.base-url") String baseUrl,
                                           @PropertyInject("llm.model") String model,
                                           @PropertyInject("llm.max-retry-after-ms") long maxRetryAfterMillis) {
        return new ChatCompletions(baseUrl, model, maxRetryAfterMillis);
    }

    @BindToRegistry("llmSettings")
    public LlmSettings llmSettings(@PropertyInject(value = "llm.api-key", defaultValue = "") String apiKey,
                                   @PropertyInject("llm.max-requests-per-minute") int perMinute,
                                   @PropertyInject("llm.rate-limit-window-ms") long windowMillis) {
        return new LlmSettings(apiKey, perMinute, windowMillis);
    }

    @BindToRegistry("llmBudget")
    public LlmBudget llmBudget(@PropertyInject("llm.price-input-usd-per-million") String inputPrice,
                               @PropertyInject("llm.price-output-usd-per-million") String outputPrice,
                               @PropertyInject("llm.chars-per-token") int charsPerToken,
                               @PropertyInject("llm.max-tokens") int maxTokens,
                               @PropertyInject("llm.daily-budget-usd") String dailyBudget,
                               @PropertyInject("llm.budget-warn-percent") int warnPercent) {
        return new LlmBudget(new BigDecimal(inputPrice.strip()), new BigDecimal(outputPrice.strip()), charsPerToken,
                maxTokens, new BigDecimal(dailyBudget.strip()), warnPercent);
    }
}
