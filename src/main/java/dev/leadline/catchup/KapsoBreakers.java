package dev.leadline.catchup;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * One circuit breaker per workspace in front of Kapso (resilience4j, one registry): a workspace whose calls
 * keep failing stops hammering Kapso for a while without stopping any other workspace's catch-up. Camel's
 * circuitBreaker EIP holds one breaker for every exchange that passes it, so the route asks this bean for
 * the workspace's permission before the call and tells it the outcome after.
 *
 * <p>Only what says Kapso is failing counts: a transient failure (429, 408, 5xx, an unreadable page), no
 * answer (an I/O error, a timeout). A configuration problem of the workspace (401, 403, 404) or another
 * refusal is ignored: it is not Kapso's failure, and retrying cannot help it anyway.
 */
public final class KapsoBreakers {

    /** The workspace's breaker and when its call began, for {@link #record}. */
    public record Call(CircuitBreaker breaker, long startNanos) {
    }

    private final CircuitBreakerRegistry registry;

    public KapsoBreakers(int windowSize, int minimumCalls, float failureRatePercent, int openSeconds) {
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(windowSize)
                .minimumNumberOfCalls(minimumCalls)
                .failureRateThreshold(failureRatePercent)
                .waitDurationInOpenState(Duration.ofSeconds(openSeconds))
                .recordException(KapsoBreakers::kapsoFailing)
                .ignoreException(failure -> !kapsoFailing(failure))
                .build());
    }

    /** Kapso failed, or did not answer: what a breaker counts. */
    static boolean kapsoFailing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CatchUpFailure.Transient || t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The workspace's permission to call Kapso now; CallNotPermittedException while its breaker is open. */
    public Call permit(long workspaceId) {
        CircuitBreaker breaker = registry.circuitBreaker("kapso-workspace-" + workspaceId);
        breaker.acquirePermission();
        return new Call(breaker, System.nanoTime());
    }

    /** The call's outcome: null when it succeeded, else what it threw (counted, or ignored, as said above). */
    public void record(Call call, Throwable failure) {
        if (call == null) {
            return;
        }
        long took = System.nanoTime() - call.startNanos();
        if (failure == null) {
            call.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
        } else {
            call.breaker().onError(took, TimeUnit.NANOSECONDS, failure);
        }
    }
}
