package dev.leadline.events;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook deliveries' connection pool, made to keep working whatever happens to a single request:
 * <ul>
 *   <li>closed by the service's stop alone ({@link #shutdown()}): camel-http closes an endpoint's own connection
 *       manager whenever it stops that endpoint, and every later delivery then failed with "Connection pool
 *       shut down" until a restart;</li>
 *   <li>a lease nobody gives back is taken back: under a long backlog (100,000 events, about 70,000 in) a
 *       handful of connections were leased and then neither used nor released, with no error anywhere, until all
 *       sixteen were gone and every delivery waited for a connection forever. No request holds a connection
 *       longer than its connect and answer time limits, so one leased for longer than {@code orphanAfter} is
 *       closed and returned to the pool (logged).</li>
 * </ul>
 */
public final class WebhookConnections implements HttpClientConnectionManager {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookConnections.class);

    private final HttpClientConnectionManager pool;
    private final long orphanAfterNanos;
    private final Map<ConnectionEndpoint, Long> leasedAt = new ConcurrentHashMap<>();

    public WebhookConnections(HttpClientConnectionManager pool, java.time.Duration orphanAfter) {
        this.pool = pool;
        this.orphanAfterNanos = orphanAfter.toNanos();
    }

    @Override
    public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
        reclaimOrphans();
        LeaseRequest request = pool.lease(id, route, requestTimeout, state);
        return new LeaseRequest() {
            @Override
            public ConnectionEndpoint get(Timeout timeout) throws InterruptedException, ExecutionException, TimeoutException {
                ConnectionEndpoint endpoint = request.get(timeout);
                leasedAt.put(endpoint, System.nanoTime());
                return endpoint;
            }

            @Override
            public boolean cancel() {
                return request.cancel();
            }
        };
    }

    @Override
    public void release(ConnectionEndpoint endpoint, Object newState, TimeValue validDuration) {
        leasedAt.remove(endpoint);
        pool.release(endpoint, newState, validDuration);
    }

    /** Leases older than orphanAfter: closed, and back to the pool. */
    int reclaimOrphans() {
        long now = System.nanoTime();
        int reclaimed = 0;
        for (Map.Entry<ConnectionEndpoint, Long> lease : leasedAt.entrySet()) {
            if (now - lease.getValue() > orphanAfterNanos && leasedAt.remove(lease.getKey(), lease.getValue())) {
                reclaimed++;
                LOG.warn("A webhook connection leased {} s ago was never given back: closed and returned to the pool",
                        (now - lease.getValue()) / 1_000_000_000L);
                lease.getKey().close(CloseMode.IMMEDIATE);
                pool.release(lease.getKey(), null, TimeValue.ZERO_MILLISECONDS);
            }
        }
        return reclaimed;
    }

    @Override
    public void connect(ConnectionEndpoint endpoint, TimeValue connectTimeout, HttpContext context) throws IOException {
        pool.connect(endpoint, connectTimeout, context);
    }

    @Override
    public void upgrade(ConnectionEndpoint endpoint, HttpContext context) throws IOException {
        pool.upgrade(endpoint, context);
    }

    @Override
    public void close(CloseMode mode) {
        // an endpoint's stop: the pool stays open for the deliveries that follow
    }

    @Override
    public void close() {
        // the same
    }

    /** The service's stop. */
    public void shutdown() {
        pool.close(CloseMode.GRACEFUL);
    }
}
