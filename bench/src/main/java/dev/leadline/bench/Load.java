package dev.leadline.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load generators over real HTTP: a closed loop (N clients back to back) for saturation throughput,
 * and an open loop at a fixed rate whose latencies are measured from each request's intended start,
 * so a stall is not hidden (no coordinated omission).
 */
final class Load {

    /** What a run did. */
    record Result(long requests, long failures, long units, double seconds, Histogram latency, Histogram lateness) {
        double unitsPerSecond() {
            return units / seconds;
        }

        double p50() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        double p99() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }

        /**
         * An open loop's 99th percentile of how late a request left this JVM after its intended start, in ms:
         * time counted in its latency that the service never saw (NaN for a closed loop).
         */
        double sendLateP99() {
            return lateness == null ? Double.NaN : lateness.getValueAtPercentile(99) / 1000.0;
        }
    }

    /** One request to send, and how many units (e.g. messages) it carries. */
    /** A request, the units of work it carries, and what to note from its answer (a poll keeps the ETag). */
    record Call(HttpRequest request, int units, java.util.function.Consumer<HttpResponse<?>> onAnswer) {
        Call(HttpRequest request, int units) {
            this(request, units, response -> { });
        }
    }

    /** A 2xx, or the 304 a conditional GET asked for. */
    private static boolean answered(HttpResponse<?> response) {
        return response.statusCode() / 100 == 2 || response.statusCode() == 304;
    }

    private final HttpClient http;

    Load(int connections) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(Math.max(4, connections))).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** N clients, each sending its next call as soon as the previous answered, for the duration. */
    Result closedLoop(int clients, Duration duration, IntFunction<Call> calls) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong units = new AtomicLong();
        Recorder recorder = new Recorder(3);
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    Call call = calls.apply((int) next.getAndIncrement());
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(call.request(), HttpResponse.BodyHandlers.discarding());
                        call.onAnswer().accept(response);
                        if (answered(response)) {
                            units.addAndGet(call.units());
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                    requests.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(requests.get(), failures.get(), units.get(), seconds, recorder.getIntervalHistogram(), null);
    }

    /** Calls at a fixed rate for the duration; latency from each call's intended start time. */
    Result openLoop(double perSecond, Duration duration, IntFunction<Call> calls) throws InterruptedException {
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong units = new AtomicLong();
        Recorder recorder = new Recorder(3);
        Recorder late = new Recorder(3);
        // in nanoseconds: a smoke phase of 300 ms is 0 whole seconds, and sent nothing at all
        long total = (long) (perSecond * duration.toNanos() / 1e9);
        long intervalNanos = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[(int) total];
        for (int i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long delay = intended - System.nanoTime();
            if (delay > 0) {
                TimeUnit.NANOSECONDS.sleep(delay);
            }
            Call call = calls.apply(i);
            late.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
            inFlight[i] = http.sendAsync(call.request(), HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                recorder.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
                requests.incrementAndGet();
                if (error == null) {
                    call.onAnswer().accept(response);
                }
                if (error == null && answered(response)) {
                    units.addAndGet(call.units());
                } else {
                    failures.incrementAndGet();
                }
                return null;
            });
        }
        CompletableFuture.allOf(inFlight).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(requests.get(), failures.get(), units.get(), seconds, recorder.getIntervalHistogram(),
                late.getIntervalHistogram());
    }
}
