package dev.leadline.bench;

/**
 * The service's peak heap in use (jstat: eden + survivors + old, garbage not yet collected included) while
 * a workload runs: sampled on a thread of its own every periodMillis until closed.
 */
final class HeapPeak implements AutoCloseable {

    private final Thread sampler;
    private volatile double peakMiB;

    HeapPeak(ServiceProcess service, long periodMillis) {
        sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    peakMiB = Math.max(peakMiB, service.heapUsedMiB());
                    Thread.sleep(periodMillis);
                }
            } catch (Exception stopped) {
                // done
            }
        }, "heap-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The highest heap in use sampled so far, in MiB. */
    double peakMiB() {
        return peakMiB;
    }

    @Override
    public void close() throws InterruptedException {
        sampler.interrupt();
        sampler.join();
    }
}
