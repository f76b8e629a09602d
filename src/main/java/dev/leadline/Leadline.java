package dev.leadline;

import dev.leadline.observe.Meters;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.Main;

/** Entry point: camel-main with the YAML routes under {@code routes/} and the top-level application.properties. */
public final class Leadline {

    private Leadline() {
    }

    public static void main(String[] args) throws Exception {
        create().run(args);
    }

    public static Main create() {
        Main main = new Main();
        // Read from the file system, like the routes, so that an edit needs a restart but no rebuild.
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        main.configure().addConfiguration(LeadlineConfiguration.class);
        // The meter registry /observe/metrics serves, bound before Camel's metrics service looks it up.
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, Meters.newRegistry());
        return main;
    }
}
