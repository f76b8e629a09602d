package dev.leadline.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Stops the start when the API's or the management port is taken. Vert.x only logs a port it cannot bind
 * and the service would go on half started: the API served while another process answers its health checks,
 * or the reverse. Each port is bound once and let go before anything else starts (the embedded database
 * included), and a taken one fails the start naming the setting to change.
 */
public final class ListeningPorts extends MainListenerSupport {

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        check(context, "camel.server", "0.0.0.0", "HTTP_PORT (http.port)");
        check(context, "camel.management", "0.0.0.0", "MANAGEMENT_PORT (management.port)");
    }

    private static void check(CamelContext context, String server, String defaultHost, String setting) {
        if (!Boolean.parseBoolean(context.resolvePropertyPlaceholders("{{" + server + ".enabled:false}}"))) {
            return;
        }
        String host = context.resolvePropertyPlaceholders("{{" + server + ".host:" + defaultHost + "}}");
        int port = Integer.parseInt(context.resolvePropertyPlaceholders("{{" + server + ".port:8080}}"));
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new PortTaken(String.format("%s:%d cannot be listened on (%s): another process has it."
                    + " Stop that one, or set %s to a free port", host, port, e.getMessage(), setting));
        }
    }

    /** A port another process has: said in one line, with no stack trace (Leadline's main). */
    public static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }
}
