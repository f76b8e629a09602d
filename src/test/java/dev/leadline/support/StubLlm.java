package dev.leadline.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI/xAI-compatible chat completions server on loopback, the only stub in the tests. It checks
 * each request (bearer key, model, message shape) and answers 400 when it is wrong, so a client bug
 * fails the test. Queued faults are answered first, in order: 429 with or without Retry-After, 500,
 * a hang, garbage, empty choices, 404 model not found; then a normal completion.
 */
public final class StubLlm implements AutoCloseable {

    public static final String KEY = "test-key";
    public static final String MODEL = "grok-test-model";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scripted answer. */
    public record Fault(int status, String body, String retryAfter, long hangMillis) {
        public static Fault tooManyRequests(String retryAfter) {
            return new Fault(429, "{\"error\":\"rate limited\"}", retryAfter, 0);
        }

        public static Fault serverError() {
            return new Fault(500, "{\"error\":\"internal\"}", null, 0);
        }

        public static Fault hang(long millis) {
            return new Fault(0, null, null, millis);
        }

        public static Fault garbage() {
            return new Fault(200, "{\"id\": \"cmpl-1\", \"choices\": [{\"message\": {\"content\": \"trunc", null, 0);
        }

        public static Fault emptyChoices() {
            return new Fault(200, "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"model\":\"" + MODEL + "\",\"choices\":[]}", null, 0);
        }

        public static Fault modelNotFound() {
            return new Fault(404, "{\"code\":\"Some requested entity was not found\",\"error\":\"The model "
                    + MODEL + " does not exist or your team does not have access to it.\"}", null, 0);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<Long> requestTimes = new CopyOnWriteArrayList<>();
    private final AtomicInteger completions = new AtomicInteger();
    private volatile long latencyMillis;
    private volatile Fault always;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    public StubLlm() throws IOException {
        // The JDK server otherwise leaves Nagle on: its answers would wait for the client's delayed ACK
        // (some 40 ms), measuring the stub instead of the service.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stub-llm-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        }));
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        server.start();
        // the server's dispatcher thread (accepts, reads the request line and headers): the stub's CPU too
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("HTTP-Dispatcher")) {
                threads.add(t);
            }
        }
    }

    /** The service settings that point it at this stub. */
    public Map<String, String> serviceProperties() {
        return Map.of("llm.api-key", KEY, "llm.base-url", baseUrl(), "llm.model", MODEL);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public StubLlm enqueue(Fault... scripted) {
        faults.addAll(List.of(scripted));
        return this;
    }

    /** Answer every request with this fault (null: normal completions again). */
    public void always(Fault fault) {
        always = fault;
    }

    public void latency(long millis) {
        latencyMillis = millis;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    public List<Long> requestTimes() {
        return requestTimes;
    }

    public int completions() {
        return completions.get();
    }

    /**
     * CPU time so far of the stub's live threads (its dispatcher and its handlers; a pooled handler idle
     * for 60 s ends, and its time with it), in nanoseconds: what the stub costs the JVM it runs in.
     */
    public long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) {
            long cpu = t.isAlive() ? mx.getThreadCpuTime(t.getId()) : -1;
            if (cpu > 0) {
                sum += cpu;
            }
        }
        return sum;
    }

    public void reset() {
        faults.clear();
        requests.clear();
        requestTimes.clear();
        always = null;
        latencyMillis = 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requestTimes.add(System.nanoTime());
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode request;
            try {
                request = JSON.readTree(raw);
            } catch (IOException e) {
                respond(exchange, 400, "{\"error\":\"request is not JSON\"}", null);
                return;
            }
            requests.add(request);
            String problem = problem(exchange, request);
            if (problem != null) {
                respond(exchange, 400, JSON.createObjectNode().put("error", problem).toString(), null);
                return;
            }
            Fault fault = always != null ? always : faults.poll();
            if (fault != null) {
                if (fault.hangMillis() > 0) {
                    sleep(fault.hangMillis());
                    return; // closes without an answer
                }
                respond(exchange, fault.status(), fault.body(), fault.retryAfter());
                return;
            }
            if (latencyMillis > 0) {
                sleep(latencyMillis);
            }
            completions.incrementAndGet();
            respond(exchange, 200, completion(request), null);
        }
    }

    private static String problem(HttpExchange exchange, JsonNode request) {
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return "Incorrect API key provided";
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            return "method must be POST";
        }
        if (!String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
            return "Content-Type must be application/json";
        }
        if (!MODEL.equals(request.path("model").asText())) {
            return "unexpected model " + request.path("model");
        }
        JsonNode messages = request.path("messages");
        if (messages.size() != 2 || !"system".equals(messages.path(0).path("role").asText())
                || !"user".equals(messages.path(1).path("role").asText())
                || messages.path(1).path("content").asText().isBlank()) {
            return "messages must be [system, user] with content";
        }
        if (request.path("stream").asBoolean(true) || !request.has("max_tokens")) {
            return "expected stream=false and max_tokens";
        }
        return null;
    }

    private static String completion(JsonNode request) {
        String user = request.path("messages").path(1).path("content").asText();
        int lines = user.split("\n").length;
        ObjectNode answer = JSON.createObjectNode();
        answer.put("id", "cmpl-stub").put("object", "chat.completion").put("created", 1766999304).put("model", MODEL);
        answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant")
                .put("content", "Stub summary of a day with " + lines + " prompt lines.");
        answer.putObject("usage").put("prompt_tokens", 100 + user.length() / 4).put("completion_tokens", 12)
                .put("total_tokens", 112 + user.length() / 4);
        return answer.toString();
    }

    private static void respond(HttpExchange exchange, int status, String body, String retryAfter) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
