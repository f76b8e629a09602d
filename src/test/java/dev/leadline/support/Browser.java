package dev.leadline.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian (/usr/bin/chromium, driven through /usr/bin/chromedriver), for the page's
 * browser tests and the page benchmark. Both paths are given explicitly, so Selenium Manager never runs and
 * nothing is downloaded: the machines reach no browser download site. Each browser gets a fresh, empty
 * profile directory, removed on close. Install them with
 * {@code DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver}
 * (LEADLINE_CHROMIUM and LEADLINE_CHROMEDRIVER point elsewhere).
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("LEADLINE_CHROMIUM", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("LEADLINE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Browser(int width, int height) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM
                    + ", " + CHROMEDRIVER + "): DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver");
        }
        // Also the property Selenium would read: with a driver path and a browser binary it has nothing to look up.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("leadline-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--disable-extensions",
                "--disable-sync", "--disable-default-apps", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "--lang=en-US");
        // The console (script errors, Content-Security-Policy violations), for consoleErrors().
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** A desktop-sized browser (1280 x 900). */
    public static Browser start() throws IOException {
        return new Browser(1280, 900);
    }

    /** The window resized, as a phone or a desktop would have it. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (10 s at most) for the condition, e.g. {@code b.until(d -> ...)}. */
    public <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50)).until(condition);
    }

    /** The first element matching css that is displayed, once there is one. */
    public WebElement visible(String css) {
        return until(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Waits until the element's text contains the given text; answers the text. */
    public String textContains(String css, String text) {
        return until(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText)
                .filter(t -> t.contains(text)).findFirst().orElse(null));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The console's SEVERE messages since the last call (script errors, CSP violations, failed requests). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /**
     * The page's own faults since the last call: uncaught script errors and what its Content-Security-Policy
     * refused (a failed request is an answer the page shows, not a fault).
     */
    public List<String> pageErrors() {
        return consoleErrors().stream()
                .filter(m -> m.contains("Uncaught") || m.contains("Content Security Policy") || m.contains("Refused"))
                .toList();
    }

    /** A tab at this size with the page at url and nothing of an earlier test in its sessionStorage. */
    public void freshTab(String url, int width, int height) {
        resize(width, height);
        open(url);
        script("sessionStorage.clear()");
        open(url);
    }

    /** Saves a PNG of the viewport to target/screenshots/name.png and answers its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
