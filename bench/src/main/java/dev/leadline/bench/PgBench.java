package dev.leadline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own limit for storing messages: pgbench running the service's store-message.sql (the very
 * file, its named parameters turned into pgbench variables) with a workload's mix and connections. The
 * webhook intake and the catch-up store through that one statement; only their mixes differ.
 */
final class PgBench {

    /**
     * What pgbench runs: clients connections for seconds; batchPercent of the transactions store batchSize
     * messages, the rest one; existingPercent of the phones are among leads 1..seededLeads, the rest new;
     * arrival is the message's source (webhook, catch-up); name prefixes the files under target/bench/.
     */
    record Mix(String name, int clients, int seconds, int batchPercent, int batchSize, int existingPercent, int seededLeads,
               String arrival) {
    }

    private PgBench() {
    }

    /** pgbench on the PATH; installed from Debian's postgresql-15 when missing, if asked and we are root. */
    static boolean available(boolean install) throws IOException, InterruptedException {
        if (onPath()) {
            return true;
        }
        if (install && "root".equals(System.getProperty("user.name"))) {
            System.out.println("pgbench missing: installing Debian's postgresql-15 (apt-get)");
            new ProcessBuilder("bash", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15")
                    .inheritIO().start().waitFor();
        }
        return onPath();
    }

    private static boolean onPath() throws IOException, InterruptedException {
        return new ProcessBuilder("bash", "-c", "command -v pgbench").start().waitFor() == 0;
    }

    /**
     * One message the way the service stores it: the workspace lookup of the delivery, then the
     * statement. existingPercent of the phones are among the seeded leads, the rest are new.
     */
    static String script(int messagesPerDelivery, int existingPercent, int seededLeads, String arrival) throws IOException {
        String store;
        try (InputStream in = PgBench.class.getResourceAsStream("/sql/intake/store-message.sql")) {
            store = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String lookup;
        try (InputStream in = PgBench.class.getResourceAsStream("/sql/intake/workspace-by-phone-number-id.sql")) {
            lookup = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String phone = "('+62813' || lpad(CAST(:lead AS text), 8, '0'))";
        String statement = strip(store)
                // the erasure check hashes the identities with the salt: any salt costs the same
                .replace(":#${properties:privacy.erasure-salt}", "'pgbench-erasure-salt'")
                .replace(":#workspaceId", ":ws")
                .replace(":#phone", phone)
                .replace(":#parentBsuid", "NULL")
                .replace(":#bsuid", "NULL")
                .replace(":#username", "NULL")
                .replace(":#contactName", "'Bench'")
                .replace(":#senderSentAt", "NULL")
                .replace(":#sentAt", "now()")
                .replace(":#conversationId", "('conv-' || " + phone + ")")
                .replace(":#conversationStatus", "'active'")
                .replace(":#wamid", "('wamid.pgbench.' || :client_id || '.' || :wamid)")
                .replace(":#direction", "'inbound'")
                .replace(":#type", "'text'")
                .replace(":#textTruncated", "false")
                .replace(":#text", "'Halo, saya mau tanya harga paket bulanan?'")
                .replace(":#mediaUrl", "NULL")
                .replace(":#arrival", "'" + arrival + "'");
        StringBuilder sb = new StringBuilder();
        sb.append("\\set ws 1\n");
        sb.append(strip(lookup).replace("CAST(:#phoneNumberId AS text)", "'" + Seed.DEMO_PHONE_NUMBER_ID + "'")).append(";\n");
        for (int i = 0; i < messagesPerDelivery; i++) {
            sb.append("\\set wamid random(1, 9000000000000000)\n");
            sb.append("\\set pick random(1, 100)\n");
            sb.append("\\if :pick <= ").append(existingPercent).append("\n");
            sb.append("\\set lead random(1, ").append(seededLeads).append(")\n");
            sb.append("\\else\n");
            sb.append("\\set lead random(").append(seededLeads + 1).append(", 99999999)\n");
            sb.append("\\endif\n");
            sb.append(statement).append(";\n");
        }
        return sb.toString();
    }

    /** The statement on one line, without its comments: pgbench reads a statement up to its semicolon. */
    static String strip(String sql) {
        return sql.lines().filter(l -> !l.trim().startsWith("--")).map(String::trim)
                .reduce((a, b) -> a + " " + b).orElse("").replace(";", "");
    }

    /** Messages per second pgbench sustains with the mix: 1 - batchShare single, batchShare batches. */
    static double messagesPerSecond(ServiceProcess service, Mix mix) throws IOException, InterruptedException {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Path single = dir.resolve(mix.name() + "-single.sql");
        Path batch = dir.resolve(mix.name() + "-batch.sql");
        Files.writeString(single, script(1, mix.existingPercent(), mix.seededLeads(), mix.arrival()));
        Files.writeString(batch, script(mix.batchSize(), mix.existingPercent(), mix.seededLeads(), mix.arrival()));
        // Both scripts even at a batch weight of 0: pgbench prints per-script figures only for two or more.
        List<String> command = new java.util.ArrayList<>(Pin.loadGenerator());
        command.addAll(List.of("pgbench", "-n", "-c", String.valueOf(mix.clients()),
                "-j", String.valueOf(Math.min(2, mix.clients())), "-T", String.valueOf(mix.seconds()),
                "-f", single + "@" + (100 - mix.batchPercent()), "-f", batch + "@" + mix.batchPercent(),
                "-h", "127.0.0.1", "-p", String.valueOf(service.dbPort()), "-U", "postgres", service.dbName()));
        Process pgbench = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(pgbench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (pgbench.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + out);
        }
        Files.writeString(dir.resolve(mix.name() + "-pgbench-output.txt"), out);
        Matcher tps = Pattern.compile("SQL script (\\d+):.*?tps = ([0-9.]+)", Pattern.DOTALL).matcher(out);
        double messages = 0;
        while (tps.find()) {
            messages += Double.parseDouble(tps.group(2)) * ("1".equals(tps.group(1)) ? 1 : mix.batchSize());
        }
        return messages;
    }
}
