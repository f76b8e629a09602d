package dev.leadline.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Apache Kafka's own broker (kafka_2.13, the version of the kafka-clients Camel's BOM brings), in KRaft mode
 * (broker and controller in one process, no ZooKeeper), as a child JVM on two loopback ports of this fork's
 * range (support/TestPorts), its log under target/. A child process, so that a test can stop it for real
 * (SIGTERM, or kill -9) and start it again on the same log and ports.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private KafkaBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** A new broker, formatted and started, with topic made with the given partitions. */
    public static KafkaBroker start(String topic, int partitions) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-kafka")).toAbsolutePath(), "broker");
        int port = TestPorts.next();
        int controllerPort = TestPorts.next();
        Properties config = new Properties();
        config.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("log").toString()),
                Map.entry("num.partitions", String.valueOf(partitions)),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "false")));
        Path properties = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(properties)) {
            config.store(out, "test broker");
        }
        KafkaBroker broker = new KafkaBroker(dir, port);
        int formatted = broker.java("format", "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", properties.toString()).waitFor();
        if (formatted != 0) {
            throw new IllegalStateException("kafka storage format exited " + formatted + ": " + broker.output("format"));
        }
        broker.startAgain();
        broker.createTopic(topic, partitions);
        return broker;
    }

    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the broker (again, on the same log and ports) and waits until it answers. */
    public void startAgain() throws Exception {
        process = java("broker", "kafka.Kafka", dir.resolve("server.properties").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kafka exited " + process.exitValue() + ": " + output("broker"));
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("kafka did not answer within 90 s: " + output("broker"), last);
    }

    /** Stops the broker the way an operator does (SIGTERM: a controlled shutdown). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** Every record of the topic from its start, read until quiet for the given time (or max records). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration quiet) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + quiet.toNanos() * 10;
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                if (atEnd) {
                    break;
                }
            }
        }
        return records;
    }

    private Process java(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + log4j(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    }

    /** The child's log: its own file, warnings and up (the service's log4j2.properties would be the default). */
    private String log4j() throws IOException {
        Path file = dir.resolve("log4j2.properties");
        if (!Files.exists(file)) {
            Files.writeString(file, String.join("\n",
                    "rootLogger.level = WARN", "rootLogger.appenderRef.out.ref = out",
                    "appender.out.type = Console", "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = %d %p %c{1} %m%n", ""));
        }
        return file.toString();
    }

    private String output(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
