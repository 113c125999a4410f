package io.keyrelay.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an {@link AdminServer} on a fresh data directory for a test class and closes it after: a {@code static}
 * field of type {@code AdminServer} gets one server for the whole class, an instance field a new one for each test;
 * each is closed, and its directory deleted, when its class or test is over.
 */
final class AdminServerExtension implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace SERVERS = ExtensionContext.Namespace.create(AdminServerExtension.class);

    /** A started server and its directory, closed together when JUnit closes the store. */
    private record Started(AdminServer server, Path dir) implements ExtensionContext.Store.CloseableResource {
        static Started in(Path dir) {
            return new Started(AdminServer.start(dir), dir);
        }

        @Override
        public void close() {
            server.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        inject(context, null, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        inject(context, context.getRequiredTestInstance(), false);
    }

    private static void inject(ExtensionContext context, Object instance, boolean statics) throws Exception {
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (f.getType() == AdminServer.class && Modifier.isStatic(f.getModifiers()) == statics) {
                Started started = Started.in(Files.createTempDirectory("keyrelay-admin-"));
                context.getStore(SERVERS).put(f, started); // closed when the class's (or the test's) context closes
                f.setAccessible(true);
                f.set(instance, started.server());
            }
        }
    }
}
