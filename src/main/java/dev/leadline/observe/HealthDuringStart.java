package dev.leadline.observe;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Serves the management port (health, metrics) from before the start waits for the database. camel-main
 * starts its management server with the context, after every configuration class, and the database is
 * waited for in configuration: a probe would find the port closed for as long as the wait lasts (up to
 * db.start-wait-seconds), as if the process were dead. Started here, the server answers readiness (and
 * liveness) 503 DOWN until the context has started; the context's own start then leaves it as it is.
 */
public final class HealthDuringStart {

    private HealthDuringStart() {
    }

    /** Starts camel-main's management server now, if it is on; the HTTP servers' Vert.x must be bound already. */
    public static void serve(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server != null) {
            ServiceHelper.startService(server);
        }
    }
}
