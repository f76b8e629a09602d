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
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI/xAI-compatible chat completions server on loopback, the only stub in the tests. It checks
 * each request (bearer key, model, message shape) and answers 400 when it is wrong, so a client bug
 * fails the test. Queued faults are answered first, in order: 429 with or without Retry-After, 500,
 * a hang, garbage, empty choices, 404 model not found, a scripted content; then a normal completion. A request
 * that asks for structured output (response_format json_schema, as the service's do) is answered with JSON
 * content in that schema's fields, as a provider that enforces it would; usage is reported with every completion.
 * <p>
 * As a real provider, when asked: a completion's latency drawn from a log-normal distribution (seeded, so a run is
 * reproducible), an occasional 429 with Retry-After at a rate, and the provider's own rate limit, a 429 for a
 * request that comes when more than the limit arrived in the last window (counted in {@link #rateLimited()}).
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

        /** A 200 completion whose choices[0].message.content is this text (JSON or not), usage 100 in / 12 out. */
        public static Fault content(String content) {
            return new Fault(200, completion(MODEL, JSON.getNodeFactory().textNode(content).toString(), 100, 12), null, 0);
        }

        public static Fault modelNotFound() {
            return new Fault(404, "{\"code\":\"Some requested entity was not found\",\"error\":\"The model "
                    + MODEL + " does not exist or your team does not have access to it.\"}", null, 0);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    // Appended to on every request (10,000s in a benchmark run): not copy-on-write; read as snapshots.
    private final List<JsonNode> requests = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final List<Long> requestTimes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final AtomicInteger completions = new AtomicInteger();
    private volatile long latencyMillis;
    private volatile LatencyDistribution distribution;
    private volatile double tooManyRate;
    private volatile String tooManyRetryAfter;
    private volatile java.util.Random chance = new java.util.Random(0);
    private volatile int limit;
    private volatile long limitWindowNanos;
    // arrivals in the last limit window (System.nanoTime), for the provider's rate limit
    private final java.util.ArrayDeque<Long> window = new java.util.ArrayDeque<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final AtomicInteger tooManyAnswered = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong answeredNanos = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile Fault always;
    private volatile Usage usage;
    private volatile String intent = "asking";
    private final String model;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final java.util.Set<InetSocketAddress> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public StubLlm() throws IOException {
        this(MODEL);
    }

    /** A stub serving another model name, as a local or another provider's server would. */
    public StubLlm(String model) throws IOException {
        this.model = model;
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
        return Map.of("llm.api-key", KEY, "llm.base-url", baseUrl(), "llm.model", model);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public StubLlm enqueue(Fault... scripted) {
        faults.addAll(List.of(scripted));
        return this;
    }

    /** The tokens a completion reports for a request (its raw body and parsed JSON): prompt, completion. */
    public interface Usage {
        long[] tokens(String body, JsonNode request);
    }

    /** How normal completions count their usage (null: 100 + a quarter of the user prompt's length in, 12 out). */
    public void usage(Usage rule) {
        usage = rule;
    }

    /** The intent normal structured completions give (default asking). */
    public void intent(String value) {
        intent = value;
    }

    /** Answer every request with this fault (null: normal completions again). */
    public void always(Fault fault) {
        always = fault;
    }

    public void latency(long millis) {
        latencyMillis = millis;
        distribution = null;
    }

    /**
     * A completion's latency drawn from a log-normal distribution with this median and 99th percentile, from a
     * random sequence of this seed (the n-th completion draws the n-th number, whichever thread answers it).
     */
    public record LatencyDistribution(double medianMillis, double p99Millis, java.util.Random random) {
        /** The standard normal's 99th percentile. */
        private static final double Z99 = 2.326347874;

        public static LatencyDistribution logNormal(double medianMillis, double p99Millis, long seed) {
            return new LatencyDistribution(medianMillis, p99Millis, new java.util.Random(seed));
        }

        double sigma() {
            return Math.log(p99Millis / medianMillis) / Z99;
        }

        /** The distribution's mean: median x e^(sigma^2 / 2). */
        public double meanMillis() {
            return medianMillis * Math.exp(sigma() * sigma() / 2);
        }

        long draw() {
            double gaussian;
            synchronized (random) {
                gaussian = random.nextGaussian();
            }
            return Math.round(medianMillis * Math.exp(sigma() * gaussian));
        }
    }

    /** Completions take a latency drawn from this distribution (null: the fixed latency again). */
    public void latency(LatencyDistribution drawn) {
        distribution = drawn;
    }

    /** This share of requests (0 to 1, seeded) is answered 429 with this Retry-After (null: none), at once. */
    public void tooManyRequests(double rate, String retryAfter, long seed) {
        tooManyRate = rate;
        tooManyRetryAfter = retryAfter;
        chance = new java.util.Random(seed);
    }

    /**
     * The provider's own rate limit: a request that arrives when more than this many arrived in the window before
     * it (itself included) is answered 429, as a provider that counts a sliding window would (0: no limit).
     */
    public void rateLimit(int requests, long windowMillis) {
        synchronized (window) {
            window.clear();
            limit = requests;
            limitWindowNanos = windowMillis * 1_000_000;
        }
    }

    /** Requests answered 429 for the provider's rate limit (of {@link #rateLimit}). */
    public int rateLimited() {
        return rateLimited.get();
    }

    /** Requests answered 429 by chance (of {@link #tooManyRequests}). */
    public int tooManyAnswered() {
        return tooManyAnswered.get();
    }

    /** The mean time (ms) the stub took over the completions it answered (200), from arrival to answer. */
    public double meanAnsweredMillis() {
        int n = answered.get();
        return n == 0 ? 0 : answeredNanos.get() / 1e6 / n;
    }

    /** The most requests that arrived in any window of this length (a sliding window over {@link #requestTimes}). */
    public int maxInAnyWindow(long windowMillis) {
        List<Long> times = new java.util.ArrayList<>(requestTimes());
        java.util.Collections.sort(times);
        long nanos = windowMillis * 1_000_000;
        int most = 0;
        for (int first = 0, last = 0; first < times.size(); first++) {
            while (last < times.size() && times.get(last) - times.get(first) < nanos) {
                last++;
            }
            most = Math.max(most, last - first);
        }
        return most;
    }

    /** The requests so far, oldest first (a snapshot). */
    public List<JsonNode> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** When each request came (System.nanoTime), oldest first (a snapshot). */
    public List<Long> requestTimes() {
        synchronized (requestTimes) {
            return List.copyOf(requestTimes);
        }
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

    /** How many client connections (remote address and port) requests came on: keep-alive keeps it small. */
    public int connections() {
        return clients.size();
    }

    public void reset() {
        faults.clear();
        requests.clear();
        requestTimes.clear();
        always = null;
        latencyMillis = 0;
        distribution = null;
        tooManyRate = 0;
        rateLimit(0, 0);
        rateLimited.set(0);
        tooManyAnswered.set(0);
        answeredNanos.set(0);
        answered.set(0);
        usage = null;
        intent = "asking";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long arrived = System.nanoTime();
            requestTimes.add(arrived);
            boolean overLimit = overLimit(arrived);
            clients.add(exchange.getRemoteAddress());
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
            if (overLimit) {
                rateLimited.incrementAndGet();
                respond(exchange, 429, "{\"error\":\"rate limit: more than " + limit + " requests in the window\"}", "1");
                return;
            }
            Fault fault = always != null ? always : faults.poll();
            if (fault == null && tooManyRate > 0 && chance() < tooManyRate) {
                tooManyAnswered.incrementAndGet();
                fault = Fault.tooManyRequests(tooManyRetryAfter);
            }
            if (fault != null) {
                if (fault.hangMillis() > 0) {
                    sleep(fault.hangMillis());
                    return; // closes without an answer
                }
                respond(exchange, fault.status(), fault.body(), fault.retryAfter());
                return;
            }
            LatencyDistribution drawn = distribution;
            long latency = drawn != null ? drawn.draw() : latencyMillis;
            if (latency > 0) {
                sleep(latency);
            }
            completions.incrementAndGet();
            respond(exchange, 200, completion(new String(raw, StandardCharsets.UTF_8), request), null);
            answeredNanos.addAndGet(System.nanoTime() - arrived);
            answered.incrementAndGet();
        }
    }

    /** Whether this arrival makes more than the limit in the window that ends with it (it counts, as at a provider). */
    private boolean overLimit(long arrived) {
        if (limit <= 0) {
            return false;
        }
        synchronized (window) {
            while (!window.isEmpty() && arrived - window.peekFirst() >= limitWindowNanos) {
                window.pollFirst();
            }
            window.addLast(arrived);
            return window.size() > limit;
        }
    }

    private double chance() {
        java.util.Random random = chance;
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private String problem(HttpExchange exchange, JsonNode request) {
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return "Incorrect API key provided";
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            return "method must be POST";
        }
        if (!String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
            return "Content-Type must be application/json";
        }
        if (!model.equals(request.path("model").asText())) {
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
        JsonNode format = request.get("response_format");
        if (format != null && !("json_schema".equals(format.path("type").asText())
                && format.path("json_schema").path("name").isTextual()
                && "object".equals(format.path("json_schema").path("schema").path("type").asText()))) {
            return "response_format must be {type: json_schema, json_schema: {name, schema: {type: object ...}}}";
        }
        return null;
    }

    private String completion(String body, JsonNode request) {
        String user = request.path("messages").path(1).path("content").asText();
        String summary = "Stub summary of a day with " + lines(user) + " prompt lines.";
        // written as text: its only variable parts are numbers (a Jackson tree per answer cost the stub more)
        String content = request.has("response_format")
                ? JSON.getNodeFactory().textNode("{\"summary\":\"" + summary + "\",\"topics\":[\"stub topic\"],"
                        + "\"openQuestions\":[\"Is the stub open?\"],\"nextStep\":\"Call the stub back.\","
                        + "\"sentiment\":\"neutral\",\"intent\":\"" + intent + "\"}").toString()
                : "\"" + summary + "\"";
        Usage rule = usage;
        long[] tokens = rule == null ? new long[] {100 + user.length() / 4, 12} : rule.tokens(body, request);
        return completion(model, content, tokens[0], tokens[1]);
    }

    /** A chat completion answer around content (a JSON string literal) with this usage. */
    private static String completion(String model, String contentLiteral, long promptTokens, long completionTokens) {
        return "{\"id\":\"cmpl-stub\",\"object\":\"chat.completion\",\"created\":1766999304,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\","
                + "\"content\":" + contentLiteral + "}}],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}}";
    }

    /** What {@code text.split("\n").length} counts (trailing line breaks make no line), without the array. */
    static int lines(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        if (end == 0) {
            return text.isEmpty() ? 1 : 0;
        }
        int lines = 1;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
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
