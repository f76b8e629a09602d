package dev.leadline.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import dev.leadline.web.NotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in web page: the files packaged under {@code web/} on the classpath, read once at start-up into
 * a map from request path to file. A request is answered only with what that map holds, looked up as a whole
 * string: no part of a request path ever reaches the file system or the class loader, so {@code ..}, encoded
 * or not, and every other resource of the jar (application.properties, routes, SQL, classes) are 404.
 * <ul>
 *   <li>{@code web/index.html} at {@code /}, {@code Cache-Control: no-cache} (revalidated every time, so a new
 *       release is picked up at once);</li>
 *   <li>every other file at {@code /assets/<version>/<path>}, where the version is a hash of all the files,
 *       cached for a year as immutable: a release with any change has new URLs. index.html refers to them as
 *       {@code /assets/<path>}, rewritten here to the versioned URL; modules import each other relatively
 *       ({@code ./api.js}), so they stay within the same version;</li>
 *   <li>the same files at the unversioned {@code /assets/<path>} with {@code no-cache}, for a hand-written
 *       link.</li>
 * </ul>
 * Only the extensions of {@link #TYPES} are served (each with its Content-Type); another file is left out
 * with a warning.
 */
public final class WebPage {

    private static final Logger LOG = LoggerFactory.getLogger(WebPage.class);
    private static final String FOLDER = "web/";
    private static final String INDEX = "index.html";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";
    /** The links index.html writes to its assets, rewritten to the versioned ones. */
    private static final String ASSET_LINK = "\"/assets/";

    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    private final Map<String, Map<String, Object>> files;
    private final String version;

    public WebPage() {
        this(WebPage.class.getClassLoader());
    }

    WebPage(ClassLoader loader) {
        Map<String, byte[]> packaged = read(loader);
        byte[] index = packaged.remove(INDEX);
        if (index == null) {
            throw new IllegalStateException("the web page is missing: no " + FOLDER + INDEX + " on the classpath");
        }
        version = hash(packaged);
        Map<String, Map<String, Object>> served = new TreeMap<>();
        String page = new String(index, StandardCharsets.UTF_8).replace(ASSET_LINK, ASSET_LINK + version + "/");
        served.put("/", file(INDEX, page.getBytes(StandardCharsets.UTF_8), REVALIDATE));
        packaged.forEach((name, bytes) -> {
            served.put("/assets/" + version + "/" + name, file(name, bytes, IMMUTABLE));
            served.put("/assets/" + name, file(name, bytes, REVALIDATE));
        });
        files = Map.copyOf(served);
        LOG.info("web page: {} files, assets version {}", packaged.size() + 1, version);
    }

    /** The version in the assets' URLs: a hash of every packaged file but index.html. */
    public String version() {
        return version;
    }

    /**
     * The file a request names, as {@code contentType}, {@code cacheControl} and {@code bytes}; NotFound (404) for
     * any other. The request's URI is taken as sent (its query left out), not decoded nor normalised: the page's
     * URLs are plain, so a path with dot segments, percent-encoding or doubled slashes is no URL of the page,
     * even one a normalisation would turn into one ({@code /../} is not {@code /}).
     */
    public Map<String, Object> file(String uri) {
        String path = uri == null ? "" : uri.split("[?#]", 2)[0];
        Map<String, Object> file = files.get(path);
        if (file == null) {
            throw new NotFound("no such resource: GET " + path);
        }
        return file;
    }

    private static Map<String, Object> file(String name, byte[] bytes, String cacheControl) {
        return Map.of("contentType", TYPES.get(extension(name)), "cacheControl", cacheControl, "bytes", bytes);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Every file under web/ (a directory when run from the build, else a jar), by its path below web/. The
     * folders are found by their index.html, since a jar need not list web/ as an entry of its own, and as
     * directories (the tests' web/ holds no index.html).
     */
    private static Map<String, byte[]> read(ClassLoader loader) {
        Map<String, byte[]> found = new TreeMap<>();
        try {
            Set<String> seen = new HashSet<>();
            List<URL> places = new ArrayList<>(Collections.list(loader.getResources(FOLDER + INDEX)));
            places.addAll(Collections.list(loader.getResources(FOLDER)));
            for (URL place : places) {
                if ("file".equals(place.getProtocol())) {
                    Path file = Path.of(place.toURI());
                    Path dir = Files.isDirectory(file) ? file : file.getParent();
                    if (!seen.add(dir.toString())) {
                        continue;
                    }
                    try (Stream<Path> walk = Files.walk(dir)) {
                        for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                            keep(found, dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                        }
                    }
                } else if ("jar".equals(place.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) place.openConnection();
                    connection.setUseCaches(false);
                    if (!seen.add(connection.getJarFileURL().toString())) {
                        continue;
                    }
                    try (JarFile jar = connection.getJarFile()) {
                        Enumeration<JarEntry> entries = jar.entries();
                        while (entries.hasMoreElements()) {
                            JarEntry entry = entries.nextElement();
                            if (!entry.isDirectory() && entry.getName().startsWith(FOLDER)) {
                                try (InputStream in = jar.getInputStream(entry)) {
                                    keep(found, entry.getName().substring(FOLDER.length()), in.readAllBytes());
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page's files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static void keep(Map<String, byte[]> found, String name, byte[] bytes) {
        if (!TYPES.containsKey(extension(name))) {
            LOG.warn("web page: {}{} is not served (no content type for its extension)", FOLDER, name);
            return;
        }
        // the first on the classpath wins, as a class loader's getResource would
        found.putIfAbsent(name, bytes);
    }

    private static String hash(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, bytes) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(bytes);
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
