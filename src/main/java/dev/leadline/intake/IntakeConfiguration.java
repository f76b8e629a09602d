package dev.leadline.intake;

import java.time.Duration;

import javax.sql.DataSource;

import dev.leadline.observe.Meters;
import dev.leadline.web.AuthAttempts;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * Binds the intake's beans, which routes/kapso-intake.camel.yaml, meta-intake.camel.yaml and intake-store.camel.yaml
 * call by name, and starts the group commit's writers on the intake's pool.
 */
public class IntakeConfiguration implements CamelConfiguration {

    @PropertyInject("intake.group-commit-ms") long groupCommitMillis;
    @PropertyInject("intake.group-commit-max-messages") int groupCommitMaxMessages;
    @PropertyInject("intake.group-commit-writers") int groupCommitWriters;
    @PropertyInject("db.intake-connection-timeout-ms") long connectionTimeoutMillis;
    @PropertyInject("db.intake-statement-timeout-ms") long statementTimeoutMillis;
    @PropertyInject("privacy.erasure-salt") String erasureSalt;

    @Override
    public void configure(CamelContext context) throws Exception {
        DataSource intakeDataSource = context.getRegistry().lookupByNameAndType("intakeDataSource", DataSource.class);
        // A caller waits for its group at most as long as the group can take: a connection, the wait, the statement;
        // one second more, and it is answered 503 (the sender retries; a late commit makes the retry a duplicate).
        Duration answerWithin = Duration.ofMillis(connectionTimeoutMillis + groupCommitMillis + statementTimeoutMillis + 1000);
        MessageGroupCommit groupCommit = new MessageGroupCommit(context, intakeDataSource, erasureSalt,
                Duration.ofMillis(groupCommitMillis), groupCommitMaxMessages, groupCommitWriters, answerWithin,
                Meters.of(context));
        context.getRegistry().bind("messageGroupCommit", groupCommit);
        // Stopped after the routes (their deliveries in flight have their answers), before the database's pool.
        context.addService(groupCommit, true, true);
    }

    @BindToRegistry("webhookJson")
    public WebhookJson webhookJson(@PropertyInject("webhook.max-json-depth") int maxDepth) {
        return new WebhookJson(maxDepth);
    }

    @BindToRegistry("webhookSignature")
    public WebhookSignature webhookSignature(@PropertyInject(value = "webhook.fallback-secret", defaultValue = "") String fallbackSecret,
                                             @BeanInject("authAttempts") AuthAttempts attempts) {
        return new WebhookSignature(fallbackSecret, attempts);
    }

    @BindToRegistry("kapsoEvents")
    public KapsoEvents kapsoEvents(@PropertyInject("webhook.max-batch-items") int maxBatchItems) {
        return new KapsoEvents(maxBatchItems);
    }

    @BindToRegistry("metaEvents")
    public MetaEvents metaEvents(@PropertyInject(value = "meta.verify-token", defaultValue = "") String verifyToken,
                                 @PropertyInject("webhook.max-batch-items") int maxBatchItems) {
        return new MetaEvents(verifyToken, maxBatchItems);
    }

    @BindToRegistry("intakeTriage")
    public IntakeTriage intakeTriage(@PropertyInject("intake.max-text-chars") int maxTextChars) {
        return new IntakeTriage(new PhoneCanonicalizer(), maxTextChars);
    }

    @BindToRegistry("identityChanges")
    public IdentityChanges identityChanges() {
        return new IdentityChanges();
    }

    @BindToRegistry("intakeTally")
    public IntakeTally intakeTally() {
        return new IntakeTally();
    }
}
