package dev.leadline.api;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;

/** Binds the inbox's beans (routes/workspace-api.camel.yaml calls them by name). */
public class InboxConfiguration implements CamelConfiguration {

    @BindToRegistry("workspaceLocales")
    public WorkspaceLocales workspaceLocales() {
        return new WorkspaceLocales();
    }
}
