package dev.leadline.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback: records every request (its headers and the exact body bytes) and answers
 * each by script: queued answers first, in order (a status with or without Retry-After or Location, a hang),
 * then the default answer (204 unless set). It can be stopped and started again on the same port, to be "down".
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Request(String path, String id, String timestamp, String signature, String contentType, byte[] body,
                          long receivedAtNanos) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One scripted answer. */
    public record Answer(int status, String retryAfter, String location, long hangMillis, boolean trickle) {
        public Answer(int status, String retryAfter, String location, long hangMillis) {
            this(status, retryAfter, location, hangMillis, false);
        }

        public static Answer status(int status) {
            return new Answer(status, null, null, 0);
        }

        /** The status at once, then a body that never ends: a byte every 100 ms until the client hangs up. */
        public static Answer trickle(int status) {
            return new Answer(status, null, null, 0, true);
        }

        public static Answer tooManyRequests(String retryAfter) {
            return new Answer(429, retryAfter, null, 0);
        }

        public static Answer redirect(String location) {
            return new Answer(302, null, location, 0);
        }

        public static Answer hang(Duration duration) {
            return new Answer(204, null, null, duration.toMillis());
        }
    }

    private final int port;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile Answer always = Answer.status(204);
    private volatile Predicate<Request> refuse = r -> false;
    private HttpServer server;

    public WebhookReceiver() throws IOException {
        this(TestPorts.next());
    }

    private WebhookReceiver(int port) throws IOException {
        this.port = port;
        start();
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "webhook-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** Down: the port refuses connections until start(). */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    public void then(Answer... answers) {
        script.addAll(List.of(answers));
    }

    public void always(Answer answer) {
        always = answer;
    }

    /** Requests the predicate picks are answered 500 (the others by script). */
    public void refuse(Predicate<Request> which) {
        refuse = which;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    public List<Request> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            Request request = new Request(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    exchange.getRequestHeaders().getFirst("content-type"), body, System.nanoTime());
            requests.add(request);
            Answer answer = refuse.test(request) ? Answer.status(500) : script.poll();
            if (answer == null) {
                answer = always;
            }
            if (answer.hangMillis() > 0) {
                try {
                    Thread.sleep(answer.hangMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            if (answer.location() != null) {
                exchange.getResponseHeaders().add("Location", answer.location());
            }
            if (answer.trickle()) {
                exchange.sendResponseHeaders(answer.status(), 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 600; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (answer.status() == 204) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                byte[] text = ("answer " + answer.status()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), text.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
            }
        } catch (IOException e) {
            // the client gave up (a timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        stop();
    }
}
