package dev.leadline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many concurrent unauthenticated oversize webhook POSTs (once buffered whole): each declares or streams
 * far more than webhook.max-body-bytes. The server must refuse them as they arrive (JSON 413) without
 * buffering them: a declared one before its body is read, a chunked one once webhook.max-body-bytes has
 * arrived, so at most that much per connection is ever held. Heap in use before (after a full GC),
 * peak during (jstat every 100 ms), after, and live after a full GC.
 */
final class OversizeBenchmark {

    private OversizeBenchmark() {
    }

    static void run(int posts, int mib, Table table) throws Exception {
        // a 512 MiB heap: 200 bodies of 15 MiB could never fit, 200 held to 1 MiB each do
        try (ServiceProcess service = ServiceProcess.start("oversize", Map.of(), List.of("-Xmx512m"))) {
            for (boolean chunked : new boolean[] {false, true}) {
                service.gc();
                double before = service.heapUsedMiB();
                HeapPeak heap = new HeapPeak(service, 100);
                long started = System.nanoTime();
                Map<Integer, Integer> statuses = fire(service, posts, (long) mib * 1024 * 1024, chunked);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                Thread.sleep(300);
                heap.close();
                double peak = Math.max(before, heap.peakMiB());
                double after = service.heapUsedMiB();
                service.gc();
                double live = service.heapUsedMiB();
                // heap in use (jstat: eden + survivors + old) counts garbage not yet collected too; live is after a full GC
                table.add(String.format("%d concurrent %d MiB webhook POSTs, %s, no token, -Xmx512m", posts, mib,
                                chunked ? "chunked" : "Content-Length declared"),
                        String.format("statuses %s in %d ms; heap in use %.0f MiB before, peak %.0f, after %.0f (%.0f live)",
                                statuses, millis, before, peak, after, live),
                        // at most webhook.max-body-bytes (default 1 MiB) may be held per connection: the bound
                        posts + " x 1 MiB held at most = " + posts + " MiB", String.format("%.2f", (peak - before) / posts));
            }
        }
    }

    /** Fires the posts at once; answers the count of each status (-1: no answer). */
    private static Map<Integer, Integer> fire(ServiceProcess service, int posts, long bytes, boolean chunked) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(posts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int i = 0; i < posts; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return post(service, bytes, chunked);
                }));
            }
            go.countDown();
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<Integer> r : results) {
                statuses.merge(r.get(5, TimeUnit.MINUTES), 1, Integer::sum);
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One oversize POST over a raw socket: sends until the server answers or closes, then reads the status. */
    private static int post(ServiceProcess service, long bytes, boolean chunked) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", service.uri("/").getPort()), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/kapso HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Webhook-Event: whatsapp.message.received\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bytes + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            InputStream in = socket.getInputStream();
            try {
                for (long sent = 0; sent < bytes && in.available() == 0; sent += block.length) {
                    if (chunked) {
                        out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closedWhileSending) {
                // the server answered and closed: what we want
            }
            byte[] head = new byte[12];
            int n = 0;
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            String line = new String(head, 0, n, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.1 ") && n >= 12 ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
