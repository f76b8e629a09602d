package dev.leadline.intake;

import java.util.regex.Pattern;

import dev.leadline.web.TextCut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer's identities as WhatsApp gives them since 2026 (WHATSAPP_IDENTITIES.md §1 and §6): a
 * business-scoped user id (BSUID) kept byte for byte, the parent BSUID, and the username.
 */
final class CustomerIdentities {

    private static final Logger LOG = LoggerFactory.getLogger(CustomerIdentities.class);
    /** Country code, a period, an optional ENT. (parent BSUIDs), then 1-128 letters or digits (Kapso's SDK check). */
    private static final Pattern BSUID = Pattern.compile("[A-Z]{2}\\.(?:ENT\\.)?[A-Za-z0-9]{1,128}");

    private CustomerIdentities() {
    }

    /** The first of the candidates that is a BSUID; one that is not is logged and never used as a key. */
    static String bsuid(String... candidates) {
        for (String candidate : candidates) {
            if (candidate == null) {
                continue;
            }
            String trimmed = candidate.trim();  // the only normalisation allowed: never change case
            if (BSUID.matcher(trimmed).matches()) {
                return trimmed;
            }
            LOG.warn("Ignored a user id that is not a BSUID ({} characters)", trimmed.length());
        }
        return null;
    }

    /** A username is display only: kept as sent (with or without its '@'), cut to a sane length. */
    static String username(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                String trimmed = candidate.trim();
                return TextCut.head(trimmed, 100);
            }
        }
        return null;
    }

    /**
     * Meta gives a phone as international digits without '+': first of the candidates, or null. One
     * with a leading 0 is not international (a trunk 0, or the 00 prefix): it is left to be read in the
     * workspace's country.
     */
    static String internationalDigits(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                String trimmed = candidate.trim();
                return trimmed.startsWith("+") || trimmed.startsWith("0") ? trimmed : "+" + trimmed;
            }
        }
        return null;
    }
}
