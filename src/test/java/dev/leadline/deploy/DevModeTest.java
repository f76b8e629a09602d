package dev.leadline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.leadline.support.LeadlineApp;
import dev.leadline.support.Workspaces;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
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
        Path workingDir = LeadlineApp.workingDirWithPackagedRoutes("dev-mode");
        Path routes = workingDir.resolve("routes");
        Files.writeString(routes.resolve("dev-probe.yaml"), probe("before the edit"));

        try (LeadlineApp app = LeadlineApp.startIn(workingDir, LeadlineApp.freshDataDir(),
                Map.of("summaries.enabled", "false", "catchup.on-start", "false", "dev.mode", "true"))) {
            assertEquals("before the edit", app.get("/dev-probe", null).body());

            // Camel reports each route it reloaded: both of the file's, then the edit is served
            CountDownLatch reloaded = new CountDownLatch(2);
            EventNotifier notifier = new SimpleEventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.RouteReloadedEvent) {
                        reloaded.countDown();
                    }
                }
            };
            app.context().getManagementStrategy().addEventNotifier(notifier);
            ServiceHelper.startService(notifier);

            Files.writeString(routes.resolve("dev-probe.yaml"), probe("after the edit"));
            assertTrue(reloaded.await(30, TimeUnit.SECONDS), "no reload within 30 s");
            // The reloaded route's HTTP path is added to the server just after the event: a loaded machine may
            // answer 404 for a moment.
            String answer = app.get("/dev-probe", null).body();
            for (int i = 0; i < 100 && !answer.equals("after the edit"); i++) {
                Thread.sleep(100);
                answer = app.get("/dev-probe", null).body();
            }
            assertEquals("after the edit", answer);
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
