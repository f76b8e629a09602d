package dev.leadline.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The locale a workspace's dates are written in (GET /api/workspace's locale): the one set for it, else the
 * usual one of its country from the JDK's locale data (ID: id-ID, DE: de-DE). Where a country has several
 * languages and none carries the country's own code (CH, IN, BE), English of that country when the JDK knows
 * it, then the first by tag: deterministic, and the admin API sets another.
 */
public final class WorkspaceLocales {

    /** The workspace row with its locale filled in when it has none. */
    public Map<String, Object> withLocale(Map<String, Object> workspace) {
        if (workspace != null && workspace.get("locale") == null) {
            workspace.put("locale", defaultFor((String) workspace.get("defaultCountry")));
        }
        return workspace;
    }

    static String defaultFor(String country) {
        if (country == null) {
            return "en";
        }
        String region = country.trim().toUpperCase(Locale.ROOT);
        Optional<Locale> usual = Arrays.stream(Locale.getAvailableLocales())
                .filter(l -> l.getCountry().equals(region) && l.getVariant().isEmpty() && l.getScript().isEmpty())
                .min(Comparator.comparing((Locale l) -> rank(l, region)).thenComparing(Locale::toLanguageTag));
        return usual.map(Locale::toLanguageTag).orElse("en-" + region);
    }

    private static int rank(Locale locale, String region) {
        String tag = locale.toLanguageTag();
        if (Arrays.stream(Locale.getAvailableLocales()).filter(l -> l.getCountry().equals(region)).count() == 1) {
            return 0;
        }
        if (locale.getLanguage().equalsIgnoreCase(region)) {
            return 0;
        }
        return tag.startsWith("en-") ? 1 : 2;
    }
}
