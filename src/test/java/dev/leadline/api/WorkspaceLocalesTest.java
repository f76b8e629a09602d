package dev.leadline.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A workspace without a locale writes dates as people in its country do; one that has a locale keeps it. */
class WorkspaceLocalesTest {

    @Test
    void theUsualLanguageOfTheCountry() {
        assertEquals("id-ID", WorkspaceLocales.defaultFor("ID"));
        assertEquals("pt-BR", WorkspaceLocales.defaultFor("BR"));
        assertEquals("de-CH", WorkspaceLocales.defaultFor("CH"));
        assertEquals("en-IN", WorkspaceLocales.defaultFor("in"));
        assertEquals("ja-JP", WorkspaceLocales.defaultFor("JP"));   // the only language the JDK has for it
        assertEquals("en-ZZ", WorkspaceLocales.defaultFor("ZZ"));   // a region the JDK does not know
    }

    @Test
    void aLocaleSetIsKept() {
        Map<String, Object> row = new HashMap<>(Map.of("defaultCountry", "ID"));
        row.put("locale", "en-GB");
        assertEquals("en-GB", new WorkspaceLocales().withLocale(row).get("locale"));
        row.put("locale", null);
        assertEquals("id-ID", new WorkspaceLocales().withLocale(row).get("locale"));
    }
}
