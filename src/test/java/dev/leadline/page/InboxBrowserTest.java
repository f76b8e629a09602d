package dev.leadline.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadline.api.LeadWorkflow;
import dev.leadline.support.AxeCore;
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
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a sales inbox, in real headless Chromium against the real service and PostgreSQL: the list of
 * who waits for an answer (and its polling with If-None-Match), the pipeline board (drag and keyboard moves
 * along the workflow), the overview when no lead is open; and the guide's screenshots (docs/page.md) from a
 * seeded demo workspace. Each test has a workspace of its own, its leads sent in as signed webhooks.
 */
class InboxBrowserTest {

    static final ZoneId JAKARTA = ZoneId.of("Asia/Jakarta");

    static StubLlm llm;
    static LeadlineApp app;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        llm = new StubLlm();
        app = LeadlineApp.start(LeadlineApp.freshDataDir(), LeadlineApp.settings(llm.serviceProperties(),
                Map.of("summaries.enabled", "false")));
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
        browser.freshTab(app.uri("/").toString(), 1366, 900);
    }

    @AfterEach
    void screenshotAndConsole(TestInfo test) {
        browser.screenshot(test.getTestMethod().orElseThrow().getName());
        assertEquals(List.of(), browser.pageErrors());
    }

    /**
     * Ayu has waited three hours (past the hour's target: red), Bayu twenty minutes; Citra was answered. The
     * waiting come first, the longest first; each row has the last message (ours as "You: ..."), a relative
     * time and a pill of one width. "Needs a reply" keeps the waiting; a status change re-sorts the list.
     */
    @Test
    void theInboxPutsWhoWaitsFirstWithHowLongAndTheLastMessage() throws Exception {
        Tenant t = english(Tenant.create(app));
        ZonedDateTime now = ZonedDateTime.now(JAKARTA);
        String ayu = Workspaces.newPhone(), bayu = Workspaces.newPhone(), citra = Workspaces.newPhone();
        say(t, citra, "Citra Dijawab", "Berapa harga paket foto produk?", now.minusHours(5), true);
        say(t, citra, null, "Harga paket mulai 1,5 juta, Kak", now.minusHours(4), false);
        say(t, ayu, "Ayu Lama", "Kak, jadi bisa datang hari Sabtu?", now.minusHours(3).minusMinutes(10), true);
        say(t, bayu, "Bayu Baru", "Halo, mau tanya jadwal", now.minusMinutes(20), true);
        long ayuId = leadId(t, ayu), bayuId = leadId(t, bayu), citraId = leadId(t, citra);

        signIn(t.token);
        browser.until(d -> ids().size() == 3 ? true : null);
        assertEquals(List.of(ayuId, bayuId, citraId), ids(), "the waiting first, the longest waiting first, then the rest");
        WebElement ayuRow = row(ayuId);
        assertEquals("Kak, jadi bisa datang hari Sabtu?", text(ayuRow, "[data-testid=preview]"));
        assertEquals("3 hr. ago", text(ayuRow, "time"));
        WebElement ayuWaiting = ayuRow.findElement(By.cssSelector("[data-testid=waiting]"));
        assertEquals("waiting 3h", ayuWaiting.getText());
        assertEquals("true", ayuWaiting.getAttribute("data-overdue"));
        assertEquals("rgba(138, 28, 28, 1)", ayuWaiting.getCssValue("color"), "red past the target");
        WebElement bayuWaiting = row(bayuId).findElement(By.cssSelector("[data-testid=waiting]"));
        assertEquals("waiting 20m", bayuWaiting.getText());
        assertEquals("false", bayuWaiting.getAttribute("data-overdue"));
        assertFalse(bayuWaiting.getCssValue("color").equals(ayuWaiting.getCssValue("color")));
        assertEquals("You: Harga paket mulai 1,5 juta, Kak", text(row(citraId), "[data-testid=preview]"));
        assertTrue(row(citraId).findElements(By.cssSelector("[data-testid=waiting]")).isEmpty(), "answered: not waiting");

        // one width for every pill, whatever its word (it was a bar as wide as the column)
        List<Long> widths = browser.all("#lead-list [data-testid=status-pill]").stream().map(p -> (long) p.getRect().getWidth()).distinct().toList();
        assertEquals(1, widths.size(), widths.toString());
        assertTrue(widths.get(0) < 0.4 * browser.find("#lead-list").getRect().getWidth(), widths + " px wide");

        browser.find("#needs-reply").click();
        browser.until(d -> ids().equals(List.of(ayuId, bayuId)) ? true : null);
        browser.find("#needs-reply").click();
        browser.until(d -> ids().size() == 3 ? true : null);
        browser.find("#search").sendKeys("Citra");
        browser.until(d -> ids().equals(List.of(citraId)) ? true : null);
        browser.find("#search").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.until(d -> ids().size() == 3 ? true : null);

        // a status change re-sorts the list: with the filter on "new", Ayu, moved on, leaves it
        new org.openqa.selenium.support.ui.Select(browser.find("#status-filter")).selectByValue("new");
        browser.until(d -> ids().size() == 3 ? true : null);
        row(ayuId).click();
        browser.visible("#panel-body");
        new org.openqa.selenium.support.ui.Select(browser.find("#status-select")).selectByValue("contacted");
        browser.until(d -> ids().equals(List.of(bayuId, citraId)) ? true : null);
        assertEquals("contacted", app.queryString("SELECT status FROM lead WHERE id = ?", ayuId));
        assertEquals(List.of(), LeadPageBrowserTest.lowContrast(browser));
    }

    /**
     * While the tab is visible the list asks every 15 s with If-None-Match: nothing new is a 304 and nothing
     * else is asked; a new message shows without a reload.
     */
    @Test
    void newMessagesShowWithoutAReloadAndA304AsksNothingMore() throws Exception {
        Tenant t = english(Tenant.create(app));
        say(t, Workspaces.newPhone(), "Gita Awal", "Halo", ZonedDateTime.now(JAKARTA).minusHours(1), true);
        signIn(t.token);
        browser.until(d -> ids().size() == 1 ? true : null);
        browser.script("window.sameDocument = true");
        // The ETag also turns with the minute: a poll may find that changed once; the one after it is a 304.
        Object notModified = longWait(60).until(d -> browser.script("""
                const polls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/leads'));
                const i = polls.findIndex((e) => e.responseStatus === 304);
                return i < 0 ? null : polls[i].startTime;"""));
        // nothing else was asked after a 304 (another poll, 304 again, aside)
        List<?> after = (List<?>) browser.script("""
                return performance.getEntriesByType('resource')
                  .filter((e) => e.startTime > arguments[0] && e.name.includes('/api/') && e.responseStatus !== 304)
                  .map((e) => e.name);""", notModified);
        assertEquals(List.of(), after);

        String phone = Workspaces.newPhone();
        say(t, phone, "Eka Sore", "Masih buka sore ini?", ZonedDateTime.now(JAKARTA), true);
        long eka = leadId(t, phone);
        longWait(40).until(d -> ids().contains(eka) ? true : null);
        assertEquals("Masih buka sore ini?", text(row(eka), "[data-testid=preview]"));
        assertEquals(Boolean.TRUE, browser.script("return window.sameDocument === true"), "no reload");
    }

    /**
     * The board: a column per status in the contract's order, counts from the overview, a page of cards and
     * "Load more"; a card dragged only onto the columns the workflow allows, and moved from the keyboard.
     */
    @Test
    void theBoardMovesCardsAlongTheWorkflowByDragAndByKeyboard() throws Exception {
        Tenant t = english(Tenant.create(app));
        ObjectNode[] events = new ObjectNode[52];
        long at = ZonedDateTime.now(JAKARTA).minusDays(2).toEpochSecond();
        for (int i = 0; i < events.length; i++) {
            events[i] = Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.board"), Workspaces.newPhone(), "Halo " + i, at + i);
        }
        ok(t.kapso(Webhooks.RECEIVED, Webhooks.batch(events)));
        String newest = Workspaces.newPhone();
        say(t, newest, "Nadia Papan", "Mau pesan untuk bulan depan", ZonedDateTime.now(JAKARTA).minusMinutes(5), true);
        long nadia = leadId(t, newest);

        signIn(t.token);
        browser.find("#view-board").click();
        assertEquals("true", browser.find("#view-board").getAttribute("aria-pressed"));
        List<String> statuses = new ArrayList<>();
        Webhooks.JSON.readTree(app.get("/api/openapi.json", null).body()).at("/components/schemas/LeadStatus/enum")
                .forEach(s -> statuses.add(s.asText()));
        browser.until(d -> columns().equals(statuses) ? true : null);
        browser.until(d -> "53".equals(count("new")) ? true : null);
        assertEquals("0", count("contacted"));
        assertEquals(50, cards("new").size());
        column("new").findElement(By.cssSelector(".more")).click();
        browser.until(d -> cards("new").size() == 53 ? true : null);

        WebElement card = card(nadia);
        @SuppressWarnings("unchecked")
        Map<String, Object> drag = (Map<String, Object>) browser.script("""
                const [card, target] = arguments, dt = new DataTransfer();
                const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
                fire(card, 'dragstart');
                const marked = [...document.querySelectorAll('[data-testid=column].drop-target')].map((c) => c.dataset.status);
                const taken = [...document.querySelectorAll('[data-testid=column]')].filter((c) => !fire(c, 'dragover')).map((c) => c.dataset.status);
                fire(target, 'drop');
                fire(card, 'dragend');
                return { marked, taken };""", card, column("contacted"));
        List<String> next = new LeadWorkflow().next("new");
        assertEquals(next, drag.get("marked"), "the columns the workflow allows, shown as drop targets");
        assertEquals(next, drag.get("taken"), "and only they take the card");
        browser.until(d -> "contacted".equals(statusOf(nadia)) ? true : null);
        browser.until(d -> "1".equals(count("contacted")) && "52".equals(count("new")) ? true : null);
        browser.until(d -> cards("contacted").size() == 1 ? true : null);

        // a drop on a column the workflow does not allow changes nothing
        browser.script("""
                const [card, target] = arguments, dt = new DataTransfer();
                const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
                fire(card, 'dragstart'); fire(target, 'dragover'); fire(target, 'drop'); fire(card, 'dragend');""",
                card(nadia), column("won"));
        Thread.sleep(300);
        assertEquals("contacted", statusOf(nadia));

        // from the keyboard: the card's "Move to" menu, the arrow key choosing the first move (qualified)
        WebElement menu = card(nadia).findElement(By.cssSelector("select.move"));
        menu.sendKeys(Keys.ARROW_DOWN);
        browser.until(d -> "qualified".equals(statusOf(nadia)) ? true : null);
        browser.until(d -> cards("qualified").size() == 1 && "1".equals(count("qualified")) ? true : null);
        assertEquals(String.valueOf(nadia), cards("qualified").get(0).getAttribute("data-lead-id"));
        assertTrue(browser.find("#board-state").getText().contains("moved to qualified"), browser.find("#board-state").getText());

        // moved on elsewhere meanwhile (to proposal): the board's card, still under qualified, is a stale choice,
        // even where the move would be allowed from proposal too (lost): refused, said, and the board redrawn
        move(t, nadia, "proposal");
        new org.openqa.selenium.support.ui.Select(card(nadia).findElement(By.cssSelector("select.move"))).selectByValue("lost");
        String said = browser.textContains("#board-state", "meanwhile");
        assertTrue(said.startsWith("Not moved: Nadia Papan was changed meanwhile"), said);
        assertEquals("proposal", statusOf(nadia));
        browser.until(d -> cards("proposal").size() == 1 && cards("qualified").isEmpty() ? true : null);

        // a card opens its lead in the panel
        card(nadia).findElement(By.cssSelector(".card-open")).click();
        assertEquals("Nadia Papan", browser.textContains("#lead-name", "Nadia"));
        assertEquals("true", browser.find("#view-list").getAttribute("aria-pressed"));

        // at phone width the board scrolls inside itself, never the page
        browser.resize(390, 844);
        browser.find("#back").click();
        browser.find("#view-board").click();
        browser.until(d -> cards("proposal").size() == 1 ? true : null);
        assertTrue((Long) browser.script("return document.documentElement.scrollWidth") <= 390L,
                "page " + browser.script("return document.documentElement.scrollWidth") + " px wide");
    }

    /**
     * With no lead open, the overview: leads per status, waiting, overdue, new today, and the time to first
     * response per day (median, p90) as an SVG with a title and a table of the same figures.
     */
    @Test
    void theOverviewShowsCountsAndTheResponseChartWithATableWhenNoLeadIsOpen() throws Exception {
        Tenant t = english(Tenant.create(app));
        ZonedDateTime now = ZonedDateTime.now(JAKARTA);
        String answered = Workspaces.newPhone(), slow = Workspaces.newPhone();
        say(t, answered, "Rina Cepat", "Ada promo?", now.minusMinutes(50), true);
        say(t, answered, null, "Ada, Kak: diskon 10%", now.minusMinutes(40), false);
        say(t, slow, "Sandi Lambat", "Bisa kirim katalog?", now.minusHours(2), true);
        say(t, Workspaces.newPhone(), "Tono Tunggu", "Halo", now.minusMinutes(10), true);
        JsonNode api = Webhooks.JSON.readTree(app.get("/api/overview", t.token).body());

        signIn(t.token);
        WebElement overview = browser.visible("#overview");
        browser.until(d -> browser.find("#overview-body").isDisplayed() ? true : null);
        assertEquals("2", figure("overview-waiting"));
        assertEquals("1", figure("overview-overdue"));
        assertEquals(api.get("newToday").asText(), figure("overview-new-today"));
        for (WebElement s : browser.all("[data-testid=overview-status]")) {
            String status = s.getAttribute("data-status");
            assertEquals(String.valueOf(app.queryLong("SELECT count(*) FROM lead WHERE workspace_id = ? AND status = ?", t.workspaceId, status)),
                    s.findElement(By.cssSelector(".value")).getText(), status);
        }
        assertEquals(6, browser.all("[data-testid=overview-status]").size());

        WebElement chart = browser.find("[data-testid=response-chart]");
        assertEquals("img", chart.getAttribute("role"));
        assertEquals("Time to first response, last 14 days",
                browser.script("return arguments[0].querySelector('title').textContent", chart));
        int answeredDays = 0;
        for (JsonNode day : api.get("responseTimes")) {
            answeredDays += day.get("answered").asInt() > 0 ? 1 : 0;
        }
        assertEquals(1, answeredDays, api.toString());
        assertEquals(answeredDays, chart.findElements(By.cssSelector("circle.median")).size(), "a median dot per answered day");
        assertEquals(answeredDays, chart.findElements(By.cssSelector("rect.p90")).size(), "a p90 square per answered day");
        List<WebElement> table = browser.all("[data-testid=response-row]");
        assertEquals(14, table.size());
        browser.find("#response-chart summary").click();
        WebElement today = table.get(13);
        assertEquals("1", today.findElements(By.tagName("td")).get(0).getText());
        assertEquals("10m", today.findElements(By.tagName("td")).get(1).getText(), "the answer took ten minutes");

        // a lead open: the panel takes the overview's place; Escape gives it back
        browser.all("[data-testid=lead-row]").get(0).click();
        browser.visible("#panel-body");
        assertFalse(overview.isDisplayed());
        browser.find("body").sendKeys(Keys.ESCAPE);
        browser.visible("#overview");
        assertEquals(List.of(), LeadPageBrowserTest.lowContrast(browser));
    }

    /**
     * The guide's pictures (docs/page.md), from a demo workspace as a salesperson in Indonesia has it (its
     * locale id-ID, the workspace's default): target/screenshots/guide-*.png, copied to docs/screenshots/.
     */
    @Test
    void screenshotsForTheGuideFromADemoWorkspace() throws Exception {
        Tenant t = Tenant.create(app);
        ZonedDateTime now = ZonedDateTime.now(JAKARTA);
        String dewi = Workspaces.newPhone(), budi = Workspaces.newPhone(), sari = Workspaces.newPhone(), andi = Workspaces.newPhone();
        String rina = Workspaces.newPhone(), yoga = Workspaces.newPhone(), maya = Workspaces.newPhone();
        // two weeks of answered questions, for the chart: three a day (but Sundays), answered in minutes to hours
        String[] names = {"Agus", "Bella", "Cahya", "Dimas", "Eva", "Fajar", "Gilang", "Hana", "Intan", "Joko", "Kevin", "Lusi", "Mega"};
        String[] families = {"Wijaya", "Putri", "Halim"};
        for (int d = 13; d >= 1; d--) {
            if (now.minusDays(d).getDayOfWeek() == java.time.DayOfWeek.SUNDAY) {
                continue;
            }
            for (int k = 0; k < 3; k++) {
                String p = Workspaces.newPhone();
                int minutes = new int[] {6, 18, 45}[k] + (d * 7 + k * 11) % 40 + (k == 2 && d % 3 == 0 ? 90 : 0);
                ZonedDateTime asked = now.minusDays(d).withHour(9 + k * 3).withMinute(5);
                say(t, p, names[d - 1] + " " + families[k], "Halo, masih ada slot minggu ini?", asked, true);
                say(t, p, null, "Masih ada, Kak. Mau hari apa?", asked.plusMinutes(minutes), false);
            }
        }
        say(t, budi, "Budi Santoso", "Halo, berapa harga paket social media bulanan?", now.minusDays(1).minusHours(3), true);
        say(t, budi, null, "Paket bulanan mulai Rp 1.500.000. Mau saya kirim rinciannya?", now.minusDays(1).minusHours(2), false);
        say(t, budi, null, "Boleh, kirim ke email saya ya. Kalau ambil 3 bulan ada diskon?", now.minusHours(2).minusMinutes(40), true);
        say(t, dewi, "Dewi Lestari", "Kak, bisa kirim contoh hasil foto outdoor?", now.minusMinutes(35), true);
        say(t, sari, "Sari Wulandari", "Jadi booking untuk tanggal 14 ya", now.minusHours(6), true);
        say(t, sari, null, "Siap, sudah kami catat. DP bisa transfer hari ini", now.minusHours(5), false);
        say(t, andi, "Andi Pratama", "Terima kasih, nanti saya kabari lagi", now.minusDays(3), true);
        say(t, andi, null, "Baik Kak, ditunggu kabarnya", now.minusDays(3).plusMinutes(15), false);
        say(t, rina, "Rina Kusuma", "Apakah bisa video juga?", now.minusMinutes(8), true);
        say(t, yoga, "Yoga Saputra", "Harga final berapa untuk 2 hari?", now.minusHours(1).minusMinutes(30), true);
        say(t, maya, "Maya Anggraini", "Oke deal, saya transfer besok", now.minusDays(2), true);
        say(t, maya, null, "Terima kasih Kak Maya!", now.minusDays(2).plusMinutes(5), false);
        move(t, leadId(t, sari), "contacted", "qualified", "proposal");
        move(t, leadId(t, andi), "contacted");
        move(t, leadId(t, maya), "contacted", "qualified", "proposal", "won");
        move(t, leadId(t, yoga), "contacted", "qualified");
        long budiId = leadId(t, budi);
        ObjectNode note = Webhooks.JSON.createObjectNode().put("summary", "Budi menanyakan harga paket social media "
                + "bulanan; kami kirim harga mulai Rp 1.500.000 dan menawarkan rincian. Ia minta dikirim ke email dan "
                + "bertanya diskon untuk 3 bulan: belum dijawab.");
        note.putArray("topics").add("paket social media").add("harga").add("diskon 3 bulan");
        note.putArray("openQuestions").add("Kalau ambil 3 bulan ada diskon?");
        note.put("nextStep", "Kirim rincian ke email dan jawab soal diskon").put("sentiment", "positive").put("intent", "buying");
        llm.enqueue(StubLlm.Fault.content(note.toString()));
        ok(app.call("POST", "/api/summaries/run?date=" + now.minusDays(1).minusHours(2).toLocalDate() + "&leadId=" + budiId, null, t.token));
        ok(app.call("POST", "/api/leads/" + budiId + "/notes", "{\"content\": \"Minta diskon 3 bulan: tanya manajer dulu.\", \"author\": \"Ana Sales\"}", t.token));

        signIn(t.token);
        browser.until(d -> ids().size() >= 7 && browser.find("#overview-body").isDisplayed() ? true : null);
        guide("inbox");
        browser.find("#response-chart summary").click();
        browser.script("document.getElementById('response-chart').scrollIntoView()");
        guide("overview");
        browser.script("window.scrollTo(0, 0)");
        row(budiId).click();
        browser.textContains("#pinned-summary-text", "Budi");
        browser.until(d -> browser.all("[data-testid=message]").size() == 3 ? true : null);
        browser.until(d -> !browser.all("[data-testid=timeline-item][data-kind=manual]").isEmpty() ? true : null);
        guide("panel");
        browser.find("#view-board").click();
        browser.until(d -> cards("won").size() == 1 ? true : null);
        guide("board");
        browser.find("#view-list").click();
        browser.resize(390, 844);
        browser.until(d -> ids().size() >= 7 ? true : null);
        assertTrue((Long) browser.script("return document.documentElement.scrollWidth") <= 390L,
                "rows with a preview, a pill and a waiting marker fit a phone: " + browser.script("return document.documentElement.scrollWidth"));
        guide("phone");
        for (String name : List.of("inbox", "overview", "panel", "board", "phone")) {
            assertTrue(Files.size(Browser.SCREENSHOTS.resolve("guide-" + name + ".png")) > 10_000, name);
        }
        assertEquals(5, accessibility.size());
        assertTrue(accessibility.values().stream().allMatch(List::isEmpty),
                "axe-core, WCAG 2.1 A and AA:\n" + AxeCore.describe(accessibility));
        // and the check can fail: an input without a label is found
        browser.script("const i = document.createElement('input'); i.id = 'unlabelled'; document.body.appendChild(i);");
        List<String> found = AxeCore.violations(browser);
        browser.script("document.getElementById('unlabelled').remove();");
        assertTrue(found.stream().anyMatch(v -> v.startsWith("label ")), found.toString());
    }

    // --- helpers

    /** Dates written as en-US writes them, for the cases that read them (the default is the country's: id-ID). */
    static Tenant english(Tenant t) throws Exception {
        try (var c = app.dataSource().getConnection();
             var english = c.prepareStatement("UPDATE workspace SET locale = 'en-US' WHERE id = ?")) {
            english.setLong(1, t.workspaceId);
            assertEquals(1, english.executeUpdate());
        }
        return t;
    }

    /** A message of the conversation with phone: the customer's (inbound) or ours, sent at the given time. */
    static void say(Tenant t, String phone, String name, String text, ZonedDateTime at, boolean inbound) throws Exception {
        ObjectNode event = Webhooks.received(t.phoneNumberId, Workspaces.unique("wamid.inbox"), phone, text, at.toEpochSecond());
        if (name != null) {
            ((ObjectNode) event.get("conversation").get("kapso")).put("contact_name", name);
        }
        ok(inbound ? t.kapso(Webhooks.RECEIVED, event) : t.kapso("whatsapp.message.sent", Webhooks.ours(event, "sent")));
    }

    /** Moves a lead through the given statuses, each with the version just read. */
    static void move(Tenant t, long id, String... statuses) throws Exception {
        for (String status : statuses) {
            HttpResponse<String> lead = app.get("/api/leads/" + id, t.token);
            ok(app.call("PATCH", "/api/leads/" + id, "{\"status\": \"" + status + "\", \"author\": \"Ana Sales\"}", t.token,
                    "If-Match", lead.headers().firstValue("ETag").orElseThrow()));
        }
    }

    /** Each view of the guide, checked by axe-core as it is screenshot. */
    static final Map<String, List<String>> accessibility = new java.util.LinkedHashMap<>();

    /**
     * A view of the guide: its screenshot in target/screenshots, and its accessibility checked. The pictures in
     * docs/screenshots are replaced only when asked (-Dleadline.docs-screenshots=true), so that a test run
     * leaves the repository as it was.
     */
    static void guide(String name) throws Exception {
        Path shot = browser.screenshot("guide-" + name);
        accessibility.put(name, AxeCore.violations(browser));
        if (Boolean.getBoolean("leadline.docs-screenshots")) {
            Path docs = Path.of("docs", "screenshots");
            Files.createDirectories(docs);
            Files.copy(shot, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void ok(HttpResponse<String> response) {
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
    }

    static long leadId(Tenant t, String phone) throws Exception {
        return app.queryLong("SELECT id FROM lead WHERE workspace_id = ? AND phone = ?", t.workspaceId, phone);
    }

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

    static WebDriverWait longWait(int seconds) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(seconds), Duration.ofMillis(200));
    }

    /** The lead ids of the list's rows, in their order. */
    @SuppressWarnings("unchecked")
    static List<Long> ids() {
        return ((List<String>) browser.script("return [...document.querySelectorAll('[data-testid=lead-row]')].map((r) => r.dataset.leadId)"))
                .stream().map(Long::valueOf).toList();
    }

    static WebElement row(long id) {
        return browser.find("[data-testid=lead-row][data-lead-id=\"" + id + "\"]");
    }

    static String text(WebElement in, String css) {
        return in.findElement(By.cssSelector(css)).getText();
    }

    static String figure(String testid) {
        return browser.find("[data-testid=" + testid + "] .value").getText();
    }

    @SuppressWarnings("unchecked")
    static List<String> columns() {
        return (List<String>) browser.script("return [...document.querySelectorAll('[data-testid=column]')].map((c) => c.dataset.status)");
    }

    static WebElement column(String status) {
        return browser.find("[data-testid=column][data-status=\"" + status + "\"]");
    }

    static String count(String status) {
        return (String) browser.script("const c = document.querySelector(`[data-testid=column][data-status=\"${arguments[0]}\"] [data-testid=column-count]`);"
                + " return c && c.textContent", status);
    }

    static List<WebElement> cards(String status) {
        return browser.all("[data-testid=column][data-status=\"" + status + "\"] [data-testid=card]");
    }

    static WebElement card(long id) {
        return browser.find("[data-testid=card][data-lead-id=\"" + id + "\"]");
    }
}
