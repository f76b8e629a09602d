package dev.leadline.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the services tests start. A service binds its port seconds after it is chosen (after its
 * embedded PostgreSQL is up), so a port the kernel hands out (port 0) can be taken in between by another
 * test JVM: surefire runs two side by side (pom.xml), each telling its fork number (leadline.test.fork).
 * Each fork takes its ports in turn from a range of its own below the kernel's ephemeral ports
 * (32768-60999), which no embedded PostgreSQL, stub or client socket is given; outside surefire's forks,
 * the kernel chooses.
 */
public final class TestPorts {

    /** Where the forks' ranges start: another checkout testing on the same machine sets its own (-Dleadline.test.port-base). */
    private static final int FIRST = Integer.getInteger("leadline.test.port-base", 20_000);
    private static final int PER_FORK = 2_000;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private TestPorts() {
    }

    public static int next() {
        String fork = System.getProperty("leadline.test.fork", "").trim();
        if (fork.isEmpty() || !fork.chars().allMatch(Character::isDigit)) {
            return kernelChosen();
        }
        int from = FIRST + (Integer.parseInt(fork) - 1) % 6 * PER_FORK;
        for (int tries = 0; tries < PER_FORK; tries++) {
            int port = from + Math.floorMod(NEXT.getAndIncrement(), PER_FORK);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + from + "-" + (from + PER_FORK - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int kernelChosen() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
