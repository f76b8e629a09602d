package dev.leadline.api;

import static dev.leadline.support.Webhooks.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /api/leads?q= finds a lead by any part of its number as people type it: the last digits, a middle
 * part, the national form with its trunk 0, the international form with or without + or 00, with
 * separators. Own workspace (default country ID), so a result is exactly what this class stored.
 */
class PhoneSearchTest {

    static final List<String> STORED = List.of("+6285248178111", "+6285207240711", "+14155552671", "+6281234567890");

    static LeadlineApp app;
    static String token;

    @BeforeAll
    static void seed() throws Exception {
        app = LeadlineApp.shared();
        String phoneNumberId = Workspaces.unique("pnid-phone-search-");
        token = Workspaces.unique("token-phone-search-");
        String secret = Workspaces.unique("secret-");
        Workspaces.create(app, phoneNumberId, secret, token);
        Webhooks webhooks = new Webhooks(app, secret);
        long at = 1_764_000_000L;
        for (String phone : STORED) {
            assertEquals(200, webhooks.kapso(Webhooks.received(phoneNumberId, Workspaces.unique("wamid.search"), phone,
                    "halo", at++)).statusCode());
        }
    }

    static List<String> search(String typed) throws Exception {
        HttpResponse<String> response = app.get("/api/leads?limit=200&q=" + URLEncoder.encode(typed, StandardCharsets.UTF_8), token);
        assertEquals(200, response.statusCode(), typed + " -> " + response.body());
        List<String> phones = new ArrayList<>();
        JSON.readTree(response.body()).get("items").forEach(item -> phones.add(item.get("phone").asText()));
        return phones;
    }

    @ParameterizedTest(name = "{1} finds {0}")
    @CsvSource(delimiter = '|', value = {
            // the last digits, 3 to 12 of them (the reported misses: 48178111 and 07240711)
            "+6285248178111 | 111",
            "+6285248178111 | 8111",
            "+6285248178111 | 78111",
            "+6285248178111 | 178111",
            "+6285248178111 | 8178111",
            "+6285248178111 | 48178111",
            "+6285248178111 | 248178111",
            "+6285248178111 | 5248178111",
            "+6285248178111 | 85248178111",
            "+6285248178111 | 285248178111",
            "+6285207240711 | 07240711",
            "+6285207240711 | 0711",
            "+6285207240711 | 0724",
            "+6285207240711 | 207 240 711",
            "+14155552671   | 555.2671",
            "+14155552671   | 4155552671",
            "+6281234567890 | 34567890",
            // a middle part, and a partial national number with its trunk 0
            "+6285248178111 | 8524817",
            "+6285248178111 | 0852 48",
            "+6281234567890 | 812 345",
            "+6281234567890 | 0812-345",
            // full numbers in every format
            "+6285248178111 | +6285248178111",
            "+6285248178111 | 6285248178111",
            "+6285248178111 | 085248178111",
            "+6285248178111 | 0852-4817-8111",
            "+6285248178111 | (0852) 4817 8111",
            "+6285248178111 | +62 852.4817.8111",
            "+6285248178111 | 0062 852 4817 8111",
            "+6285207240711 | 085207240711",
            "+6285207240711 | +62-852-0724-0711",
            "+6285207240711 | 62 852 0724 0711",
            "+14155552671   | +1 (415) 555-2671",
            "+14155552671   | 1-415-555-2671",
            "+14155552671   | 001 415 555 2671",
            "+6281234567890 | 081234567890",
    })
    void typedDigitsFindTheStoredNumber(String stored, String typed) throws Exception {
        List<String> found = search(typed);
        assertTrue(found.contains(stored), "q=" + typed + " finds " + stored + ", got " + found);
        // and only numbers that really hold the digits (as typed or in canonical form)
        for (String phone : found) {
            assertTrue(STORED.contains(phone), phone);
        }
    }

    /**
     * Digits of another script, as a phone keyboard or an input method may type them, are the same digits:
     * intake canonicalises them, so the search does too (Arabic-Indic, Extended Arabic-Indic, fullwidth,
     * Devanagari).
     */
    @ParameterizedTest(name = "{1} finds {0}")
    @CsvSource(delimiter = '|', value = {
            "+6285248178111 | \u0664\u0668\u0661\u0667\u0668\u0661\u0661\u0661",
            "+6285248178111 | \u0660\u0668\u0665\u0662 \u0664\u0668\u0661\u0667 \u0668\u0661\u0661\u0661",
            "+6285207240711 | \u06f0\u06f7\u06f2\u06f4\u06f0\u06f7\u06f1\u06f1",
            "+14155552671   | \uff0b\uff11 \uff08\uff14\uff11\uff15\uff09 \uff15\uff15\uff15-\uff12\uff16\uff17\uff11",
            "+6281234567890 | \u0969\u096a\u096b\u096c\u096d\u096e\u096f\u0966",
    })
    void digitsOfAnotherScriptFindTheStoredNumber(String stored, String typed) throws Exception {
        List<String> found = search(typed);
        assertTrue(found.contains(stored), "q=" + typed + " finds " + stored + ", got " + found);
        for (String phone : found) {
            assertTrue(STORED.contains(phone), phone);
        }
    }

    @ParameterizedTest(name = "{0} finds nothing")
    @ValueSource(strings = {"48178112", "0853", "+62 852 4817 8112", "99999", "0000"})
    void digitsNoNumberHoldsFindNothing(String typed) throws Exception {
        assertEquals(List.of(), search(typed));
    }

    @Test
    void aLongOrControlCharacterQIsStill400() throws Exception {
        for (String q : List.of("1".repeat(101), "0812\u0001345")) {
            HttpResponse<String> response = app.get("/api/leads?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token);
            assertEquals(400, response.statusCode(), response.body());
            assertEquals("bad_request", JSON.readTree(response.body()).get("error").asText());
        }
    }

    /**
     * The two phone patterns of list-leads.sql, OR'ed as there, are both answered from the GIN trigram
     * index on phone (a BitmapOr of two index scans); sequential scans are off because a test table is
     * small enough to scan. The whole statement's plan depends on the workspace's size: see the notes.
     */
    @Test
    void bothPhonePatternsAreServedByTheTrigramIndex() throws Exception {
        String sql;
        try (InputStream in = getClass().getResourceAsStream("/sql/api/list-leads.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(sql.contains("OR l.phone LIKE CAST(:#phonePattern AS text)\n       OR l.phone ^@ CAST(:#phoneCanonicalPrefix AS text)"), sql);
        StringBuilder plan = new StringBuilder();
        try (Connection c = app.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
            }
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN SELECT id FROM lead "
                    + "WHERE phone LIKE CAST(? AS text) OR phone ^@ CAST(? AS text)")) {
                explain.setString(1, "%48178111%");
                explain.setString(2, "+6285248178111");
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
            }
            c.rollback();
        }
        assertTrue(plan.toString().contains("BitmapOr"), plan.toString());
        assertTrue(plan.toString().contains("Bitmap Index Scan on lead_phone_trigram"), plan.toString());
        assertTrue(plan.toString().contains("Bitmap Index Scan on lead_phone_prefix"), plan.toString());
        assertTrue(!plan.toString().contains("Seq Scan"), plan.toString());
    }
}
