package dev.leadline.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications per client address ({@link ClientAddress}: behind a trusted proxy, the client's,
 * not the proxy's), so that tokens can't be guessed at network speed: after
 * {@code auth.max-failures} wrong tokens within {@code auth.failure-window-seconds}, the address gets 429
 * with Retry-After on every authenticated call until its window ends, without its token being checked
 * (else a right guess would still show). Only presented-but-wrong tokens count; a missing one is no guess.
 * A Meta webhook whose signature no secret verifies counts the same (and its address then gets 429 on
 * /webhooks/meta), so forged deliveries can't probe which numbers are workspaces' at network speed.
 * At most {@code auth.tracked-addresses} addresses are kept (the least recently failing go first), so a
 * flood of addresses can't grow the memory.
 */
public final class AuthAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(AuthAttempts.class);

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows;

    public AuthAttempts(int maxFailures, int windowSeconds, int trackedAddresses) {
        this(maxFailures, windowSeconds, trackedAddresses, System::nanoTime);
    }

    AuthAttempts(int maxFailures, int windowSeconds, int trackedAddresses, LongSupplier clock) {
        if (maxFailures < 1 || windowSeconds < 1 || trackedAddresses < 1) {
            throw new IllegalArgumentException("auth.max-failures, auth.failure-window-seconds and auth.tracked-addresses must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = TimeUnit.SECONDS.toNanos(windowSeconds);
        this.clock = clock;
        this.windows = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > trackedAddresses;
            }
        };
    }

    /** 429 when the address has used up its failures for the current window. */
    public void requireAllowed(String address) {
        long now = clock.getAsLong();
        long retryAfterNanos;
        synchronized (windows) {
            Window w = windows.get(address);
            if (w == null || now - w.start >= windowNanos || w.failures < maxFailures) {
                return;
            }
            retryAfterNanos = windowNanos - (now - w.start);
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(retryAfterNanos + TimeUnit.SECONDS.toNanos(1) - 1));
        throw new ApiException(429, "too_many_requests",
                "too many failed authentications from this address; retry after " + seconds + " s",
                Map.of(), Map.of("Retry-After", String.valueOf(seconds)));
    }

    /** Counts a wrong token (or webhook signature) and logs it, without the token. */
    public void recordFailure(String address, String what) {
        long now = clock.getAsLong();
        int failures;
        synchronized (windows) {
            Window w = windows.get(address);
            if (w == null || now - w.start >= windowNanos) {
                w = new Window(now);
                windows.put(address, w);
            }
            failures = ++w.failures;
        }
        LOG.warn("Failed authentication from {}: {} ({} of {} allowed in the window)", address, what, failures, maxFailures);
    }

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }
}
