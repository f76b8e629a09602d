package dev.leadline.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.leadline.Leadline;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The real service, started in-process the way the README starts it (camel-main, the YAML routes under
 * routes/, application.properties), on a free port, with its own embedded PostgreSQL data directory.
 * Set LEADLINE_TEST_DB_URL to run against an external PostgreSQL instead.
 */
public final class LeadlineApp implements AutoCloseable {

    public static final String FALLBACK_SECRET = "fallback-secret";
    public static final String META_VERIFY_TOKEN = "meta-verify-token";
    /** The admin token of {@link #startWithAdmin()} (admin.token needs 32 characters or more). */
    public static final String ADMIN_TOKEN = "admin-token-for-tests-32-characters-long";
    /** catchup.key-encryption-key wherever a test's database is external (the demo default is refused there). */
    public static final String TEST_KEY_ENCRYPTION_KEY = "key-encryption-key-of-the-tests";

    private static LeadlineApp shared;

    private final Main main;
    private final int port;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LeadlineApp(Path workingDir, Path dataDir, Map<String, String> overrides) throws Exception {
        this.dataDir = dataDir;
        // A test that restarts on the same port (a URL stored in the database names it) gives http.port.
        this.port = overrides.containsKey("http.port") ? Integer.parseInt(overrides.get("http.port")) : TestPorts.next();
        Map<String, String> props = new HashMap<>();
        props.put("http.port", String.valueOf(port));
        props.put("management.port", String.valueOf(TestPorts.next()));
        props.put("db.embedded.data-dir", dataDir.toString());
        props.put("camel.main.shutdown-timeout", "5");
        String externalUrl = System.getenv("LEADLINE_TEST_DB_URL");
        if (externalUrl != null && !externalUrl.isBlank()) {
            props.put("db.url", externalUrl);
            props.put("db.user", System.getenv().getOrDefault("LEADLINE_TEST_DB_USER", "postgres"));
            props.put("db.password", System.getenv().getOrDefault("LEADLINE_TEST_DB_PASSWORD", ""));
            props.put("demo.enabled", "true");
            // an external database refuses the published demo key encryption key
            props.put("catchup.key-encryption-key", TEST_KEY_ENCRYPTION_KEY);
        }
        props.putAll(overrides);
        main = Leadline.create(workingDir);
        props.forEach(main::addOverrideProperty);
        main.start();
    }

    /** One service for the whole test run: tests keep apart by using their own numbers and workspaces. */
    public static synchronized LeadlineApp shared() throws Exception {
        if (shared == null) {
            shared = new LeadlineApp(Path.of(""), freshDataDir(), Map.of(
                    "webhook.fallback-secret", FALLBACK_SECRET,
                    "meta.verify-token", META_VERIFY_TOKEN,
                    "summaries.enabled", "false",
                    // many test classes send wrong tokens from 127.0.0.1 to this one service
                    "auth.max-failures", "100000"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A service of its own with the admin API on (ADMIN_TOKEN) and the fallback secret, no schedule. */
    public static LeadlineApp startWithAdmin() throws Exception {
        return start(freshDataDir(), Map.of(
                "admin.token", ADMIN_TOKEN,
                "webhook.fallback-secret", FALLBACK_SECRET,
                "summaries.enabled", "false"));
    }

    public static LeadlineApp start(Path dataDir, Map<String, String> overrides) throws Exception {
        return new LeadlineApp(Path.of(""), dataDir, overrides);
    }

    /** As if started in workingDir: its routes/ and application.properties, if any, instead of the packaged ones. */
    public static LeadlineApp startIn(Path workingDir, Path dataDir, Map<String, String> overrides) throws Exception {
        return new LeadlineApp(workingDir, dataDir, overrides);
    }

    /**
     * A new working directory under target/ (its name starting with prefix) holding a copy of the packaged
     * routes/*.yaml, for {@link #startIn} and a test to add or edit route files in.
     */
    public static Path workingDirWithPackagedRoutes(String prefix) throws IOException {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), prefix);
        Path routes = Files.createDirectories(workingDir.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path route : packaged.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        return workingDir;
    }

    /** Settings merged in order, the later winning. */
    @SafeVarargs
    public static Map<String, String> settings(Map<String, String>... maps) {
        Map<String, String> merged = new HashMap<>();
        for (Map<String, String> m : maps) {
            merged.putAll(m);
        }
        return merged;
    }

    public static Path freshDataDir() throws IOException {
        Path root = Path.of("target", "test-pg");
        Files.createDirectories(root);
        return root.resolve(UUID.randomUUID().toString()).toAbsolutePath();
    }

    public static boolean externalDatabase() {
        String url = System.getenv("LEADLINE_TEST_DB_URL");
        return url != null && !url.isBlank();
    }

    public Path dataDir() {
        return dataDir;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public DataSource dataSource() {
        return context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    /** A REST call: a JSON body when given, a bearer token when given, and any further headers. */
    public HttpResponse<String> call(String method, String path, String jsonBody, String token, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request);
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** A single number from a query with bound parameters, for counting rows. */
    public long queryLong(String sql, Object... params) throws SQLException {
        return Long.parseLong(queryString(sql, params));
    }

    /** The first column of the first row, or null when there is none. */
    public String queryString(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
