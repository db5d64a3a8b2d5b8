package io.ret.server.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.ret.api.v1.ErrorReason;
import io.ret.server.session.archive.ArchiveRejectedException;
import org.junit.jupiter.api.Test;

/**
 * Every stable error reason the server can produce is in the proto catalogue
 * ({@code ret.v1.ErrorReason}, proto/src/main/proto/ret/v1/errors.proto). Reasons are found in
 * the server's sources where they are written: the first argument of an {@link ApiException}
 * factory, an authentication rejection, a job's settled or finished reason, {@code notFound("x")}
 * (X_NOT_FOUND) and the archive refusals ({@code "ARCHIVE_" + reason}).
 */
class ErrorReasonCatalogueTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final String PREFIX = "ERROR_REASON_";
    /** A reason literal; "ARCHIVE_" (a prefix, expanded below) ends in an underscore and is not one. */
    private static final String REASON = "\"([A-Z][A-Z0-9_]*[A-Z0-9])\"";
    private static final List<Pattern> REASON_SITES = Stream.of(
            // ApiException.failedPrecondition("BUSY", ...), invalid("ARCHIVE_UNREADABLE", "archive", ...)
            "ApiException\\.\\w+\\(\\s*" + REASON,
            // the reasons ApiException's factories set themselves (INVALID_ARGUMENT)
            "new ApiException\\(Kind\\.\\w+,\\s*" + REASON,
            // authentication: new Rejected("TOKEN_EXPIRED", ...), new Invalid("TOKEN_INVALID", ...)
            "new (?:Rejected|Invalid)\\(\\s*" + REASON,
            // jobs: store.settle(id, JobState.FAILED, "WORKER_FAILED", ...), finish(JobState.X, null, null, "INTERNAL", ...)
            "settle\\([^;]*?JobState\\.\\w+,\\s*" + REASON,
            "finish\\(JobState\\.\\w+,\\s*null,\\s*null,\\s*" + REASON,
            "cancelRequested\\(\\)\\s*\\?\\s*" + REASON + "\\s*:\\s*" + REASON,
            // the gRPC error mapper's own ErrorInfo
            "setReason\\(" + REASON + "\\)")
            .map(p -> Pattern.compile(p, Pattern.DOTALL)).toList();
    private static final Pattern NOT_FOUND = Pattern.compile("notFound\\(\\s*\"([a-z ]+)\"");
    private static final Pattern ARCHIVE_REASONS = Pattern.compile("\"ARCHIVE_\"\\s*\\+");

    @Test
    void everyReasonTheServerThrowsIsInTheCatalogue() throws IOException {
        Map<String, Set<String>> thrown = reasonsInSources();

        assertThat(thrown).as("reasons found in the sources").hasSizeGreaterThan(40);
        Map<String, Set<String>> missing = new TreeMap<>(thrown);
        missing.keySet().removeAll(catalogue());
        assertThat(missing).as("reasons thrown but not listed in proto/src/main/proto/ret/v1/errors.proto"
                + " (add each as ERROR_REASON_<reason>, saying what a client should do), with where they are thrown")
                .isEmpty();
    }

    @Test
    void everyCatalogueValueCarriesThePrefixTheWireNameDrops() {
        assertThat(Arrays.stream(ErrorReason.values()).filter(v -> v != ErrorReason.UNRECOGNIZED))
                .allSatisfy(v -> assertThat(v.name()).startsWith(PREFIX));
        assertThat(catalogue()).contains("LOGIN_FAILED", "SESSION_GONE", "MODEL_UNAVAILABLE", "INVALID_ARGUMENT");
    }

    private static Set<String> catalogue() {
        return Arrays.stream(ErrorReason.values())
                .filter(v -> v != ErrorReason.UNRECOGNIZED && v != ErrorReason.ERROR_REASON_UNSPECIFIED)
                .map(v -> v.name().substring(PREFIX.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Set<String>> reasonsInSources() throws IOException {
        Map<String, Set<String>> reasons = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                String where = SOURCES.relativize(file).toString();
                for (Pattern site : REASON_SITES) {
                    Matcher m = site.matcher(source);
                    while (m.find()) {
                        for (int g = 1; g <= m.groupCount(); g++) {
                            reasons.computeIfAbsent(m.group(g), k -> new TreeSet<>()).add(where);
                        }
                    }
                }
                Matcher notFound = NOT_FOUND.matcher(source);
                while (notFound.find()) {
                    reasons.computeIfAbsent(notFound.group(1).toUpperCase(Locale.ROOT).replace(' ', '_') + "_NOT_FOUND",
                            k -> new TreeSet<>()).add(where);
                }
                if (ARCHIVE_REASONS.matcher(source).find()) {
                    for (var reason : ArchiveRejectedException.Reason.values()) {
                        reasons.computeIfAbsent("ARCHIVE_" + reason.name(), k -> new TreeSet<>()).add(where);
                    }
                }
            }
        }
        return reasons;
    }
}
