package dev.leadline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/** The webhook pool takes back a lease nobody returns, and an endpoint's close does not shut it. */
class WebhookConnectionsTest {

    private static final HttpRoute ROUTE = new HttpRoute(new HttpHost("127.0.0.1", 9));

    @Test
    void aLeaseNeverGivenBackIsTakenBackAfterItsTime() throws Exception {
        WebhookConnections connections = new WebhookConnections(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(1).setMaxConnTotal(1).build(), Duration.ofMillis(200));
        ConnectionEndpoint orphan = connections.lease("a", ROUTE, Timeout.ofSeconds(1), null).get(Timeout.ofSeconds(1));
        assertNotNull(orphan);
        // the only connection is out: a second lease waits, and gives up
        assertThrows(TimeoutException.class, () -> connections.lease("b", ROUTE, Timeout.ofMilliseconds(100), null).get(Timeout.ofMilliseconds(100)));
        assertEquals(0, connections.reclaimOrphans(), "not yet: younger than its time");
        Thread.sleep(250);
        // the next lease takes the orphan back first, and gets the connection
        assertNotNull(connections.lease("c", ROUTE, Timeout.ofSeconds(1), null).get(Timeout.ofSeconds(1)));
    }

    @Test
    void anEndpointsCloseLeavesThePoolOpen() throws Exception {
        WebhookConnections connections = new WebhookConnections(PoolingHttpClientConnectionManagerBuilder.create().build(),
                Duration.ofSeconds(30));
        connections.close();
        ConnectionEndpoint endpoint = connections.lease("a", ROUTE, Timeout.ofSeconds(1), null).get(Timeout.ofSeconds(1));
        connections.release(endpoint, null, null);
        connections.shutdown();
        assertThrows(IllegalStateException.class, () -> connections.lease("b", ROUTE, Timeout.ofSeconds(1), null).get(Timeout.ofSeconds(1)));
    }
}
