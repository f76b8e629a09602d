package dev.leadline.admin;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.leadline.api.ApiTokens;
import dev.leadline.web.ApiException;
import dev.leadline.web.JsonRequests;

/**
 * Validates the admin API's workspace requests and issues API tokens: a token is shown once, and only
 * its SHA-256 is stored.
 */
public final class WorkspaceRequests {

    static final Set<String> CREATE_FIELDS = Set.of("name", "phoneNumberId", "defaultCountry", "timeZone", "webhookSecret");
    static final Set<String> UPDATE_FIELDS = Set.of("name", "defaultCountry", "timeZone", "webhookSecret",
            "replyTargetMinutes", "locale", "retentionDays", "llmDailyBudgetUsd");
    /** A reply target from a minute to a week (the column's check says the same). */
    static final int MAX_REPLY_TARGET_MINUTES = 10_080;
    /** Messages kept from a day to a hundred years (the column's check says the same); null: kept. */
    static final int MAX_RETENTION_DAYS = 36_500;
    static final int MIN_SECRET = 16;
    /** The largest budget numeric(12, 2) holds, rounded down to a plain figure. */
    static final BigDecimal MAX_LLM_BUDGET = new BigDecimal("1000000000");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The parameters of insert-workspace.sql and the new token: 400 for an unknown, missing or bad field. */
    public Map<String, Object> create(Map<String, Object> request) {
        JsonRequests.onlyFields(request, CREATE_FIELDS);
        Map<String, Object> params = new HashMap<>();
        params.put("name", JsonRequests.text(request, "name", 200, true));
        String phoneNumberId = JsonRequests.text(request, "phoneNumberId", 40, true);
        if (!phoneNumberId.matches("[0-9]{5,40}")) {
            throw ApiException.badRequest("phoneNumberId must be the digits of the WhatsApp business phone_number_id");
        }
        params.put("phoneNumberId", phoneNumberId);
        params.put("defaultCountry", country(JsonRequests.text(request, "defaultCountry", 2, true)));
        params.put("timeZone", timeZone(JsonRequests.text(request, "timeZone", 64, true)));
        params.put("webhookSecret", secret(JsonRequests.text(request, "webhookSecret", 200, true)));
        return withNewToken(params);
    }

    /** The parameters of update-workspace.sql: 400 for an unknown or bad field, or none at all. */
    public Map<String, Object> update(Map<String, Object> request, long workspaceId) {
        JsonRequests.onlyFields(request, UPDATE_FIELDS);
        if (request.isEmpty()) {
            throw ApiException.badRequest("nothing to change: send one of " + UPDATE_FIELDS);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("workspaceId", workspaceId);
        params.put("name", JsonRequests.text(request, "name", 200, false));
        String country = JsonRequests.text(request, "defaultCountry", 2, false);
        params.put("defaultCountry", country == null ? null : country(country));
        String zone = JsonRequests.text(request, "timeZone", 64, false);
        params.put("timeZone", zone == null ? null : timeZone(zone));
        String secret = JsonRequests.text(request, "webhookSecret", 200, false);
        params.put("webhookSecret", secret == null ? null : secret(secret));
        params.put("replyTargetMinutes", replyTarget(request.get("replyTargetMinutes")));
        String locale = JsonRequests.text(request, "locale", 35, false);
        params.put("locale", locale == null ? null : locale(locale));
        params.put("retentionDaysGiven", request.containsKey("retentionDays"));
        params.put("retentionDays", retentionDays(request.get("retentionDays")));
        // present as null: the workspace's own budget goes, llm.daily-budget-usd applies again
        params.put("llmBudgetGiven", request.containsKey("llmDailyBudgetUsd"));
        params.put("llmDailyBudgetUsd", llmBudget(request.get("llmDailyBudgetUsd")));
        return params;
    }

    /** The parameters of issue-token.sql and the new token: 400 for a field other than revokeExisting. */
    public Map<String, Object> newToken(Map<String, Object> request, long workspaceId) {
        JsonRequests.onlyFields(request, Set.of("revokeExisting"));
        Map<String, Object> params = new HashMap<>();
        params.put("workspaceId", workspaceId);
        params.put("revokeExisting", JsonRequests.flag(request, "revokeExisting"));
        return withNewToken(params);
    }

    private static Integer replyTarget(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer minutes && minutes >= 1 && minutes <= MAX_REPLY_TARGET_MINUTES) {
            return minutes;
        }
        throw ApiException.badRequest("replyTargetMinutes must be a whole number of minutes from 1 to " + MAX_REPLY_TARGET_MINUTES);
    }

    private static Integer retentionDays(Object value) {
        if (value == null || value instanceof Integer days && days >= 1 && days <= MAX_RETENTION_DAYS) {
            return (Integer) value;
        }
        throw ApiException.badRequest("retentionDays must be a whole number of days from 1 to " + MAX_RETENTION_DAYS
                + ", or null to keep messages");
    }

    /** US dollars per day, 0 or more, in cents at most (the column is numeric(12, 2)): never rounded silently. */
    private static BigDecimal llmBudget(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            BigDecimal usd = new BigDecimal(number.toString());
            if (usd.signum() >= 0 && usd.stripTrailingZeros().scale() <= 2 && usd.compareTo(MAX_LLM_BUDGET) <= 0) {
                return usd;
            }
        }
        throw ApiException.badRequest("llmDailyBudgetUsd must be US dollars from 0 to " + MAX_LLM_BUDGET.toPlainString()
                + " with at most 2 decimals, or null for llm.daily-budget-usd");
    }

    /** A BCP 47 tag the JDK (and so a browser's Intl) reads as a language: id-ID, en, pt-BR. */
    private static String locale(String tag) {
        java.util.Locale locale = java.util.Locale.forLanguageTag(tag);
        if (locale.getLanguage().isEmpty() || !locale.toLanguageTag().equalsIgnoreCase(tag)) {
            throw ApiException.badRequest("locale must be a BCP 47 language tag such as id-ID or en");
        }
        return locale.toLanguageTag();
    }

    public long workspaceId(String id) {
        return JsonRequests.id(id, "workspace id");
    }

    /** 404 when the statement found no such workspace. */
    public void requireFound(Object row) {
        ApiException.requireFound(row, "no such workspace");
    }

    /** Adds the token, to show once, to what the SQL answered. */
    public Map<String, Object> withToken(Map<String, Object> row, String token) {
        Map<String, Object> answer = new LinkedHashMap<>(row);
        answer.put("apiToken", token);
        answer.put("apiTokenNote", "shown once: only its hash is stored");
        return answer;
    }

    private static Map<String, Object> withNewToken(Map<String, Object> params) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "ll_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        params.put("token", token);
        params.put("tokenSha256", ApiTokens.sha256(token));
        return params;
    }

    static String country(String code) {
        String upper = code.toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(upper)) {
            throw ApiException.badRequest("defaultCountry must be an ISO 3166 alpha-2 country code, e.g. ID");
        }
        return upper;
    }

    static String timeZone(String zone) {
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ApiException.badRequest("timeZone must be an IANA time zone, e.g. Asia/Jakarta");
        }
        return zone;
    }

    static String secret(String secret) {
        if (secret.length() < MIN_SECRET) {
            throw ApiException.badRequest("webhookSecret must have at least " + MIN_SECRET + " characters");
        }
        return secret;
    }
}
