package dev.leadline.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL that comes up after the service: a port on loopback where nothing listens (a connection is
 * refused, as by a server not started yet) until {@link #open()}, from when each connection is forwarded to
 * the real server.
 */
public final class LateDatabase implements AutoCloseable {

    private static final Pattern SERVER = Pattern.compile("^jdbc:postgresql://([^:/,]+)(?::(\\d+))?/");

    private final String url;
    private final String host;
    private final int serverPort;
    private final int port = TestPorts.next();
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "late-database");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket listening;

    /** @param jdbcUrl the real server's URL (one host) */
    public LateDatabase(String jdbcUrl) {
        Matcher server = SERVER.matcher(jdbcUrl);
        if (!server.find()) {
            throw new IllegalArgumentException("not a one-host PostgreSQL URL: " + jdbcUrl);
        }
        host = server.group(1);
        serverPort = server.group(2) == null ? 5432 : Integer.parseInt(server.group(2));
        url = server.replaceFirst("jdbc:postgresql://127.0.0.1:" + port + "/");
    }

    /** The real server's URL, with this port instead of the server's. */
    public String url() {
        return url;
    }

    /** From now on, connections are taken and forwarded to the real server. */
    public synchronized void open() throws IOException {
        listening = new ServerSocket();
        listening.bind(new InetSocketAddress("127.0.0.1", port));
        threads.submit(this::forward);
    }

    private void forward() {
        while (true) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket(host, serverPort);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                threads.submit(() -> copy(client.getInputStream(), server.getOutputStream(), server));
                threads.submit(() -> copy(server.getInputStream(), client.getOutputStream(), client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static Void copy(InputStream from, OutputStream to, Socket toSocket) {
        try (toSocket) {
            from.transferTo(to);
        } catch (IOException ended) {
            // either side went away: the other is closed with it
        }
        return null;
    }

    @Override
    public synchronized void close() throws IOException {
        threads.shutdownNow();
        if (listening != null) {
            listening.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
