package dev.leadline.events;

/** Milliseconds between two steps of a route (a delivery's latency): for the YAML, which has no clock arithmetic. */
public final class Elapsed {

    private Elapsed() {
    }

    public static long start() {
        return System.nanoTime();
    }

    public static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
