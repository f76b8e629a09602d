package dev.leadline.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops and restarts the embedded PostgreSQL server behind a running service, in place, to simulate an
 * outage: the server is stopped with a fast shutdown (SIGINT) and started again with the exact command
 * line it last ran with (postmaster.opts), under {@code unshare -U} when we are root, as zonky does.
 */
public final class PostgresProcess {

    private PostgresProcess() {
    }

    public static void stop(Path dataDir) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-INT", String.valueOf(pid)).inheritIO().start().waitFor();
        server.onExit().join();
    }

    public static void start(Path dataDir) throws IOException, InterruptedException {
        String opts = Files.readString(dataDir.resolve("postmaster.opts"));
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("unshare");
            command.add("-U");
        }
        Matcher quoted = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(opts);
        while (quoted.find()) {
            command.add(quoted.group(1) != null ? quoted.group(1) : quoted.group(2));
        }
        int port = Integer.parseInt(command.get(command.indexOf("-p") + 1));
        new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + "-restart.log").toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Thread.sleep(300); // accepting TCP a moment before it accepts logins
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("PostgreSQL did not come back on port " + port);
    }
}
