package dev.leadline.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Launch to the first served request, and resident memory right after: with a fresh data directory
 * (initdb, migrations, demo seed) and again on the same, existing one.
 */
final class StartupBenchmark {

    private StartupBenchmark() {
    }

    static void run(int runs, Table table) throws Exception {
        for (int i = 0; i < runs; i++) {
            String dataDir = Path.of("target", "bench-pg", UUID.randomUUID().toString()).toAbsolutePath().toString();
            for (String kind : new String[] {"fresh data directory (initdb, migrations, demo seed)", "existing data directory"}) {
                try (ServiceProcess service = ServiceProcess.start("startup-" + i, Map.of("DB_EMBEDDED_DATA_DIR", dataDir), List.of())) {
                    table.add("start-up, " + kind + ", run " + (i + 1),
                            service.startupMillis() + " ms to the first served request; RSS " + service.rssMiB() + " MiB", "-", "-");
                }
            }
        }
    }
}
