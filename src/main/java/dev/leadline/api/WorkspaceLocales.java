package dev.leadline.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The locale a workspace's dates are written in (GET /api/workspace's locale): the one set for it, else the
 * usual one of its country. The JDK knows which languages each country has but not which one most people
 * there use, so the language of the markets where the JDK offers several is named here (BR: Portuguese, not
 * Spanish; CH: German); any other country takes its only language, or the one named like the country, or
 * English of that country, or the first by tag. The admin API sets another.
 */
public final class WorkspaceLocales {

    private static final Map<String, String> LANGUAGE_OF = Map.ofEntries(
            Map.entry("ID", "id"), Map.entry("BR", "pt"), Map.entry("PT", "pt"), Map.entry("IN", "en"),
            Map.entry("CH", "de"), Map.entry("AT", "de"), Map.entry("DE", "de"), Map.entry("BE", "nl"),
            Map.entry("NL", "nl"), Map.entry("CA", "en"), Map.entry("US", "en"), Map.entry("GB", "en"),
            Map.entry("IE", "en"), Map.entry("AU", "en"), Map.entry("PH", "en"), Map.entry("SG", "en"),
            Map.entry("NG", "en"), Map.entry("KE", "en"), Map.entry("ZA", "en"), Map.entry("PK", "en"),
            Map.entry("MY", "ms"), Map.entry("ES", "es"), Map.entry("MX", "es"), Map.entry("CO", "es"),
            Map.entry("AR", "es"), Map.entry("CL", "es"), Map.entry("PE", "es"), Map.entry("FR", "fr"),
            Map.entry("LU", "fr"), Map.entry("CM", "fr"), Map.entry("IT", "it"), Map.entry("EG", "ar"),
            Map.entry("MA", "ar"), Map.entry("DZ", "ar"), Map.entry("TN", "ar"), Map.entry("SA", "ar"),
            Map.entry("AE", "ar"), Map.entry("IL", "he"), Map.entry("FI", "fi"), Map.entry("TR", "tr"),
            Map.entry("RU", "ru"), Map.entry("UA", "uk"), Map.entry("CN", "zh"), Map.entry("TW", "zh"),
            Map.entry("HK", "zh"), Map.entry("VN", "vi"), Map.entry("TH", "th"));

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
        if (LANGUAGE_OF.containsKey(region)) {
            return new Locale(LANGUAGE_OF.get(region), region).toLanguageTag();
        }
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
