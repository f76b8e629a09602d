package dev.leadline.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's PgBouncer (the pgbouncer package, apt-get install pgbouncer; .ci/run installs it) as a child process
 * in front of a test's PostgreSQL, in transaction pooling: a server connection is a client's for one
 * transaction only. Clients are trusted (loopback only); PgBouncer logs in to PostgreSQL with the given
 * user and password. Its configuration is written to a temporary directory, its log to target/test-pgbouncer.
 */
public final class PgBouncer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/pgbouncer");
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?/([^?]+).*");

    private final Process process;
    private final int port;
    private final String database;
    private final Path dir;

    private PgBouncer(Process process, int port, String database, Path dir) {
        this.process = process;
        this.port = port;
        this.database = database;
        this.dir = dir;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * @param directUrl the database's JDBC URL (host, port and database name are taken from it)
     * @param poolSize server connections PgBouncer opens to the database for all its clients (default_pool_size)
     */
    public static PgBouncer start(String directUrl, String user, String password, int poolSize) throws Exception {
        Matcher url = JDBC.matcher(directUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + directUrl);
        }
        String host = url.group(1).equals("localhost") ? "127.0.0.1" : url.group(1);
        String serverPort = url.group(2) == null ? "5432" : url.group(2);
        String database = url.group(3);
        int port = TestPorts.next();
        // Readable by the unprivileged user PgBouncer becomes when started as root (it refuses to run as root).
        Path dir = Files.createTempDirectory("pgbouncer", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path users = Files.writeString(dir.resolve("users.txt"), "\"" + user + "\" \"\"\n");
        String ini = String.join("\n",
                "[databases]",
                database + " = host=" + host + " port=" + serverPort + " dbname=" + database + " user=" + user
                        + (password.isEmpty() ? "" : " password=" + password),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + users,
                "pool_mode = transaction",
                "default_pool_size = " + poolSize,
                "max_client_conn = 1000",
                // pgjdbc sends it at login; PgBouncer 1.18 refuses a startup parameter it does not know otherwise.
                "ignore_startup_parameters = extra_float_digits",
                "",
                "") + ("root".equals(System.getProperty("user.name")) ? "user = nobody\n" : "");
        Path config = Files.writeString(dir.resolve("pgbouncer.ini"), ini);
        Path log = Files.createDirectories(Path.of("target", "test-pgbouncer")).resolve("pgbouncer-" + port + ".log");
        Process process = new ProcessBuilder(BINARY.toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PgBouncer bouncer = new PgBouncer(process, port, database, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!bouncer.listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                bouncer.close();
                throw new IllegalStateException("pgbouncer did not start (exit " + (process.isAlive() ? "none" : process.exitValue())
                        + "): " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return bouncer;
    }

    /** The URL the services connect to: PgBouncer's port, the same database name. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
