package dev.leadline.intake;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.leadline.db.SqlFile;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Group commit for intake's messages: the messages of concurrent deliveries share one transaction and one round
 * trip (sql/intake/store-messages.sql), so PostgreSQL commits, plans and answers once per group, not once per
 * message. A caller's thread hands its message over and waits; a writer takes what has queued, up to
 * {@code maxItems}, waiting at most {@code wait} after the first for more, stores the group, commits, and only then
 * answers each caller with its item's outcome ('stored', 'duplicates', 'erased'), or with its item's own failure as
 * an SQLException carrying PostgreSQL's SQLSTATE, which the routes answer as they answered it before (503: retry).
 * A failing item is rolled back alone (the statement runs each item in a subtransaction): its neighbours commit.
 * In a group an item waits at most {@link #GROUP_LOCK_WAIT} for a lock, so that a lead another transaction holds
 * does not hold up its neighbours; such an item is then stored again alone, on its caller's thread, waiting the
 * pool's own db.lock-timeout-ms as every message did before group commit (503 if the lead is still held).
 */
public final class MessageGroupCommit extends ServiceSupport {

    private static final String STATEMENT = "sql/intake/store-messages.sql";

    /** How long an item in a group waits for a lock (PostgreSQL's lock_timeout syntax). */
    static final String GROUP_LOCK_WAIT = "50ms";

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** The statement's array parameters, in its order: the item's field and the array's PostgreSQL type. */
    private static final List<Column> COLUMNS = List.of(
            new Column(IntakeItem.WORKSPACE_ID, "int8", v -> ((Number) v).longValue()),
            text(IntakeItem.PHONE), text(IntakeItem.BSUID), text(IntakeItem.PARENT_BSUID), text(IntakeItem.USERNAME),
            text(IntakeItem.CONTACT_NAME), text(IntakeItem.CONVERSATION_ID), text(IntakeItem.CONVERSATION_STATUS),
            text(IntakeItem.WAMID), text(IntakeItem.DIRECTION), text(IntakeItem.TYPE), text(IntakeItem.TEXT),
            new Column(IntakeItem.TEXT_TRUNCATED, "bool", v -> v),
            text(IntakeItem.MEDIA_URL),
            new Column(IntakeItem.SENT_AT, "text", Object::toString),
            new Column(IntakeItem.SENDER_SENT_AT, "text", Object::toString),
            text(IntakeItem.ARRIVAL));

    /**
     * The order in which a group takes its leads' locks: by customer within a workspace, so that two groups
     * holding leads in common wait for each other instead of deadlocking.
     */
    private static final Comparator<Pending> LOCK_ORDER = Comparator
            .comparing((Pending p) -> ((Number) p.item().get(IntakeItem.WORKSPACE_ID)).longValue())
            .thenComparing(p -> Objects.toString(p.item().get(IntakeItem.BSUID), ""))
            .thenComparing(p -> Objects.toString(p.item().get(IntakeItem.PHONE), ""));

    private final CamelContext context;
    private final DataSource dataSource;
    private final String erasureSalt;
    private final long waitNanos;
    private final int maxItems;
    private final int writers;
    private final Duration answerWithin;
    private final DistributionSummary groupSizes;
    private final AtomicInteger waiting = new AtomicInteger();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final String statement = SqlFile.read(STATEMENT);
    private ExecutorService writerThreads;

    /**
     * @param wait        how long a writer waits after a group's first message for more (zero: it takes what is queued)
     * @param maxItems    the most messages in one group
     * @param writers     groups written at once, each on one of the data source's connections
     * @param answerWithin how long a caller waits for its group before it answers 503: the pool's connection
     *                     timeout, the statement timeout and the wait, with a margin
     */
    public MessageGroupCommit(CamelContext context, DataSource dataSource, String erasureSalt, Duration wait,
                              int maxItems, int writers, Duration answerWithin, MeterRegistry meters) {
        this.context = context;
        this.dataSource = dataSource;
        this.erasureSalt = erasureSalt;
        this.waitNanos = wait.toNanos();
        this.maxItems = maxItems;
        this.writers = writers;
        this.answerWithin = answerWithin;
        // leadline_intake_group_commit_messages: messages per committed group
        this.groupSizes = DistributionSummary.builder("leadline.intake.group.commit.messages")
                .description("Messages stored per group commit").register(meters);
        // leadline_intake_group_commit_waiting: messages whose deliveries wait for their group's commit
        Gauge.builder("leadline.intake.group.commit.waiting", waiting, AtomicInteger::get)
                .description("Messages waiting for their group commit").register(meters);
    }

    /**
     * Stores one trusted message (its normalised intake item) with the others queued beside it, and answers its
     * outcome once the group's transaction has committed.
     */
    public String store(Map<String, Object> item) throws SQLException, InterruptedException {
        if (!isRunAllowed()) {
            throw new SQLTransientConnectionException("intake is stopping", "57P01");
        }
        Pending pending = new Pending(item, new CompletableFuture<>());
        waiting.incrementAndGet();
        queue.add(pending);
        try {
            return pending.outcome().get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return storeAlone(pending);
            }
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("group commit failed", e.getCause());
        } catch (TimeoutException e) {
            throw new SQLTimeoutException("no group commit within " + answerWithin.toMillis() + " ms", "57014");
        } finally {
            waiting.decrementAndGet();
        }
    }

    @Override
    protected void doStart() {
        writerThreads = context.getExecutorServiceManager().newFixedThreadPool(this, "intakeGroupCommit", writers);
        for (int i = 0; i < writers; i++) {
            writerThreads.execute(this::write);
        }
    }

    @Override
    protected void doStop() {
        // Called after the routes have stopped, so nothing waits any more; anything left is answered 503.
        context.getExecutorServiceManager().shutdownNow(writerThreads);
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        SQLException stopping = new SQLTransientConnectionException("intake is stopping", "57P01");
        left.forEach(p -> p.outcome().completeExceptionally(stopping));
    }

    private void write() {
        List<Pending> group = new ArrayList<>(maxItems);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                group.add(queue.take());
                queue.drainTo(group, maxItems - group.size());
                long deadline = System.nanoTime() + waitNanos;
                while (group.size() < maxItems) {
                    Pending next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                    queue.drainTo(group, maxItems - group.size());
                }
                storeAndAnswer(group);
                group.clear();
            }
        } catch (InterruptedException e) {
            SQLException stopping = new SQLTransientConnectionException("intake is stopping", "57P01");
            group.forEach(p -> p.outcome().completeExceptionally(stopping));
            Thread.currentThread().interrupt();
        }
    }

    /** The message alone, with the pool's own lock timeout: one its group could not lock in {@link #GROUP_LOCK_WAIT}. */
    private String storeAlone(Pending pending) throws SQLException {
        List<Answer> answers = store(List.of(pending), null);
        Answer a = answers.get(0);
        if (a.outcome() == null) {
            throw new SQLException(a.error(), a.sqlState());
        }
        return a.outcome();
    }

    /** Stores the group in one statement and one transaction, committed on return; its answers by item. */
    private List<Answer> store(List<Pending> group, String lockWait) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int col = 0; col < COLUMNS.size(); col++) {
                ps.setArray(col + 1, COLUMNS.get(col).array(c, group));
            }
            ps.setString(COLUMNS.size() + 1, erasureSalt);
            ps.setString(COLUMNS.size() + 2, lockWait);
            List<Answer> answers = new ArrayList<>(group.size());
            // The intake pool autocommits: the statement is the transaction, committed when it has answered.
            try (ResultSet rows = ps.executeQuery()) {
                while (rows.next()) {
                    answers.add(new Answer(rows.getInt(1) - 1, rows.getString(2), rows.getString(3), rows.getString(4)));
                }
            }
            return answers;
        }
    }

    private void storeAndAnswer(List<Pending> group) {
        group.sort(LOCK_ORDER);
        try {
            List<Answer> answers = store(group, GROUP_LOCK_WAIT);
            groupSizes.record(group.size());
            // Committed: now, and only now, each caller learns its outcome.
            for (Answer a : answers) {
                CompletableFuture<String> outcome = group.get(a.index()).outcome();
                if (a.outcome() != null) {
                    outcome.complete(a.outcome());
                } else {
                    outcome.completeExceptionally(new SQLException(a.error(), a.sqlState()));
                }
            }
        } catch (SQLException | RuntimeException e) {
            // The whole group failed (the connection, the pool, a statement timeout): nothing of it is stored.
            group.forEach(p -> p.outcome().completeExceptionally(e));
        }
        // A row missing from the answer would leave its caller waiting: it cannot happen, but never hang on it.
        group.forEach(p -> p.outcome().completeExceptionally(new SQLException("no answer for the message in its group", "XX000")));
    }

    private static Column text(String field) {
        return new Column(field, "text", Object::toString);
    }

    private record Pending(Map<String, Object> item, CompletableFuture<String> outcome) {
    }

    private record Answer(int index, String outcome, String sqlState, String error) {
    }

    private record Column(String field, String type, Function<Object, Object> value) {
        Array array(Connection c, List<Pending> group) throws SQLException {
            Object[] values = new Object[group.size()];
            for (int i = 0; i < values.length; i++) {
                Object v = group.get(i).item().get(field);
                values[i] = v == null ? null : value.apply(v);
            }
            return c.createArrayOf(type, values);
        }
    }
}
