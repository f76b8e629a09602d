package dev.leadline.api;

import java.time.Duration;

import javax.sql.DataSource;

import dev.leadline.observe.Meters;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * Binds the inbox's beans (routes/workspace-api.camel.yaml calls them by name) and starts its time-to-first-
 * response histogram.
 */
public class InboxConfiguration implements CamelConfiguration {

    @PropertyInject("inbox.metrics-refresh-seconds") long refreshSeconds;

    @BindToRegistry("workspaceLocales")
    public WorkspaceLocales workspaceLocales() {
        return new WorkspaceLocales();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        context.addService(new FirstResponseWatch(context, dataSource, Meters.of(context), Duration.ofSeconds(refreshSeconds)),
                true, true);
    }
}
