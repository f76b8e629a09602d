package dev.leadline.events.kafka;

import java.time.Clock;

import dev.leadline.observe.Meters;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/** Binds the Kafka relay's beans (routes/event-kafka.camel.yaml calls them by name), each with its settings. */
public class KafkaRelayConfiguration implements CamelConfiguration {

    /**
     * true where events.kafka.brokers is set: the relay's routes start on it (autoStartup). Worked out here
     * rather than a second setting, so that setting the brokers is all it takes.
     */
    public static final String RELAY_ON = "events.kafka.relay-on";

    @PropertyInject(value = "events.kafka.brokers", defaultValue = "") String brokers;
    @PropertyInject("events.kafka.concurrency") int concurrency;

    @BindToRegistry("kafkaRelay")
    public KafkaRelay kafkaRelay(@PropertyInject("events.kafka.retry-delay-ms") long retryDelayMillis,
                                 @PropertyInject("events.kafka.max-retry-delay-ms") long maxRetryDelayMillis) {
        return new KafkaRelay(retryDelayMillis, maxRetryDelayMillis);
    }

    @Override
    public void configure(CamelContext context) {
        context.getPropertiesComponent().addOverrideProperty(RELAY_ON, String.valueOf(!brokers.isBlank()));
        context.getRegistry().bind("kafkaLag", new KafkaLag(Meters.of(context), Clock.systemUTC()));
        // A round's deliveries side by side, each thread waiting for its record's acknowledgement; a full
        // queue makes the splitting thread send too, so a round never has more in flight than this.
        ThreadPoolProfile threads = new ThreadPoolProfileBuilder("kafkaRelayThreads")
                .poolSize(concurrency).maxPoolSize(concurrency).maxQueueSize(concurrency)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
        context.getRegistry().bind("kafkaRelayThreads",
                context.getExecutorServiceManager().newThreadPool(this, "kafkaRelayThreads", threads));
    }
}
