package dev.leadline.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.leadline.support.Browser;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The built-in web page in headless Chromium (support/Browser: Debian's chromium, no download), on the read
 * benchmark's data (N leads, M notes, the newest lead with {@link ReadApiBenchmark#HOT_LEAD_NOTES} notes),
 * measured in the browser:
 * <ul>
 *   <li>a load of the signed-in page (the token in sessionStorage, as after a reload) to the lead list's first row,
 *       with the browser cache cleared first (cold) and not (warm), with its Navigation Timing;</li>
 *   <li>a click on the lead with 20,000 notes to its first timeline item (and on an ordinary lead);</li>
 *   <li>a switch from the list to the pipeline board, to its first card;</li>
 *   <li>the bytes of the page's own files as transferred (gzip) on a cold load: the document and /assets/.</li>
 * </ul>
 * "Shown" is the animation frame after the element entered the DOM (a MutationObserver installed before the
 * page's own scripts run, through the DevTools protocol, so the page's Content-Security-Policy is untouched).
 */
final class PageBenchmark {

    /** Before any script of the page: the time of the first frame with a lead row in it. */
    private static final String FIRST_ROW_OBSERVER = """
            (() => {
              const seen = () => {
                if (window.__firstRow === undefined && document.querySelector('[data-testid=lead-row]')) {
                  window.__firstRow = null;
                  requestAnimationFrame(() => { window.__firstRow = performance.now(); });
                }
              };
              new MutationObserver(seen).observe(document, {childList: true, subtree: true});
            })();
            """;

    /** Clicks the lead's row and answers the milliseconds to the frame after its first timeline item appeared. */
    private static final String OPEN_LEAD = """
            const id = arguments[0], done = arguments[arguments.length - 1];
            const row = document.querySelector('[data-testid=lead-row][data-lead-id="' + id + '"]');
            if (!row) { done(-1); return; }
            const t0 = performance.now();
            const observer = new MutationObserver(changes => {
              for (const change of changes) {
                for (const node of change.addedNodes) {
                  if (node.nodeType === 1 && (node.matches('[data-testid=timeline-item]')
                      || node.querySelector('[data-testid=timeline-item]'))) {
                    observer.disconnect();
                    requestAnimationFrame(() => done(performance.now() - t0));
                    return;
                  }
                }
              }
            });
            observer.observe(document.body, {childList: true, subtree: true});
            row.click();
            """;

    /**
     * On a freshly loaded page (the list shown, the board never drawn): clicks Board and answers the milliseconds
     * to the frame after its first card appeared (every column loads its first page, the counts come from the
     * overview).
     */
    private static final String OPEN_BOARD = """
            const done = arguments[arguments.length - 1];
            const t0 = performance.now();
            const observer = new MutationObserver(() => {
              if (document.querySelector('#board-view:not([hidden]) [data-testid=card]')) {
                observer.disconnect();
                requestAnimationFrame(() => done(performance.now() - t0));
              }
            });
            observer.observe(document.body, {childList: true, subtree: true, attributes: true});
            document.getElementById('view-board').click();
            """;

    private static final String NAVIGATION = """
            const n = performance.getEntriesByType('navigation')[0];
            return [n.responseStart, n.domContentLoadedEventEnd, n.loadEventEnd];
            """;

    /** The document and the page's /assets/ files: [files, bytes transferred, encoded body, decoded body]. */
    private static final String OWN_FILES = """
            const own = [performance.getEntriesByType('navigation')[0]].concat(
                performance.getEntriesByType('resource').filter(r => new URL(r.name).pathname.startsWith('/assets/')));
            return [own.length, own.reduce((s, r) => s + r.transferSize, 0),
                    own.reduce((s, r) => s + r.encodedBodySize, 0), own.reduce((s, r) => s + r.decodedBodySize, 0)];
            """;

    private PageBenchmark() {
    }

    static void run(int leads, int notes, int runs, Table table) throws Exception {
        try (ServiceProcess service = ServiceProcess.start("page", ServiceProcess.pools(ReadLimit.CLIENTS, 8), List.of())) {
            long[] seeded = ReadApiBenchmark.seed(service, leads, notes);
            long hot = seeded[1];
            long noteCount = Seed.count(service, "SELECT count(*) FROM note");
            // the inbox lists the waiting leads first: the hot lead (waiting longest), then this one
            long ordinary = Seed.count(service, "SELECT lead_id FROM lead_inbox WHERE awaiting_since IS NOT NULL AND lead_id <> " + hot
                    + " ORDER BY awaiting_since, lead_id LIMIT 1");
            long ordinaryNotes = Seed.count(service, "SELECT count(*) FROM note WHERE lead_id = " + ordinary);
            String data = String.format("%,d leads, %,d notes", leads, noteCount);
            try (Browser browser = Browser.start()) {
                ChromeDriver driver = browser.driver();
                driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", FIRST_ROW_OBSERVER));
                browser.open(service.uri("/").toString());
                browser.visible("#token").sendKeys(ServiceProcess.DEMO_TOKEN);
                browser.find("#sign-in").click();
                browser.visible("[data-testid=lead-row]");

                for (boolean cold : new boolean[] {true, false}) {
                    List<Double> firstRow = new ArrayList<>();
                    List<double[]> navigation = new ArrayList<>();
                    double[] own = null;
                    for (int i = 0; i < runs + 1; i++) {
                        if (cold) {
                            driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
                        }
                        driver.navigate().refresh();
                        Double shown = waitForNumber(driver, "return window.__firstRow;");
                        if (i == 0) {
                            continue; // the first load after sign-in (or the cache's fill): not counted
                        }
                        firstRow.add(shown);
                        navigation.add(numbers(browser.script(NAVIGATION)));
                        if (cold && own == null) {
                            own = numbers(browser.script(OWN_FILES));
                        }
                    }
                    table.add(String.format("page load to the lead list's first row, %s cache (%d loads); %s",
                                    cold ? "cold" : "warm", runs, data),
                            String.format("median %.0f ms, max %.0f ms (first byte %.0f ms, DOMContentLoaded %.0f ms, load %.0f ms)",
                                    median(firstRow), Collections.max(firstRow), median(column(navigation, 0)),
                                    median(column(navigation, 1)), median(column(navigation, 2))),
                            "< 1000 ms", String.format("%.2f", median(firstRow) / 1000));
                    if (own != null) {
                        table.add(String.format("the page's own files on a cold load (the document and %.0f under /assets/)", own[0] - 1),
                                String.format("%.1f KiB transferred gzipped (bodies %.1f KiB, %.1f KiB unzipped)",
                                        own[1] / 1024, own[2] / 1024, own[3] / 1024),
                                "< 100 KiB", String.format("%.2f", own[1] / 1024 / 100));
                    }
                }

                List<Double> hotOpen = new ArrayList<>();
                List<Double> ordinaryOpen = new ArrayList<>();
                for (int i = 0; i < runs + 1; i++) {
                    // alternate, so that each click opens a lead the panel does not show yet; the first pair warms up
                    double h = open(driver, hot);
                    double o = open(driver, ordinary);
                    if (i > 0) {
                        hotOpen.add(h);
                        ordinaryOpen.add(o);
                    }
                }
                table.add(String.format("open the lead with %,d notes to its first timeline page (%d clicks); %s",
                                ReadApiBenchmark.HOT_LEAD_NOTES, runs, data),
                        String.format("median %.0f ms, max %.0f ms", median(hotOpen), Collections.max(hotOpen)),
                        "< 300 ms", String.format("%.2f", median(hotOpen) / 300));
                table.add(String.format("open a lead with %d notes to its first timeline page (%d clicks)", ordinaryNotes, runs),
                        String.format("median %.0f ms, max %.0f ms", median(ordinaryOpen), Collections.max(ordinaryOpen)),
                        "< 300 ms", String.format("%.2f", median(ordinaryOpen) / 300));
                List<Double> board = new ArrayList<>();
                for (int i = 0; i < runs + 1; i++) {
                    browser.find("#view-list").click();
                    driver.navigate().refresh();
                    browser.visible("[data-testid=lead-row]");
                    double ms = ((Number) driver.executeAsyncScript(OPEN_BOARD)).doubleValue();
                    if (i > 0) {
                        board.add(ms);
                    }
                }
                table.add(String.format("the pipeline board to its first card (%d first switches from the list, each on a freshly loaded page); %s", runs, data),
                        String.format("median %.0f ms, max %.0f ms", median(board), Collections.max(board)),
                        "< 1000 ms", String.format("%.2f", median(board) / 1000));
                browser.screenshot("bench-page");
            }
        }
    }

    private static double open(ChromeDriver driver, long lead) {
        Object answer = driver.executeAsyncScript(OPEN_LEAD, String.valueOf(lead));
        double ms = ((Number) answer).doubleValue();
        if (ms < 0) {
            throw new IllegalStateException("lead " + lead + " is not on the list's first page");
        }
        return ms;
    }

    private static Double waitForNumber(ChromeDriver driver, String script) {
        return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(20)).until(d -> {
            Object value = driver.executeScript(script);
            return value instanceof Number n ? n.doubleValue() : null;
        });
    }

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    private static List<Double> column(List<double[]> rows, int i) {
        return rows.stream().map(r -> r[i]).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
