package dev.leadline.web;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start's last word: where the page, the API and the health check answer, how to sign in, and whether
 * the admin API is on. Camel's own list of endpoints is silenced (log4j2.properties): it lists the admin
 * endpoints while they answer 404 and gives the management port's address as 0.0.0.0 whatever it binds.
 */
public final class ReadyLine extends MainListenerSupport {

    /** The registry name of the demo workspace's API token, bound only when the demo workspace is seeded. */
    public static final String DEMO_TOKEN = "demoApiToken";

    private static final Logger LOG = LoggerFactory.getLogger(ReadyLine.class);

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String token = context.getRegistry().lookupByNameAndType(DEMO_TOKEN, String.class);
        boolean admin = !context.resolvePropertyPlaceholders("{{admin.token:}}").isBlank();
        LOG.info("leadline is ready. Page and API: {}/ ({}). Health: {}{}/health. Admin API: {}",
                url(context, "camel.server"),
                token == null ? "sign in with a workspace's API token" : "demo workspace token " + token,
                url(context, "camel.management"), context.resolvePropertyPlaceholders("{{camel.management.path:/observe}}"),
                admin ? "on" : "off (set ADMIN_TOKEN to turn it on)");
    }

    private static String url(CamelContext context, String server) {
        String host = context.resolvePropertyPlaceholders("{{" + server + ".host:0.0.0.0}}");
        return "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":"
                + context.resolvePropertyPlaceholders("{{" + server + ".port:8080}}");
    }
}
