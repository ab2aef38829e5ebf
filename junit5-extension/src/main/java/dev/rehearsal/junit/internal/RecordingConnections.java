package dev.rehearsal.junit.internal;

import org.apiguardian.api.API;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections that append each SQL text they are given to a corpus file once: the statements an application
 * prepares ({@code prepareStatement}, {@code prepareCall}) and executes ({@code execute*}, {@code addBatch} on a plain
 * statement). The texts already in a file are read when it is first written to in this JVM, so runs after the first
 * add only what is new.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class RecordingConnections {

    private static final Map<Path, Set<String>> RECORDED = new ConcurrentHashMap<>();
    private static final Set<String> STATEMENT_METHODS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "addBatch");

    private RecordingConnections() {
    }

    /** The file {@code rehearsal.queries.record} names. */
    public static Path configuredFile() {
        String file = System.getProperty("rehearsal.queries.record");
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("rehearsal.queries.record is not set: give the file the application's"
                    + " statements are recorded to (-Drehearsal.queries.record=src/test/resources/db/queries.sql), or"
                    + " pass it to QueryRecorder.record(dataSource, file)");
        }
        return Path.of(file);
    }

    /** {@code target} with every connection it hands out recording to {@code file}. */
    public static DataSource dataSource(DataSource target, Path file) {
        return (DataSource) Proxy.newProxyInstance(RecordingConnections.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    return result instanceof Connection c ? connection(c, file) : result;
                });
    }

    /** {@code target}, recording every statement given to it to {@code file}. */
    public static Connection connection(Connection target, Path file) {
        return (Connection) Proxy.newProxyInstance(RecordingConnections.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null
                            && args[0] instanceof String sql) {
                        record(file, sql);
                    }
                    if (name.equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    Object result = invoke(target, method, args);
                    if (result instanceof Statement s && !(result instanceof PreparedStatement)
                            && !(result instanceof CallableStatement)) {
                        return statement(s, file);
                    }
                    return result;
                });
    }

    private static Statement statement(Statement target, Path file) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (STATEMENT_METHODS.contains(method.getName()) && args != null && args.length > 0
                    && args[0] instanceof String sql) {
                record(file, sql);
            }
            return invoke(target, method, args);
        };
        return (Statement) Proxy.newProxyInstance(RecordingConnections.class.getClassLoader(),
                new Class<?>[] {Statement.class}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Appends {@code sql} to {@code file} unless it is there already. */
    static void record(Path file, String sql) {
        String text = sql.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).stripTrailing();
        }
        if (text.isEmpty()) {
            return;
        }
        Set<String> seen = RECORDED.computeIfAbsent(file.toAbsolutePath().normalize(), RecordingConnections::existing);
        if (!seen.add(text)) {
            return;
        }
        synchronized (seen) {
            try {
                if (file.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                }
                Files.writeString(file, text + ";\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not record a statement to " + file + " (rehearsal.queries.record): "
                        + e.getMessage(), e);
            }
        }
    }

    /** The statements a corpus file holds already (split at semicolons that end a line). */
    private static Set<String> existing(Path file) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        if (Files.isRegularFile(file)) {
            try {
                for (String s : Files.readString(file).split(";\\s*\\n")) {
                    if (!s.isBlank()) {
                        seen.add(s.strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file + " (rehearsal.queries.record): "
                        + e.getMessage(), e);
            }
        }
        return seen;
    }
}
