package dev.leadline.summary;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.leadline.web.ApiException;

/**
 * Bounds the manual summary runs of this instance. Every run holds one connection of the streaming pool
 * (db.streaming-pool-size) while it reads its lead-days; manual runs may hold all of them but one, which
 * stays for the scheduled run, so no number of manual runs can starve it. A manual run that finds no
 * free slot is refused at once (503), never left to wait for a connection.
 */
public final class ManualRunSlots {

    private final int slots;
    private final Semaphore free;
    private final Set<Long> holders = ConcurrentHashMap.newKeySet();

    public ManualRunSlots(int streamingPoolSize) {
        if (streamingPoolSize < 2) {
            throw new IllegalArgumentException("db.streaming-pool-size must be at least 2 (one connection is kept for "
                    + "the scheduled summary run), is " + streamingPoolSize);
        }
        this.slots = streamingPoolSize - 1;
        this.free = new Semaphore(slots);
    }

    /** Takes a slot for the run, without waiting: false when every slot is taken. */
    public boolean tryAcquire(long runId) {
        if (!free.tryAcquire()) {
            return false;
        }
        holders.add(runId);
        return true;
    }

    /** The run has ended: its slot, if it holds one, is free again. Scheduled runs hold none. Idempotent. */
    public void release(long runId) {
        if (holders.remove(runId)) {
            free.release();
        }
    }

    /** The answer to a manual run that found no free slot. */
    public void refuse() {
        throw new ApiException(503, "busy", slots + " manual summary run(s) are already running on this instance, "
                + "the most it allows beside the scheduled run; retry when one has finished");
    }
}
