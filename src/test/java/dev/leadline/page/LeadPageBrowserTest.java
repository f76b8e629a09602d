package dev.leadline.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.api.LeadWorkflow;
import dev.leadline.support.Browser;
import dev.leadline.support.LeadlineApp;
import dev.leadline.support.StubLlm;
import dev.leadline.support.Tenant;
import dev.leadline.support.Webhooks;
import dev.leadline.support.Workspaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;

/**
 * The web page in real headless Chromium (support/Browser), against the real service and PostgreSQL, its
 * data sent in as signed webhooks and its summaries written through a stub LLM.
 */
class LeadPageBrowserTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");
    /** The contract samples' day (kapso-message-received.json: 2025-11-25 09:00 WIB). */
    static final LocalDate SAMPLE_DAY = LocalDate.of(2025, 11, 25);
    /** "2 hours ago" as Indonesian writes it, short (ICU versions differ on "yang"). */
    static final java.util.regex.Pattern RELATIVE_ID = java.util.regex.Pattern.compile("2\\s+jam\\s+(yang\\s+)?lalu");

    static StubLlm llm;
    static LeadlineApp app;
    static Tenant tenant;
    static Browser browser;
    /** Budi Santoso of the contract samples: one message in, one out, his day summarised. */
    static long budi;

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(),
                Map.of("summaries.enabled", "false")));
        tenant = Tenant.create(app);
        ok(tenant.kapso(Webhooks.RECEIVED, tenant.kapsoSample("kapso-message-received.json")));
        ok(tenant.kapso("whatsapp.message.sent", tenant.kapsoSample("kapso-message-sent.json")));
        budi = leadId("+6281234567890");
        // This workspace writes dates as en-US does (the older cases read "Nov 25, 2025"); a workspace of its
        // country's default (id-ID) is timesAreInTheWorkspacesLocaleAndZoneAndRecentOnesRelative's.
        try (var c = app.dataSource().getConnection();
             var english = c.prepareStatement("UPDATE workspace SET locale = 'en-US' WHERE id = ?")) {
            english.setLong(1, tenant.workspaceId);
            assertEquals(1, english.executeUpdate());
        }
        ok(app.call("POST", "/api/summaries/run?date=" + SAMPLE_DAY + "&leadId=" + budi, null, tenant.token));
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        app.close();
        llm.close();
    }

    @BeforeEach
    void freshTab() {
        browser.freshTab(app.uri("/").toString(), 1280, 900);
    }

    @AfterEach
    void screenshotAndConsole(TestInfo test) {
        browser.screenshot(test.getTestMethod().orElseThrow().getName());
        assertNoPageErrors();
    }

    @Test
    void signInSearchByAPartialPhoneAndOpenTheLeadWithItsTranscriptAndDailySummary() throws Exception {
        signIn(tenant.token);
        lead("Sari Wulandari", "Selamat pagi", SAMPLE_DAY.atTime(10, 0)); // a second lead, for the search to leave out
        browser.find("#search").sendKeys("0812 3456");
        browser.until(d -> rows().size() == 1 && rows().get(0).getText().contains("Budi Santoso") ? true : null);
        WebElement row = rows().get(0);
        assertTrue(row.getText().contains("+6281234567890"), row.getText());
        // last activity in the workspace's zone (Asia/Jakarta): the reply at 09:01 WIB
        assertTrue(row.getText().contains("9:01"), row.getText());
        row.click();

        assertEquals("Budi Santoso", browser.textContains("#lead-name", "Budi"));
        assertEquals("+6281234567890", browser.find("#lead-phone").getText());
        assertEquals("1 message from them, 1 reply", browser.find("#message-counts").getText());

        browser.until(d -> messages().size() == 2 ? true : null);
        assertEquals("inbound", messages().get(0).getAttribute("data-direction"));
        assertTrue(messages().get(0).getText().contains("Halo, berapa harga paket social media bulanan?"));
        assertEquals("outbound", messages().get(1).getAttribute("data-direction"));
        assertFalse(messages().get(0).getCssValue("background-color").equals(messages().get(1).getCssValue("background-color")),
                "inbound and outbound look different");

        WebElement summary = browser.visible("[data-testid=timeline-item][data-kind=daily_summary]");
        String text = summary.getText();
        assertTrue(text.contains("Stub summary of a day"), text);
        assertTrue(text.contains("system-daily-summary"), text);
        assertTrue(text.contains(StubLlm.MODEL), text);
        assertTrue(text.matches("(?s).*\\d+ in / 12 out tokens.*"), text);
        assertTrue(text.contains("Nov 25, 2025"), text);
        // a note of the person signed in
        browser.find("#note-text").sendKeys("Sent the price list. Call back on Monday.");
        browser.find("#add-note").click();
        browser.visible("[data-testid=timeline-item][data-kind=manual]");
        browser.screenshot("lead-panel");
    }

    @Test
    void theStatusMenuOffersOnlyTheWorkflowsMovesAndAppliesAtOnceAndAChangeMadeMeanwhileIsShown() throws Exception {
        long id = lead("Dewi Status", "Mau tanya harga", SAMPLE_DAY.atTime(11, 0));
        signIn(tenant.token);
        openLead(id);
        assertEquals(new LeadWorkflow().next("new"), options());
        assertEquals("new", new Select(browser.find("#status-select")).getFirstSelectedOption().getAttribute("value"));
        // one choice, no second button: the change is sent as soon as it is chosen
        new Select(browser.find("#status-select")).selectByValue("contacted");
        browser.textContains("#lead-status", "contacted");
        browser.until(d -> "contacted".equals(statusOf(id)) ? true : null);
        assertEquals(new LeadWorkflow().next("contacted"), options());
        WebElement change = browser.visible("[data-testid=timeline-item][data-kind=status_change]");
        assertTrue(change.getText().contains("new → contacted"), change.getText());
        assertTrue(change.getText().contains("Ana Sales"), change.getText());
        browser.textContains("[data-testid=lead-row][aria-current]", "contacted");

        // Someone else moves the lead on meanwhile (another tab, another salesperson): the version this panel
        // holds is stale, so its choice is refused, and the panel says so and shows the newer status.
        HttpResponse<String> now = app.get("/api/leads/" + id, tenant.token);
        ok(app.call("PATCH", "/api/leads/" + id, "{\"status\": \"qualified\", \"author\": \"Budi Other\"}", tenant.token,
                "If-Match", now.headers().firstValue("ETag").orElseThrow()));
        new Select(browser.find("#status-select")).selectByValue("lost");
        String message = browser.textContains("#status-message", "meanwhile");
        assertTrue(message.contains("is now qualified"), message);
        assertEquals("qualified", app.queryString("SELECT status FROM lead WHERE id = ?", id));
        browser.textContains("#lead-status", "qualified");
        assertEquals(new LeadWorkflow().next("qualified"), options());
        // and from there a choice goes through, with the newer version
        new Select(browser.find("#status-select")).selectByValue("proposal");
        browser.until(d -> "proposal".equals(statusOf(id)) ? true : null);
        browser.textContains("#lead-status", "proposal");
        assertFalse(browser.find("#status-message").isDisplayed());
    }

    /**
     * The panel reads top down as a salesperson works: the latest AI summary pinned first (its day, the model
     * that wrote it, its fields: intent, sentiment, next step, open questions, topics; "Summarise again"), then the
     * conversation, then the timeline; WhatsApp one click away; the counts in words.
     */
    @Test
    void thePanelPinsTheLatestSummaryAboveTheConversationAndOpensWhatsApp() throws Exception {
        signIn(tenant.token);
        openLead(budi);
        String pinned = browser.textContains("#pinned-summary-text", "Stub summary of a day");
        assertFalse(pinned.isBlank());
        assertEquals(SAMPLE_DAY.toString(), browser.find("#pinned-summary-day").getAttribute("datetime"));
        assertTrue(browser.find("#pinned-summary-day").getText().contains("Nov 25, 2025"), browser.find("#pinned-summary-day").getText());
        assertEquals("by " + StubLlm.MODEL, browser.find("#pinned-summary-by").getText());
        // the note's fields (the stub answers in the note schema), each under its name
        browser.visible("#pinned-summary-fields");
        assertEquals("asking", browser.find("[data-testid=summary-intent]").getText());
        assertEquals("neutral", browser.find("[data-testid=summary-sentiment]").getText());
        assertEquals("Call the stub back.", browser.find("[data-testid=summary-next-step]").getText());
        assertEquals("Is the stub open?", browser.find("[data-testid=summary-open-questions]").getText());
        assertEquals("stub topic", browser.find("[data-testid=summary-topics]").getText());
        assertEquals("Intent Sentiment Next step Open questions Topics", String.valueOf(browser.script(
                "return [...document.querySelectorAll('#pinned-summary-fields dt')].map((d) => d.textContent).join(' ')")));
        assertFalse(browser.find("#pinned-summary-unstructured").isDisplayed());
        assertEquals(Boolean.TRUE, browser.script("""
                const [s, c, t] = ['pinned-summary', 'transcript', 'timeline'].map((id) => document.getElementById(id));
                const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
                return before(s, c) && before(c, t) && s.getBoundingClientRect().bottom <= c.getBoundingClientRect().top;"""),
                "summary, then conversation, then timeline");

        WebElement whatsApp = browser.visible("#open-whatsapp");
        assertEquals("https://wa.me/6281234567890", whatsApp.getAttribute("href"));
        assertEquals("Open in WhatsApp", whatsApp.getText());
        assertFalse(browser.find("#no-whatsapp").isDisplayed());
        assertEquals("1 message from them, 1 reply", browser.find("#message-counts").getText());
        assertFalse(browser.find("#lead-ids").isDisplayed(), "a lead known by phone has no WhatsApp ids to show");

        int before = llm.completions();
        browser.find("#summarise-again").click();
        String said = browser.textContains("#pinned-summary-state", "Summarised");
        assertTrue(said.matches("Summarised Tue, Nov 25, 2025: \\d+ notes? written\\."), said);
        assertEquals(before + 1, llm.completions(), "again means written anew, even when nothing changed");
        browser.textContains("#pinned-summary-text", "Stub summary");
        assertTrue(browser.find("#pinned-summary-day").getText().contains("Nov 25, 2025"));
    }

    /**
     * A customer WhatsApp withholds the number of (a username user): her header leads with her name or
     * @username, never the BSUID, which waits in the details; no WhatsApp link, and a line that says why.
     * An identity change reads in words on the timeline, its raw ids in the note's details.
     */
    @Test
    void aBsuidOnlyLeadShowsHerUsernameFirstAndTheIdsOnlyInDetails() throws Exception {
        String bsuid = "ID." + Workspaces.unique("7741");
        String parent = "ID.ENT." + Workspaces.unique("7742");
        ObjectNode event = Webhooks.receivedFrom(tenant.phoneNumberId, Workspaces.unique("wamid.page"), null, bsuid, parent,
                "@sari.tanpa.nomor", "Kak, bisa kirim contoh?", SAMPLE_DAY.atTime(15, 30).atZone(JAKARTA).toEpochSecond());
        ((ObjectNode) event.get("conversation").get("kapso")).remove("contact_name");
        ok(tenant.webhooks.kapso(event));
        long id = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND bsuid = ?", tenant.workspaceId, bsuid);
        assertNull(app.queryString("SELECT name FROM lead WHERE id = ?", id), "the case needs a lead without a name");
        signIn(tenant.token);
        browser.find("#search").sendKeys("sari.tanpa");
        browser.until(d -> rows().size() == 1 ? true : null);
        assertFalse(rows().get(0).getText().contains(bsuid), rows().get(0).getText());
        assertTrue(rows().get(0).getText().contains("@sari.tanpa.nomor"), rows().get(0).getText());
        rows().get(0).click();
        assertEquals("@sari.tanpa.nomor", browser.textContains("#lead-name", "@sari"));
        assertEquals("", browser.find("#lead-username").getText(), "the @username once, as the heading");
        assertFalse(browser.find(".identity").getText().contains("ID."), browser.find(".identity").getText());
        assertFalse(browser.find("#open-whatsapp").isDisplayed());
        assertTrue(browser.visible("#no-whatsapp").getText().contains("WhatsApp withheld"), browser.find("#no-whatsapp").getText());
        WebElement ids = browser.visible("#lead-ids");
        assertEquals(null, ids.getAttribute("open"));
        ids.findElement(org.openqa.selenium.By.tagName("summary")).click();
        assertEquals(bsuid, browser.visible("#lead-bsuid").getText());
        assertEquals(parent, browser.find("#lead-parent-bsuid").getText());

        // WhatsApp gives her a number and a new BSUID (Kapso contact.identity_changed)
        String phone = Workspaces.newPhone();
        String newBsuid = "ID." + Workspaces.unique("7743");
        ObjectNode change = Webhooks.sampleJson("kapso-contact-identity-changed.json");
        change.put("phone_number_id", tenant.phoneNumberId);
        ((ObjectNode) change.get("contact")).put("business_scoped_user_id", newBsuid).put("wa_id", phone.substring(1))
                .put("parent_business_scoped_user_id", parent).putNull("profile_name").putNull("display_name");
        ((ObjectNode) change.get("previous")).put("business_scoped_user_id", bsuid).put("parent_business_scoped_user_id", parent);
        ok(tenant.webhooks.kapso("whatsapp.contact.identity_changed", change.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        openLead(id);
        WebElement note = browser.visible("[data-testid=timeline-item][data-kind=identity_change]");
        String words = note.getText();
        assertTrue(words.contains(phone), words);
        assertFalse(words.contains(bsuid) || words.contains(newBsuid), "no raw BSUID outside the details: " + words);
        WebElement details = note.findElement(org.openqa.selenium.By.cssSelector("[data-testid=note-ids]"));
        assertTrue(details.getAttribute("textContent").contains(newBsuid), details.getAttribute("textContent"));
        assertEquals("https://wa.me/" + phone.substring(1), browser.visible("#open-whatsapp").getAttribute("href"));
    }

    /**
     * Times in the workspace's zone (Asia/Jakarta) and locale (GET /api/workspace locale; the browser's
     * language, en-US here, from a service without one), and the last seven days relative to now.
     */
    @Test
    void timesAreInTheWorkspacesLocaleAndZoneAndRecentOnesRelative() throws Exception {
        Tenant indonesian = Tenant.create(app);
        assertEquals("id-ID", Webhooks.JSON.readTree(app.get("/api/workspace", indonesian.token).body()).path("locale").asText(),
                "the default of a workspace in Indonesia");
        String recent = Workspaces.newPhone();
        ok(indonesian.webhooks.kapso(Webhooks.received(indonesian.phoneNumberId, Workspaces.unique("wamid.loc"), recent,
                "Masih ada slot minggu ini?", java.time.ZonedDateTime.now(JAKARTA).minusHours(2).minusMinutes(5).toEpochSecond())));
        String older = Workspaces.newPhone();
        ok(indonesian.webhooks.kapso(Webhooks.received(indonesian.phoneNumberId, Workspaces.unique("wamid.loc"), older,
                "Halo", SAMPLE_DAY.atTime(9, 1).atZone(JAKARTA).toEpochSecond())));
        long recentId = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", indonesian.workspaceId, recent);
        long olderId = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", indonesian.workspaceId, older);
        signIn(indonesian.token);
        // the rows are written again once the workspace's zone and locale are in: read them afresh each time
        browser.until(d -> RELATIVE_ID.matcher(String.valueOf(rowTime(recentId))).matches() ? true : null);
        String full = rowTime(olderId);
        assertTrue(full.contains("25 Nov 2025") && full.contains("09.01"), "an older time in full, Jakarta's 09:01, as id-ID writes it: " + full);
        openLead(recentId);
        browser.until(d -> messages().size() == 1 ? true : null);
        WebElement time = messages().get(0).findElement(org.openqa.selenium.By.cssSelector("time"));
        assertTrue(RELATIVE_ID.matcher(time.getText()).matches(), time.getText());
        assertFalse(time.getAttribute("title").isBlank(), "the full time on hover");
        // the waiting marker's span in the same locale
        String waiting = browser.find("[data-testid=lead-row][data-lead-id=\"" + recentId + "\"] [data-testid=waiting]").getText();
        assertEquals("waiting 2 j", waiting.replace('\u00A0', ' ').replace('\u202F', ' '));
    }

    @Test
    void addAndDeleteAManualNote() throws Exception {
        long id = lead("Nina Notes", "Halo", SAMPLE_DAY.atTime(12, 0));
        signIn(tenant.token);
        openLead(id);
        browser.find("#note-text").sendKeys("Call back on Monday <b>not bold</b>");
        browser.find("#add-note").click();
        WebElement note = browser.visible("[data-testid=timeline-item][data-kind=manual]");
        assertTrue(note.getText().contains("Call back on Monday <b>not bold</b>"), note.getText());
        assertTrue(note.getText().contains("Ana Sales"), note.getText());
        assertEquals(1, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", id));

        note.findElement(org.openqa.selenium.By.cssSelector("[data-testid=delete-note]")).click();
        browser.until(d -> browser.all("[data-testid=timeline-item][data-kind=manual]").isEmpty() ? true : null);
        assertEquals(0, app.queryLong("SELECT count(*) FROM note WHERE lead_id = ? AND kind = 'manual'", id));
    }

    @Test
    void summariseAChosenDayWithTheStubLlm() throws Exception {
        LocalDate day = LocalDate.of(2025, 11, 20);
        long id = lead("Rudi Ringkas", "Apakah ada diskon untuk paket tahunan?", day.atTime(14, 30));
        signIn(tenant.token);
        openLead(id);
        assertTrue(browser.all("[data-testid=timeline-item][data-kind=daily_summary]").isEmpty());
        int before = llm.completions();
        browser.script("arguments[0].value = arguments[1]", browser.find("#summary-day"), day.toString());
        browser.find("#summarise-day").click();
        String said = browser.textContains("#summary-message", "Summarised");
        assertTrue(said.contains("1 note written"), said);
        WebElement summary = browser.visible("[data-testid=timeline-item][data-kind=daily_summary]");
        assertTrue(summary.getText().contains("Stub summary"), summary.getText());
        assertTrue(summary.getText().contains("Nov 20, 2025"), summary.getText());
        assertEquals(before + 1, llm.completions());
        assertEquals(day.toString(), app.queryString("SELECT day::text FROM note WHERE lead_id = ? AND kind = 'daily_summary'", id));
    }

    @Test
    void hostileNamesAndMessagesRenderAsText() throws Exception {
        String name = "<img src=x onerror=alert(1)>";
        String text = "<script>window.pwned = 1; alert(2)</script> hi";
        long id = lead(name, text, SAMPLE_DAY.atTime(13, 0));
        signIn(tenant.token);
        browser.find("#search").sendKeys("onerror");
        browser.until(d -> rows().size() == 1 ? true : null);
        assertTrue(rows().get(0).getText().contains(name), rows().get(0).getText());
        rows().get(0).click();
        assertEquals(name, browser.textContains("#lead-name", "onerror"));
        browser.until(d -> messages().size() == 1 ? true : null);
        assertTrue(messages().get(0).getText().contains(text), messages().get(0).getText());

        assertThrows(NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
        assertEquals(0L, browser.script("return document.querySelectorAll('img').length"));
        assertEquals(0L, browser.script("return document.querySelectorAll('body script').length"));
        assertNull(browser.script("return window.pwned === undefined ? null : window.pwned"));
        assertEquals(String.valueOf(id), rows().get(0).getAttribute("data-lead-id"));
    }

    /**
     * A name with a right-to-left override and a tower of combining marks, and a username of 100 characters
     * with no space: the name reads in the order it was written and stays in its own box (isolated from the
     * text around it, its marks clipped to it), the username breaks; no horizontal scrollbar at phone or
     * desktop width.
     */
    @Test
    void aHostileNameAndALongUsernameStayInTheirBoxes() throws Exception {
        String name = "\u202Egnp.exe Andi Z" + "\u030D\u030E\u0304\u0305\u033F".repeat(16);
        String username = "@" + "w".repeat(99);
        String phone = Workspaces.newPhone();
        ObjectNode event = Webhooks.receivedFrom(tenant.phoneNumberId, Workspaces.unique("wamid.page"), phone, null, null,
                username, "Halo", SAMPLE_DAY.atTime(14, 0).atZone(JAKARTA).toEpochSecond());
        ((ObjectNode) event.get("conversation")).putObject("kapso").put("contact_name", name);
        ok(tenant.webhooks.kapso(event));
        long id = leadId(phone);
        signIn(tenant.token);
        for (int width : new int[] {390, 1366}) {
            browser.resize(width, 900);
            openLead(id);
            browser.textContains("#lead-username", "www");
            String at = width + " px: ";
            assertEquals(Boolean.TRUE, browser.script(
                    "const s = document.scrollingElement; return s.scrollWidth <= s.clientWidth"),
                    at + "a horizontal scrollbar: " + browser.script("return document.scrollingElement.scrollWidth"));
            for (String css : new String[] {"#lead-name", "#lead-username", ".lead-row[aria-current] .name", ".lead-row[aria-current] .who"}) {
                if (width < 760 && css.startsWith(".lead-row")) {
                    continue; // the panel replaces the list at phone width
                }
                assertEquals("isolate", browser.script("const e = document.querySelector(arguments[0]); "
                        + "return e.tagName === 'BDI' ? 'isolate' : getComputedStyle(e).unicodeBidi", css), at + css);
            }
            // "gnp" is drawn left of "Andi", as written: the override does not reverse the name
            assertEquals(Boolean.TRUE, browser.script("""
                    const text = document.getElementById('lead-name').firstChild;
                    const left = (word) => {
                      const i = text.textContent.indexOf(word), r = document.createRange();
                      r.setStart(text, i); r.setEnd(text, i + 1);
                      return r.getBoundingClientRect().left;
                    };
                    return left('gnp') < left('Andi');"""), at + "the name is shown reversed");
            // the combining marks are clipped to the name's box, which stays a few lines high
            WebElement nameBox = browser.find("#lead-name");
            assertTrue(List.of("hidden", "clip").contains(nameBox.getCssValue("overflow-y")), at + nameBox.getCssValue("overflow-y"));
            assertTrue(nameBox.getRect().getHeight() <= 4 * 1.2 * 15 * 1.45, at + "name box " + nameBox.getRect().getHeight() + " px high");
            assertTrue(List.of("hidden", "clip").contains(browser.find("#lead-username").getCssValue("overflow-y"))
                    || browser.find("#lead-username").getRect().getWidth() <= browser.find("#lead-panel").getRect().getWidth(), at);
            browser.screenshot("hostile-name-" + width + "px");
        }
    }

    @Test
    void aBadTokenShowsAClearMessageAndIsNotKept() {
        browser.find("#token").sendKeys("not-a-real-token");
        browser.find("#sign-in").click();
        String message = browser.textContains("#sign-in-error", "not accepted");
        assertTrue(message.contains("That token was not accepted"), message);
        assertNull(browser.script("return sessionStorage.getItem('leadline.token')"));
        assertFalse(browser.find("#app-view").isDisplayed());
    }

    @Test
    void signOutForgetsTheToken() {
        signIn(tenant.token);
        assertEquals(tenant.token, browser.script("return sessionStorage.getItem('leadline.token')"));
        assertFalse(browser.driver().getCurrentUrl().contains(tenant.token));
        browser.find("#sign-out").click();
        browser.visible("#token");
        assertNull(browser.script("return sessionStorage.getItem('leadline.token')"));
        assertEquals("", browser.script("return document.cookie"));
    }

    @Test
    void keyboardSlashSearchesArrowsMoveEnterOpens() throws Exception {
        lead("Kiki Keyboard", "Halo", SAMPLE_DAY.atTime(15, 0));
        signIn(tenant.token);
        browser.until(d -> rows().size() >= 2 ? true : null);
        browser.find("body").sendKeys("/");
        assertEquals("search", browser.driver().switchTo().activeElement().getAttribute("id"));
        browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_DOWN);
        assertEquals(rows().get(0).getAttribute("data-lead-id"), browser.driver().switchTo().activeElement().getAttribute("data-lead-id"));
        browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_DOWN);
        String second = rows().get(1).getAttribute("data-lead-id");
        assertEquals(second, browser.driver().switchTo().activeElement().getAttribute("data-lead-id"));
        browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.visible("#panel-body");
        String name = rows().get(1).findElement(org.openqa.selenium.By.cssSelector(".name")).getText();
        assertEquals(name, browser.textContains("#lead-name", name));
    }

    @Test
    void atPhoneWidthTheListAndThePanelFitTheScreen() {
        browser.resize(360, 740);
        signIn(tenant.token);
        browser.until(d -> !rows().isEmpty() ? true : null);
        assertTrue((Long) browser.script("return document.documentElement.scrollWidth") <= 360L);
        openLead(budi);
        browser.visible("[data-testid=timeline-item]");
        assertFalse(browser.find("#list-pane").isDisplayed(), "the panel replaces the list at phone width");
        assertTrue((Long) browser.script("return document.documentElement.scrollWidth") <= 360L);
        browser.screenshot("lead-panel-360px");
        browser.find("#back").click();
        browser.visible("[data-testid=lead-row]");
    }

    @Test
    void aWorkspaceWithNoLeadsSaysHowToGetOne() throws Exception {
        Tenant empty = Tenant.create(app);
        signIn(empty.token);
        String said = browser.textContains("#list-state", "No leads yet");
        assertTrue(said.contains("send a webhook"), said);
        assertTrue(rows().isEmpty());
    }

    @Test
    void anApiErrorIsShownInWords() {
        signIn(tenant.token);
        browser.until(d -> !rows().isEmpty() ? true : null);
        // a date the API refuses (more than a year ahead): its 400 detail, not a blank list
        browser.script("const i = arguments[0]; i.value = '2099-01-01'; i.dispatchEvent(new Event('change'))",
                browser.find("#active-since"));
        String said = browser.textContains("#list-state", "Could not load the leads");
        assertTrue(said.startsWith("Could not load the leads: activeSince must lie between 2000-01-01 and "), said);
        assertTrue(browser.find("#list-state").getAttribute("class").contains("error"));
    }

    @Test
    void mediaShowAsTheirReadableTextAndNeverAsALink() throws Exception {
        ObjectNode batch = Webhooks.sampleJson("kapso-batch.json");
        batch.withArray("data").forEach(e -> {
            ((ObjectNode) e).put("phone_number_id", tenant.phoneNumberId);
            ((ObjectNode) e.get("conversation")).put("phone_number_id", tenant.phoneNumberId);
        });
        ok(tenant.kapso(Webhooks.RECEIVED, batch));
        signIn(tenant.token);
        openLead(leadId("+6285712345678"));
        browser.until(d -> messages().size() == 2 ? true : null);
        String audio = messages().get(1).getText();
        assertTrue(audio.contains("Saya tertarik paket tiga bulan"), audio);
        assertTrue(audio.contains("audio"), audio);
        assertTrue(browser.all("#transcript a, #transcript audio, #transcript img").isEmpty());
        assertFalse(browser.find("#transcript").getText().contains("example.invalid"));
    }

    @Test
    void theTimelineComesAPageAtATime() throws Exception {
        long id = lead("Tia Timeline", "Halo", SAMPLE_DAY.atTime(16, 0));
        for (int i = 1; i <= 55; i++) {
            ok(app.call("POST", "/api/leads/" + id + "/notes", "{\"content\": \"note " + i + "\", \"author\": \"bulk\"}", tenant.token));
        }
        signIn(tenant.token);
        openLead(id);
        browser.until(d -> browser.all("[data-testid=timeline-item]").size() == 50 ? true : null);
        assertTrue(browser.all("[data-testid=timeline-item]").get(0).getText().contains("note 55"), "newest first");
        browser.visible("#older-notes").click();
        browser.until(d -> browser.all("[data-testid=timeline-item]").size() == 55 ? true : null);
        assertTrue(browser.all("[data-testid=timeline-item]").get(54).getText().contains("note 1"));
        assertFalse(browser.find("#older-notes").isDisplayed());
    }

    @Test
    void thePageRunsUnderAContentSecurityPolicyThatRefusesInlineScript() {
        signIn(tenant.token);
        browser.until(d -> !rows().isEmpty() ? true : null);
        // what an injected <script> would be: refused by the page's policy, and reported
        assertEquals(Boolean.TRUE, browser.script("const s = document.createElement('script');"
                + " s.textContent = 'window.inlineRan = 1'; document.body.append(s); s.remove();"
                + " return window.inlineRan === undefined"));
        browser.until(d -> browser.consoleErrors().stream().anyMatch(m -> m.contains("Content Security Policy")) ? true : null);
    }

    @Test
    void filtersByStatusAndActiveSinceAndLoadsMoreByCursor() throws Exception {
        Tenant busy = Tenant.create(app);
        ObjectNode[] events = new ObjectNode[55];
        for (int i = 0; i < events.length; i++) {
            long at = SAMPLE_DAY.minusDays(10).atTime(8, 0).plusMinutes(i).atZone(JAKARTA).toEpochSecond();
            events[i] = Webhooks.received(busy.phoneNumberId, Workspaces.unique("wamid.busy"), Workspaces.newPhone(), "Halo " + i, at);
        }
        ok(busy.kapso(Webhooks.RECEIVED, Webhooks.batch(events)));
        String recent = Workspaces.newPhone();
        ok(busy.webhooks.kapso(Webhooks.received(busy.phoneNumberId, Workspaces.unique("wamid.busy"), recent, "Halo lagi",
                SAMPLE_DAY.atTime(9, 30).atZone(JAKARTA).toEpochSecond())));
        // answered: it waits no more, so it comes after every waiting lead
        ok(busy.kapso("whatsapp.message.sent", Webhooks.ours(Webhooks.received(busy.phoneNumberId, Workspaces.unique("wamid.busy"),
                recent, "Sudah kami kirim", SAMPLE_DAY.atTime(9, 35).atZone(JAKARTA).toEpochSecond()), "sent")));
        long recentId = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", busy.workspaceId, recent);
        long longestWaiting = app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", busy.workspaceId,
                events[0].get("conversation").get("phone_number").asText());
        HttpResponse<String> lead = app.get("/api/leads/" + recentId, busy.token);
        ok(app.call("PATCH", "/api/leads/" + recentId, "{\"status\": \"contacted\"}", busy.token,
                "If-Match", lead.headers().firstValue("ETag").orElseThrow()));

        signIn(busy.token);
        browser.until(d -> rows().size() == 50 ? true : null);
        assertEquals(String.valueOf(longestWaiting), rows().get(0).getAttribute("data-lead-id"), "the longest waiting first");
        browser.visible("#load-more").click();
        browser.until(d -> rows().size() == 56 ? true : null);
        assertEquals(String.valueOf(recentId), rows().get(55).getAttribute("data-lead-id"), "the answered lead after every waiting one");
        // The others (awaitingReply=false) are one lead: the list ends there, with nothing more to load.
        browser.until(d -> !browser.find("#load-more").isDisplayed() ? true : null);
        assertEquals(56, rows().size());

        new Select(browser.find("#status-filter")).selectByValue("contacted");
        browser.until(d -> rows().size() == 1 && rows().get(0).getText().contains("contacted") ? true : null);
        new Select(browser.find("#status-filter")).selectByValue("");
        browser.until(d -> rows().size() == 50 ? true : null);

        browser.script("const i = arguments[0]; i.value = arguments[1]; i.dispatchEvent(new Event('change'))",
                browser.find("#active-since"), SAMPLE_DAY.minusDays(1).toString());
        browser.until(d -> rows().size() == 1 ? true : null);
        assertEquals(String.valueOf(recentId), rows().get(0).getAttribute("data-lead-id"));
    }

    @Test
    void aTokenRevokedMeanwhileSignsOutWithTheReason() throws Exception {
        Tenant revoked = Tenant.create(app);
        ok(revoked.webhooks.kapso(Webhooks.received(revoked.phoneNumberId, Workspaces.unique("wamid.rv"), Workspaces.newPhone(),
                "Halo", SAMPLE_DAY.atTime(9, 0).atZone(JAKARTA).toEpochSecond())));
        signIn(revoked.token);
        browser.until(d -> rows().size() == 1 ? true : null);
        try (var c = app.dataSource().getConnection();
             var revoke = c.prepareStatement("UPDATE api_token SET revoked_at = now() WHERE workspace_id = ?")) {
            revoke.setLong(1, revoked.workspaceId);
            assertEquals(1, revoke.executeUpdate());
        }
        rows().get(0).click();
        String said = browser.textContains("#sign-in-error", "Signed out");
        assertTrue(said.length() > "Signed out: ".length(), said);
        assertNull(browser.script("return sessionStorage.getItem('leadline.token')"));
        assertTrue(browser.all("[data-testid=lead-row]").isEmpty(), "no lead of the workspace left on screen");
    }

    @Test
    void summariseYesterdayInTheWorkspacesZone() throws Exception {
        LocalDate yesterday = LocalDate.now(JAKARTA).minusDays(1);
        long id = lead("Yanto Kemarin", "Kapan bisa mulai?", yesterday.atTime(10, 0));
        signIn(tenant.token);
        openLead(id);
        browser.find("#summarise-yesterday").click();
        String said = browser.textContains("#summary-message", "Summarised");
        assertTrue(said.contains("1 note written"), said);
        WebElement summary = browser.visible("[data-testid=timeline-item][data-kind=daily_summary]");
        assertEquals(yesterday.toString(), summary.findElement(org.openqa.selenium.By.cssSelector("time")).getAttribute("datetime"));
        assertEquals(yesterday.toString(), app.queryString("SELECT day::text FROM note WHERE lead_id = ? AND kind = 'daily_summary'", id));
    }

    /**
     * WCAG's contrast ratio of every visible text against the background it is drawn on: 4.5:1 or more, in each
     * view: the inbox with the overview, a lead's panel, the pipeline board.
     */
    @Test
    void everyTextHasReadableContrast() throws Exception {
        signIn(tenant.token);
        browser.until(d -> !rows().isEmpty() ? true : null);
        browser.until(d -> browser.find("#overview-body").isDisplayed() ? true : null);
        browser.find("#response-chart summary").click();
        assertEquals(List.of(), lowContrast(browser), "the inbox and the overview");
        openLead(budi);
        browser.visible("[data-testid=timeline-item]");
        browser.until(d -> !messages().isEmpty() ? true : null);
        browser.visible("#pinned-summary-body");
        assertEquals(List.of(), lowContrast(browser), "a lead's panel");
        browser.find("#view-board").click();
        browser.until(d -> !browser.all("[data-testid=card]").isEmpty() ? true : null);
        assertEquals(List.of(), lowContrast(browser), "the board");
    }

    /** The visible texts (and the SVG's) whose contrast against their background is under 4.5:1. */
    @SuppressWarnings("unchecked")
    static List<String> lowContrast(Browser browser) {
        return (List<String>) browser.script("""
                const lum = (c) => {
                  const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
                    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const background = (el) => {
                  for (; el; el = el.parentElement) {
                    const c = getComputedStyle(el).backgroundColor, m = c.match(/[\\d.]+/g);
                    if (m && (m.length < 4 || Number(m[3]) > 0)) return c;
                  }
                  return 'rgb(255, 255, 255)';
                };
                const low = [];
                for (const el of document.querySelectorAll('body *')) {
                  if (!el.getClientRects().length) continue;
                  if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
                  if (el.closest('title, desc')) continue;
                  // SVG text is drawn in its fill, not its color
                  const ink = el instanceof SVGElement ? getComputedStyle(el).fill : getComputedStyle(el).color;
                  const a = lum(ink), b = lum(background(el));
                  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                  if (ratio < 4.5) low.push(`${el.tagName}.${el.className.baseVal ?? el.className} ${ratio.toFixed(2)}: ${el.textContent.trim().slice(0, 40)}`);
                }
                return low;""");
    }

    // --- helpers

    static void ok(HttpResponse<String> response) {
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
    }

    static long leadId(String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", tenant.workspaceId, phone);
    }

    /** A new lead of the tenant: one received message at the given Jakarta time, from the given name. */
    static long lead(String name, String text, java.time.LocalDateTime at) throws Exception {
        String phone = Workspaces.newPhone();
        ObjectNode event = Webhooks.received(tenant.phoneNumberId, Workspaces.unique("wamid.page"), phone, text,
                at.atZone(JAKARTA).toEpochSecond());
        ((ObjectNode) event.get("conversation").get("kapso")).put("contact_name", name);
        ok(tenant.webhooks.kapso(event));
        return leadId(phone);
    }

    static String rowTime(long id) {
        return (String) browser.script(
                "const t = document.querySelector(`[data-testid=lead-row][data-lead-id=\"${arguments[0]}\"] time`); return t && t.textContent",
                String.valueOf(id));
    }

    /** The lead's status in the database (for a wait: unchecked). */
    static String statusOf(long id) {
        try {
            return app.queryString("SELECT status FROM lead WHERE id = ?", id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void signIn(String token) {
        browser.visible("#token").sendKeys(token);
        browser.find("#author").sendKeys("Ana Sales");
        browser.find("#sign-in").click();
        browser.visible("#app-view");
    }

    void openLead(long id) {
        WebElement row = browser.until(d -> rows().stream()
                .filter(r -> r.getAttribute("data-lead-id").equals(String.valueOf(id))).findFirst().orElse(null));
        row.click();
        browser.visible("#panel-body");
        browser.until(d -> !browser.find("#timeline-state").getText().startsWith("Loading") ? true : null);
    }

    static List<WebElement> rows() {
        return browser.all("[data-testid=lead-row]");
    }

    static List<WebElement> messages() {
        return browser.all("[data-testid=message]");
    }

    /** The moves the status menu offers (its options after the current status, which comes first). */
    static List<String> options() {
        return browser.until(d -> {
            List<String> values = new Select(browser.find("#status-select")).getOptions().stream()
                    .map(o -> o.getAttribute("value")).toList();
            return values.size() < 2 ? null : values.subList(1, values.size());
        });
    }

    /** No script error and no Content-Security-Policy violation reached the console. */
    void assertNoPageErrors() {
        assertEquals(List.of(), browser.pageErrors());
    }
}
