package dev.leadline.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Kapso's message history API (KAPSO_MESSAGES_API.md §2, §5) on loopback: GET /{phone_number_id}/messages
 * with X-API-Key, since/until on the message time, limit, after (an opaque cursor), fields; oldest first.
 * A wrong key is 401. Scripted faults per number are answered first, in order: a status with or without
 * Retry-After, or a hang; a fault may wait for the request of a given page. A number's history may
 * instead be generated per page (generate), so that a benchmark's 100,000 messages are never held.
 */
public final class StubKapso implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One scripted answer; page is the 0-based page it waits for, or -1 for the next request. body, when set,
     * is the answer's body; hugeBytes, when positive, makes the answer a 200 page of that many bytes, written
     * as it goes (never held), of which the bytes Kapso's client took are counted (hugeBytesTaken).
     */
    public record Fault(int status, String retryAfter, long hangMillis, int page, String body, long hugeBytes) {
        public static Fault status(int status) {
            return new Fault(status, null, 0, -1, null, 0);
        }

        public static Fault tooManyRequests(String retryAfter) {
            return new Fault(429, retryAfter, 0, -1, null, 0);
        }

        public static Fault hang(long millis) {
            return new Fault(0, null, millis, -1, null, 0);
        }

        public static Fault onPage(int page, int status) {
            return new Fault(status, null, 0, page, null, 0);
        }

        /** The status with this body, as Kapso wrote it. */
        public static Fault answer(int status, String body) {
            return new Fault(status, null, 0, -1, body, 0);
        }

        /** A 200 page of this many bytes (one message whose text is the rest). */
        public static Fault huge(long bytes) {
            return new Fault(200, null, 0, -1, null, bytes);
        }
    }

    /** One request as received: its number, the query parameters, the key it sent, and the time. */
    public record Request(String phoneNumberId, Map<String, String> query, String apiKey, long atMillis) {
    }

    private final HttpServer server;
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> messages = new ConcurrentHashMap<>();
    private final Map<String, Generated> generated = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<Fault>> faults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, List<com.fasterxml.jackson.databind.JsonNode>> junk = new ConcurrentHashMap<>();
    private final java.util.Set<String> repeatingCursor = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong hugeBytesTaken = new java.util.concurrent.atomic.AtomicLong();

    public StubKapso() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/meta/whatsapp/v24.0";
    }

    /** The number's project key: requests with another get 401. */
    public void key(String phoneNumberId, String key) {
        keys.put(phoneNumberId, key);
    }

    /** A message Kapso stored for the number (a history record, as in the contract's sample). */
    public void add(String phoneNumberId, ObjectNode record) {
        messages.computeIfAbsent(phoneNumberId, k -> new CopyOnWriteArrayList<>()).add(record);
    }

    /** count records made on demand: record(i) for i in 0..count-1, ordered by (timestamp, id). */
    private record Generated(int count, IntFunction<ObjectNode> record) {
        long timestamp(int i) {
            return Long.parseLong(record.apply(i).get("timestamp").asText());
        }

        /** The first index whose timestamp is at least t (binary search: records are in time order). */
        int firstAtOrAfter(long t) {
            int lo = 0;
            int hi = count;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (timestamp(mid) < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /**
     * The number's history as count records generated per page (record(i) ordered by timestamp, then id),
     * in place of add(): only the page asked for is built.
     */
    public void generate(String phoneNumberId, int count, IntFunction<ObjectNode> record) {
        generated.put(phoneNumberId, new Generated(count, record));
    }

    /** A record that is no message (a string, a number, an array ...), answered on the number's first page. */
    public void junk(String phoneNumberId, com.fasterxml.jackson.databind.JsonNode record) {
        junk.computeIfAbsent(phoneNumberId, k -> new CopyOnWriteArrayList<>()).add(record);
    }

    /** Every page of the number names the cursor of its second page as the next: a walk that follows it never ends. */
    public void repeatCursor(String phoneNumberId) {
        repeatingCursor.add(phoneNumberId);
    }

    /** The bytes of huge pages the client read before it hung up. */
    public long hugeBytesTaken() {
        return hugeBytesTaken.get();
    }

    public void fault(String phoneNumberId, Fault fault) {
        faults.computeIfAbsent(phoneNumberId, k -> new ConcurrentLinkedQueue<>()).add(fault);
    }

    public List<Request> requests(String phoneNumberId) {
        return requests.stream().filter(r -> r.phoneNumberId().equals(phoneNumberId)).toList();
    }

    /** An inbound text record from the customer's phone (digits without +). */
    public static ObjectNode inbound(String wamid, String phoneDigits, String conversationId, String name, String text, long epochSeconds) {
        ObjectNode record = JSON.createObjectNode();
        record.put("id", wamid);
        record.put("timestamp", String.valueOf(epochSeconds));
        record.put("type", "text");
        record.put("from", phoneDigits);
        record.putObject("text").put("body", text);
        ObjectNode kapso = record.putObject("kapso");
        kapso.put("direction", "inbound");
        kapso.put("status", "delivered");
        kapso.put("has_media", false);
        kapso.put("whatsapp_conversation_id", conversationId);
        kapso.put("contact_name", name);
        kapso.put("content", text);
        return record;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = "/meta/whatsapp/v24.0/";
            if (!"GET".equals(exchange.getRequestMethod()) || !path.startsWith(prefix) || !path.endsWith("/messages")) {
                send(exchange, 404, "{\"error\":{\"message\":\"unknown path " + path + "\"}}", null);
                return;
            }
            String number = path.substring(prefix.length(), path.length() - "/messages".length());
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String key = exchange.getRequestHeaders().getFirst("X-API-Key");
            requests.add(new Request(number, query, key, System.currentTimeMillis()));
            int pageIndex = query.containsKey("after") ? Integer.parseInt(new String(Base64.getDecoder().decode(query.get("after")),
                    StandardCharsets.UTF_8).split(":")[1]) : 0;
            ConcurrentLinkedQueue<Fault> queue = faults.get(number);
            Fault fault = queue == null ? null : queue.peek();
            if (fault != null && (fault.page() < 0 || fault.page() == pageIndex)) {
                queue.poll();
                if (fault.hangMillis() > 0) {
                    Thread.sleep(fault.hangMillis());
                    return;
                }
                if (fault.hugeBytes() > 0) {
                    sendHuge(exchange, fault.hugeBytes());
                    return;
                }
                send(exchange, fault.status(), fault.body() != null ? fault.body()
                        : "{\"error\":{\"message\":\"scripted " + fault.status() + "\",\"code\":" + fault.status() + "}}",
                        fault.retryAfter());
                return;
            }
            if (key == null || !key.equals(keys.get(number))) {
                send(exchange, 401, "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"OAuthException\",\"code\":190}}", null);
                return;
            }
            if (!query.getOrDefault("fields", "").startsWith("kapso(") || !query.containsKey("since") || !query.containsKey("until")) {
                send(exchange, 400, "{\"error\":{\"message\":\"since, until and fields=kapso(...) are expected\"}}", null);
                return;
            }
            long since = Instant.parse(query.get("since")).getEpochSecond();
            long until = Instant.parse(query.get("until")).getEpochSecond();
            int limit = Integer.parseInt(query.getOrDefault("limit", "20"));
            if (limit < 1 || limit > 100) {
                send(exchange, 400, "{\"error\":{\"message\":\"limit must be 1-100\"}}", null);
                return;
            }
            List<ObjectNode> records;
            boolean more;
            Generated made = generated.get(number);
            if (made != null) {
                int first = made.firstAtOrAfter(since);
                int end = made.firstAtOrAfter(until + 1);
                int from = Math.min(first + pageIndex * limit, end);
                int to = Math.min(from + limit, end);
                records = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    records.add(made.record().apply(i));
                }
                more = to < end;
            } else {
                List<ObjectNode> window = new ArrayList<>();
                for (ObjectNode m : messages.getOrDefault(number, List.of())) {
                    long t = Long.parseLong(m.get("timestamp").asText());
                    if (t >= since && t <= until) {
                        window.add(m);
                    }
                }
                window.sort(Comparator.comparingLong((ObjectNode m) -> Long.parseLong(m.get("timestamp").asText()))
                        .thenComparing(m -> m.get("id").asText()));
                int from = Math.min(pageIndex * limit, window.size());
                int to = Math.min(from + limit, window.size());
                records = window.subList(from, to);
                more = to < window.size();
            }
            ObjectNode page = JSON.createObjectNode();
            ArrayNode data = page.putArray("data");
            records.forEach(data::add);
            if (pageIndex == 0) {
                junk.getOrDefault(number, List.of()).forEach(data::add);
            }
            ObjectNode cursors = page.putObject("paging").putObject("cursors");
            if (repeatingCursor.contains(number) && !records.isEmpty()) {
                more = true;
                pageIndex = 0;
            }
            if (more) {
                String after = Base64.getEncoder().encodeToString(("page:" + (pageIndex + 1)).getBytes(StandardCharsets.UTF_8));
                cursors.put("after", after);
                ((ObjectNode) page.get("paging")).put("next", after);
            }
            send(exchange, 200, page.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, String body, String retryAfter) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A page of one inbound message whose text fills it to the given size, written a block at a time. */
    private void sendHuge(HttpExchange exchange, long bytes) throws IOException {
        byte[] head = ("{\"data\":[{\"id\":\"wamid.huge\",\"timestamp\":\"" + (System.currentTimeMillis() / 1000 - 60)
                + "\",\"type\":\"text\",\"from\":\"6281100000000\",\"kapso\":{\"direction\":\"inbound\"},\"text\":{\"body\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}],\"paging\":{\"cursors\":{}}}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes);
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'x');
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(head);
            long left = bytes - head.length - tail.length;
            hugeBytesTaken.addAndGet(head.length);
            while (left > 0) {
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                hugeBytesTaken.addAndGet(n);
                left -= n;
            }
            out.write(tail);
            hugeBytesTaken.addAndGet(tail.length);
        } catch (IOException hungUp) {
            // the client stopped reading: what it took is counted
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
