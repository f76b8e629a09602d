package dev.leadline;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.leadline.api.InboxConfiguration;
import dev.leadline.catchup.CatchUpConfiguration;
import dev.leadline.db.DatabaseWait;
import dev.leadline.events.EventsConfiguration;
import dev.leadline.events.kafka.KafkaRelayConfiguration;
import dev.leadline.examples.HubSpotExampleConfiguration;
import dev.leadline.intake.IntakeConfiguration;
import dev.leadline.observe.Meters;
import dev.leadline.summary.SummaryConfiguration;
import dev.leadline.web.ListeningPorts;
import dev.leadline.web.ReadyLine;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/**
 * Entry point: camel-main with the YAML routes and application.properties of the working directory when
 * it has them (edit, restart, no rebuild), else the ones packaged in the jar.
 */
public final class Leadline {

    private Leadline() {
    }

    public static void main(String[] args) throws Exception {
        Main main = create();
        try {
            main.run(args);
        } catch (Exception e) {
            // A start that fails part way leaves non-daemon threads (Vert.x, Quartz) and the embedded
            // PostgreSQL running: stop what was started, and exit non-zero instead of hanging.
            if (e instanceof ListeningPorts.PortTaken || e instanceof DatabaseWait.DatabaseUnreachable) {
                LoggerFactory.getLogger(Leadline.class).error("leadline failed to start: {}", e.getMessage());
            } else {
                LoggerFactory.getLogger(Leadline.class).error("leadline failed to start: {}", e.getMessage(), e);
            }
            main.stop();
            // camel-main's JVM shutdown hook takes every exit for a SIGTERM and would say so: the run is over.
            main.getShutdownStrategy().shutdown();
            System.exit(1);
        }
    }

    public static Main create() {
        return create(Path.of(""));
    }

    /** @param workingDir where an integration team's own routes/ and application.properties are looked for */
    public static Main create(Path workingDir) {
        Main main = new Main();
        // Camel takes each key from the first location that has it: the working directory's file (if any),
        // then the packaged one, so a file beside the jar may hold only the keys it changes. Environment
        // variables and -D system properties win over both (see application.properties' header).
        main.setDefaultPropertyPlaceholderLocation("file:" + workingDir.resolve("application.properties")
                + ";optional=true,classpath:application.properties");
        // camel-main loads every routes pattern it is given, so "file:...,classpath:..." would load each route
        // twice (duplicate ids) whenever routes/ exists: one set is chosen. An initial property is the lowest
        // precedence, so camel.main.routes-include-pattern in a properties file still overrides this choice.
        Path routes = workingDir.resolve("routes");
        main.addInitialProperty("camel.main.routes-include-pattern",
                Files.isDirectory(routes) ? "file:" + routes + "/*.yaml" : "classpath:routes/*.yaml");
        // Dev mode (dev.mode, application.properties) watches the same files; *.yaml includes *.camel.yaml.
        if (Files.isDirectory(routes)) {
            main.addInitialProperty("camel.main.routes-reload-directory", routes.toAbsolutePath().toString());
            main.addInitialProperty("camel.main.routes-reload-pattern", "*.yaml");
        }
        // The prompts the same way, file by file: summary/ of the working directory may hold only the one it changes.
        for (String prompt : new String[] {"system-prompt", "user-prompt"}) {
            Path file = workingDir.resolve("summary").resolve(prompt + ".txt");
            main.addInitialProperty("summaries." + prompt, Files.isRegularFile(file)
                    ? "file:" + file.toAbsolutePath() : "classpath:summary/" + prompt + ".txt");
        }
        main.addMainListener(new ListeningPorts());
        main.addMainListener(new ReadyLine());
        // Instances, not classes: camel-main post-processes a configuration given as a class twice, which made
        // every bean of it twice.
        main.configure().addConfiguration(new LeadlineConfiguration());
        main.configure().addConfiguration(new IntakeConfiguration());
        main.configure().addConfiguration(new CatchUpConfiguration());
        main.configure().addConfiguration(new EventsConfiguration());
        main.configure().addConfiguration(new KafkaRelayConfiguration());
        main.configure().addConfiguration(new HubSpotExampleConfiguration());
        main.configure().addConfiguration(new InboxConfiguration());
        main.configure().addConfiguration(new SummaryConfiguration());
        // The meter registry /observe/metrics serves, bound before Camel's metrics service looks it up.
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, Meters.newRegistry());
        return main;
    }
}
