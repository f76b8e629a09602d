package dev.leadline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Workspaces;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;

/**
 * Dev mode (dev.mode = true): a route file saved in the working directory's routes/ is loaded again while
 * the service runs; off by default.
 */
class DevModeTest {

    /** Two routes in one file: Camel 4.18 reloads such a file only when the other routes are kept (see application.properties). */
    private static String probe(String answer) {
        return """
                - route:
                    id: dev-mode-probe
                    from:
                      uri: platform-http:/dev-probe
                      steps:
                        - to:
                            uri: direct:dev-mode-answer
                - route:
                    id: dev-mode-answer
                    from:
                      uri: direct:dev-mode-answer
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(answer);
    }

    @Test
    void aSavedRouteFileIsLoadedAgainInDevMode() throws Exception {
        Path workingDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "dev-mode");
        Path routes = Files.createDirectories(workingDir.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path route : packaged.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        Files.writeString(routes.resolve("dev-probe.yaml"), probe("before the edit"));

        try (LeadlineApp app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(),
                Map.of("summaries.enabled", "false", "catchup.on-start", "false", "dev.mode", "true"))) {
            assertEquals("before the edit", app.get("/dev-probe", null).body());

            Files.writeString(routes.resolve("dev-probe.yaml"), probe("after the edit"));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            HttpResponse<String> answer = app.get("/dev-probe", null);
            while (!"after the edit".equals(answer.body()) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200); // the JDK's file watch reports the change; nothing to wait on but the answer
                answer = app.get("/dev-probe", null);
            }
            assertEquals("after the edit", answer.body());
            // the other routes were loaded again too, and serve as before
            assertEquals(200, app.get("/api/leads?limit=1", Workspaces.DEMO_TOKEN).statusCode());
        }
    }

    @Test
    void routesAreNotWatchedByDefault() throws Exception {
        LeadlineApp app = LeadlineApp.shared();
        assertNull(app.context().hasService(RouteWatcherReloadStrategy.class));
    }
}
