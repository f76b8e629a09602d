package dev.leadline.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Quartz scheduler clustered on the service's own database, one per scheduled job (the daily summaries,
 * the Kapso catch-up), so that an instance with one job switched off never takes a fire of it: its
 * trigger lives in the qrtz_* tables (migration V7) under the scheduler's name, every instance on the
 * database shares it, and Quartz's row lock lets exactly one live instance fire each time. An instance that dies is noticed by the others
 * through its missed check-ins (quartz.checkin-interval-ms) and its trigger freed; a fire it was running is fired
 * again at once on a live instance when its job requests recovery (the summary schedule's does). Connections come from
 * the service's pool (the embedded database's URL is only known once it runs). Handed to camel-quartz as
 * its scheduler; shut down here, when the context stops, after the routes and before the pools close.
 */
public final class ClusteredScheduler extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ClusteredScheduler.class);
    private static final Object NAMING = new Object();

    private final Scheduler scheduler;

    /**
     * @param name the scheduler name (Quartz's SCHED_NAME): instances share a trigger only under the same name
     * @param checkinIntervalMillis how often an instance checks in; one silent for this plus 7.5 s is recovered
     * @param misfireThresholdMillis a fire later than this is a misfire (fired once now, not once per missed fire)
     */
    public ClusteredScheduler(DataSource dataSource, String name, long checkinIntervalMillis, long misfireThresholdMillis)
            throws SchedulerException {
        synchronized (NAMING) {
            // Quartz keeps one scheduler per name in a JVM, and would hand a second service the first one's
            // (on another database). Only tests run several services in one JVM, each on its own database.
            String unique = name;
            for (int i = 2; SchedulerRepository.getInstance().lookup(unique) != null; i++) {
                unique = name + "-" + i;
            }
            if (!unique.equals(name)) {
                LOG.warn("Quartz scheduler {} already runs in this JVM: this service's is named {}", name, unique);
            }
            DBConnectionManager.getInstance().addConnectionProvider(unique, new PoolConnections(dataSource));
            scheduler = new StdSchedulerFactory(properties(unique, checkinIntervalMillis, misfireThresholdMillis)).getScheduler();
        }
    }

    static Properties properties(String name, long checkinIntervalMillis, long misfireThresholdMillis) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // One job, never run twice at once (stateful): one worker thread is all it takes.
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", name);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinIntervalMillis));
        p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(misfireThresholdMillis));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        return p;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    protected void doStop() throws SchedulerException {
        // Not waiting for a running job: the routes have already been given camel.main.shutdown-timeout to
        // finish it, and the run record is closed as interrupted (InterruptedRunRecords) if they did not.
        scheduler.shutdown(false);
    }

    /** Quartz's connections from the service's pool; the pool is the Database's to close. */
    private record PoolConnections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
