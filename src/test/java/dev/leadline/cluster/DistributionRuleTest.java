package dev.leadline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.leadline.support.LeadlineApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Citus's rule for distributed tables, read from the migrated schema's catalog: every table of the public
 * schema is distributed by workspace_id (the column in its primary key, every unique constraint and unique
 * index, and every foreign key to another distributed table), unless docs/scaling.md places it as a
 * reference or a coordinator-local table. The placements, the known violations and the distribution script
 * all live in docs/scaling.md (marked blocks), so the document and this test can't drift apart: a new table
 * or constraint that breaks the rule fails here with its name, and a fixed violation still listed does too.
 * Citus itself is not installed here: this proves the schema against the rule, not the script against Citus.
 */
class DistributionRuleTest {

    static final Path DOCUMENT = Path.of("docs", "scaling.md");

    enum Placement { DISTRIBUTED, REFERENCE, LOCAL }

    record Violation(String table, String constraint, String problem) {
        String key() {
            return table + " " + constraint;
        }

        @Override
        public String toString() {
            return "table " + table + ", " + constraint + ": " + problem;
        }
    }

    static LeadlineApp app;

    @BeforeAll
    static void start() throws Exception {
        app = LeadlineApp.shared();
    }

    @Test
    void everyTableKeepsTheRuleOrIsAPlacedOrKnownException() throws Exception {
        Map<String, Placement> placements = placements();
        Set<String> known = knownViolations();
        try (Connection c = app.dataSource().getConnection()) {
            Set<String> tables = tables(c);
            for (String pattern : placements.keySet()) {
                assertTrue(tables.stream().anyMatch(t -> matches(pattern, t)),
                        "docs/scaling.md places " + pattern + ", which is no table of the schema");
            }
            List<Violation> found = violations(c, placements);
            List<String> fresh = found.stream().filter(v -> !known.contains(v.key())).map(Violation::toString).toList();
            assertEquals(List.of(), fresh, "tables that break Citus's rule for distributed tables (docs/scaling.md,"
                    + " \"Scaling past one PostgreSQL\"): put workspace_id in the key, or place the table there with its reason");
            Set<String> stillBroken = found.stream().map(Violation::key).collect(Collectors.toSet());
            List<String> fixed = known.stream().filter(k -> !stillBroken.contains(k)).toList();
            assertEquals(List.of(), fixed, "known violations that no longer break the rule: take them out of docs/scaling.md");
        }
    }

    @Test
    void theScriptDistributesEveryTableAsPlacedAfterTheTablesItReferences() throws Exception {
        Map<String, Placement> placements = placements();
        List<String[]> calls = new ArrayList<>();
        Matcher call = Pattern.compile("SELECT (create_reference_table|create_distributed_table)\\('(\\w+)'(?:, '(\\w+)'"
                + "(?:, colocate_with => '(\\w+)')?)?\\);").matcher(block("script"));
        while (call.find()) {
            calls.add(new String[] {call.group(1), call.group(2), call.group(3), call.group(4)});
        }
        Map<String, Integer> order = new LinkedHashMap<>();
        for (String[] c : calls) {
            assertEquals(null, order.put(c[1], order.size()), "the script names " + c[1] + " twice");
        }
        try (Connection conn = app.dataSource().getConnection()) {
            for (String table : tables(conn)) {
                Placement placement = placementOf(table, placements);
                Integer at = order.get(table);
                if (placement == Placement.LOCAL) {
                    assertEquals(null, at, table + " stays on the coordinator: the script must not name it");
                    continue;
                }
                assertTrue(at != null, "the script of docs/scaling.md does not place " + table);
                String[] c = calls.get(at);
                if (placement == Placement.REFERENCE) {
                    assertEquals("create_reference_table", c[0], table);
                } else {
                    assertEquals("create_distributed_table", c[0], table);
                    assertEquals("workspace_id", c[2], table + "'s distribution column");
                    assertEquals(at == firstDistributed(calls) ? null : "lead", c[3],
                            table + ": the first distributed table starts the group, every other is co-located with lead");
                }
            }
            assertEquals(tables(conn).stream().filter(t -> placementOf(t, placements) != Placement.LOCAL).collect(Collectors.toSet()),
                    order.keySet(), "the script names exactly the schema's reference and distributed tables");
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
                while (rs.next()) {
                    String table = rs.getString("tbl");
                    String referenced = rs.getString("referenced");
                    if (!table.equals(referenced) && order.containsKey(table) && order.containsKey(referenced)) {
                        assertTrue(order.get(referenced) < order.get(table), "the script places " + table + " before "
                                + referenced + ", which " + rs.getString("name") + " references");
                    }
                }
            }
        }
    }

    @Test
    void aNewTableThatBreaksTheRuleIsNamedWithItsConstraint() throws Exception {
        Map<String, Placement> placements = placements();
        try (Connection c = app.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE rule_probe_tag (id bigint PRIMARY KEY, workspace_id bigint NOT NULL,"
                        + " lead_id bigint NOT NULL REFERENCES lead (id), tag text NOT NULL, CONSTRAINT rule_probe_tag_once UNIQUE (lead_id, tag))");
                s.execute("CREATE UNIQUE INDEX rule_probe_tag_by_name ON rule_probe_tag (lower(tag))");
                s.execute("CREATE TABLE rule_probe_log (id bigint PRIMARY KEY, line text)");
                s.execute("CREATE TABLE rule_probe_fine (workspace_id bigint NOT NULL REFERENCES workspace (id), id bigint NOT NULL,"
                        + " name text NOT NULL, PRIMARY KEY (workspace_id, id), UNIQUE (workspace_id, name))");
                List<String> probes = violations(c, placements).stream().filter(v -> v.table().startsWith("rule_probe_"))
                        .map(Violation::toString).toList();
                assertEquals(List.of(
                        "table rule_probe_log, (table): has no workspace_id column, the distribution column",
                        "table rule_probe_log, rule_probe_log_pkey: primary key without workspace_id",
                        "table rule_probe_tag, rule_probe_tag_by_name: unique index without workspace_id",
                        "table rule_probe_tag, rule_probe_tag_lead_id_fkey: foreign key to distributed table lead without workspace_id on both sides",
                        "table rule_probe_tag, rule_probe_tag_once: unique constraint without workspace_id",
                        "table rule_probe_tag, rule_probe_tag_pkey: primary key without workspace_id"), probes);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /** What breaks the rule, table by table, in the order of table and constraint names. */
    static List<Violation> violations(Connection c, Map<String, Placement> placements) throws SQLException {
        List<Violation> found = new ArrayList<>();
        Set<String> withPrimaryKey = new TreeSet<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(UNIQUE_KEYS)) {
                while (rs.next()) {
                    String table = rs.getString("tbl");
                    if ("primary key".equals(rs.getString("kind"))) {
                        withPrimaryKey.add(table);
                    }
                    if (placementOf(table, placements) == Placement.DISTRIBUTED && !rs.getBoolean("has_workspace_id")) {
                        found.add(new Violation(table, rs.getString("name"), rs.getString("kind") + " without workspace_id"));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery(TABLES)) {
                while (rs.next()) {
                    String table = rs.getString("tbl");
                    if (placementOf(table, placements) != Placement.DISTRIBUTED) {
                        continue;
                    }
                    if (!rs.getBoolean("has_workspace_id")) {
                        found.add(new Violation(table, "(table)", "has no workspace_id column, the distribution column"));
                    }
                    if (!withPrimaryKey.contains(table)) {
                        found.add(new Violation(table, "(primary key)", "has no primary key to hold workspace_id"));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
                while (rs.next()) {
                    String table = rs.getString("tbl");
                    String referenced = rs.getString("referenced");
                    Placement from = placementOf(table, placements);
                    Placement to = placementOf(referenced, placements);
                    String problem = null;
                    if (from == Placement.DISTRIBUTED && to == Placement.DISTRIBUTED && !rs.getBoolean("pairs_workspace_id")) {
                        problem = "foreign key to distributed table " + referenced + " without workspace_id on both sides";
                    } else if (from != Placement.DISTRIBUTED && to == Placement.DISTRIBUTED) {
                        problem = "foreign key from a " + from.name().toLowerCase() + " table to distributed table " + referenced;
                    } else if (from != Placement.LOCAL && to == Placement.LOCAL) {
                        problem = "foreign key to coordinator-local table " + referenced;
                    }
                    if (problem != null) {
                        found.add(new Violation(table, rs.getString("name"), problem));
                    }
                }
            }
        }
        found.sort((a, b) -> a.key().compareTo(b.key()));
        return found;
    }

    /** The public schema's tables (a partition goes with its parent). */
    static Set<String> tables(Connection c) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
            while (rs.next()) {
                tables.add(rs.getString("tbl"));
            }
        }
        return tables;
    }

    static final String TABLES = """
            SELECT t.relname AS tbl,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = t.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped) AS has_workspace_id
            FROM pg_class t
            WHERE t.relnamespace = 'public'::regnamespace AND t.relkind IN ('r', 'p') AND NOT t.relispartition
            """;

    /** Primary keys, unique and exclusion constraints, and unique indexes of no constraint; workspace_id as a key column. */
    static final String UNIQUE_KEYS = """
            SELECT t.relname AS tbl, k.relname AS name,
                   CASE WHEN con.contype = 'p' THEN 'primary key' WHEN con.contype = 'u' THEN 'unique constraint'
                        WHEN con.contype = 'x' THEN 'exclusion constraint' ELSE 'unique index' END AS kind,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = t.oid AND a.attname = 'workspace_id'
                             AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])) AS has_workspace_id
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class k ON k.oid = i.indexrelid
            LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
            WHERE t.relnamespace = 'public'::regnamespace AND t.relkind IN ('r', 'p') AND NOT t.relispartition
              AND (i.indisunique OR con.contype = 'x')
            """;

    /** Foreign keys, and whether they pair the table's workspace_id with the referenced table's. */
    static final String FOREIGN_KEYS = """
            SELECT t.relname AS tbl, con.conname AS name, r.relname AS referenced,
                   EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(col, refcol)
                           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
                           JOIN pg_attribute b ON b.attrelid = con.confrelid AND b.attnum = k.refcol
                           WHERE a.attname = 'workspace_id' AND b.attname = 'workspace_id') AS pairs_workspace_id
            FROM pg_constraint con
            JOIN pg_class t ON t.oid = con.conrelid
            JOIN pg_class r ON r.oid = con.confrelid
            WHERE con.contype = 'f' AND t.relnamespace = 'public'::regnamespace AND NOT t.relispartition
            """;

    static boolean matches(String pattern, String table) {
        return pattern.endsWith("*") ? table.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(table);
    }

    static Placement placementOf(String table, Map<String, Placement> placements) {
        return placements.entrySet().stream().filter(e -> matches(e.getKey(), table)).map(Map.Entry::getValue)
                .findFirst().orElse(Placement.DISTRIBUTED);
    }

    static int firstDistributed(List<String[]> calls) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i)[0].equals("create_distributed_table")) {
                return i;
            }
        }
        return -1;
    }

    /** docs/scaling.md's allow-list: every table that is not distributed, as reference or local, each with its reason. */
    static Map<String, Placement> placements() throws IOException {
        Map<String, Placement> placements = new LinkedHashMap<>();
        for (List<String> row : rows("placements")) {
            assertFalse(row.get(2).isBlank(), row.get(0) + " is placed without a reason");
            Placement placement = Placement.valueOf(row.get(1).toUpperCase());
            assertTrue(placement != Placement.DISTRIBUTED, "the allow-list holds the tables that are not distributed: " + row);
            assertEquals(null, placements.put(row.get(0), placement), row.get(0) + " is placed twice");
        }
        return placements;
    }

    /** docs/scaling.md's known violations, as "table constraint", each with what a migration would do. */
    static Set<String> knownViolations() throws IOException {
        Set<String> known = new LinkedHashSet<>();
        for (List<String> row : rows("known violations")) {
            assertFalse(row.get(3).isBlank(), row + " names no fix");
            assertTrue(known.add(row.get(0) + " " + row.get(1)), row + " is listed twice");
        }
        return known;
    }

    /** The Markdown table after a {@code <!-- distribution: name -->} line: its body rows, cells unquoted. */
    static List<List<String>> rows(String name) throws IOException {
        List<String> lines = Files.readAllLines(DOCUMENT);
        int i = marker(lines, name) + 3; // the header and its rule
        List<List<String>> rows = new ArrayList<>();
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|")) {
                cells.add(cell.strip().replace("`", ""));
            }
            rows.add(cells);
        }
        assertFalse(rows.isEmpty(), "docs/scaling.md's " + name + " has no rows");
        return rows;
    }

    /** The fenced block after a {@code <!-- distribution: name -->} line. */
    static String block(String name) throws IOException {
        List<String> lines = Files.readAllLines(DOCUMENT);
        int i = marker(lines, name) + 1;
        assertTrue(lines.get(i).startsWith("```"), "a fenced block follows the marker of " + name);
        StringBuilder text = new StringBuilder();
        for (i++; !lines.get(i).startsWith("```"); i++) {
            text.append(lines.get(i)).append('\n');
        }
        return text.toString();
    }

    static int marker(List<String> lines, String name) {
        int at = lines.indexOf("<!-- distribution: " + name + " -->");
        assertTrue(at >= 0, "docs/scaling.md has no <!-- distribution: " + name + " --> block");
        return at;
    }
}
