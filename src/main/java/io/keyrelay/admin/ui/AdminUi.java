package io.keyrelay.admin.ui;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Serves the operator's web UI (plain HTML, CSS and JavaScript modules packaged in the jar) under {@value #PATH}.
 * The UI talks only to the JSON admin API; this class adds nothing but files and the headers that lock them down.
 */
public final class AdminUi {
    /** Where the UI lives; {@code /} redirects here. */
    public static final String PATH = io.keyrelay.admin.AdminApi.UI_PREFIX + "/";

    /** Classpath folder of the UI's files; named so that no folder in the working directory shadows it. */
    static final String WEB_ROOT = "keyrelay-admin-ui";

    /**
     * Only our own files run or style the page: no inline script or style, no framing, no plugins, and fetch only to
     * this origin. The UI is written for this policy, so a violation is a bug.
     */
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private AdminUi() {
    }

    public static void mount(Router router) {
        StaticHandler files = StaticHandler.create(FileSystemAccess.RELATIVE, WEB_ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                // revalidate on every load, so an upgraded jar never runs next to stale cached modules
                .setCachingEnabled(false);
        String bare = PATH.substring(0, PATH.length() - 1);
        router.get("/").handler(ctx -> redirect(ctx, PATH));
        // Vert.x also matches the bare path for the one with the slash, which must reach the files
        router.get(bare).handler(ctx -> {
            if (ctx.request().path().equals(bare)) {
                redirect(ctx, PATH);
            } else {
                ctx.next();
            }
        });
        router.get(PATH + "vendor/uplot/*").handler(AdminUi::secureHeaders).handler(StaticHandler
                .create(FileSystemAccess.RELATIVE, webJar("uplot")).setDirectoryListing(false).setCachingEnabled(false));
        router.get(PATH + "*").handler(AdminUi::secureHeaders).handler(files);
    }

    /** The classpath folder of a WebJar (its files and LICENSE), at the version the build put in the jar. */
    static String webJar(String name) {
        String properties = "META-INF/maven/org.webjars.npm/" + name + "/pom.properties";
        try (InputStream in = AdminUi.class.getClassLoader().getResourceAsStream(properties)) {
            if (in == null) {
                throw new IllegalStateException(properties + " is missing from the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return "META-INF/resources/webjars/" + name + "/" + p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void secureHeaders(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        ctx.next();
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }
}
