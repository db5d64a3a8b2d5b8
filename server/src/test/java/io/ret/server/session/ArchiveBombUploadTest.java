package io.ret.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two archive bombs of issue 14, at the sizes, uploaded over gRPC to a server on
 * its default archive limits: each is refused at upload with INVALID_ARGUMENT and a stable
 * reason naming the fault, and leaves no session, no session directory and no partial upload.
 */
class ArchiveBombUploadTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void twoThousandEntriesOfOneMebibyteEachAreRefusedAtUpload() throws Exception {
        SessionClient mallory = SessionClient.newUser(server, "bomber");
        byte[] bomb = ZipBytes.sameContent("part-", oneMiBOfMarkup(), 2000, false);
        long before = sessionDirs();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> mallory.upload("many.zip", bomb));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(RichErrors.reason(e)).isEqualTo("ARCHIVE_COMPRESSION_RATIO");
        assertThat(e.getStatus().getDescription()).contains("ratio");
        assertNothingLeftBehind(mallory, before);
    }

    @Test
    void aThousandDirectoryEntriesOverOneCompressedStreamAreRefusedAtUpload() throws Exception {
        SessionClient mallory = SessionClient.newUser(server, "overlap");
        byte[] bomb = ZipBytes.sameContent("copy-", oneMiBOfMarkup(), 1000, true);
        assertThat(bomb.length).as("a small upload").isLessThan(100_000);
        long before = sessionDirs();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> mallory.upload("overlap.zip", bomb));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(RichErrors.reason(e)).isEqualTo("ARCHIVE_OVERLAPPING_ENTRIES");
        assertThat(e.getStatus().getDescription()).contains("share bytes");
        assertNothingLeftBehind(mallory, before);
    }

    static byte[] oneMiBOfMarkup() {
        StringBuilder xml = new StringBuilder("<rows>");
        while (xml.length() < (1 << 20) - 32) {
            xml.append("<row><v>1</v></row>");
        }
        return xml.append("</rows>").toString().getBytes();
    }

    private static void assertNothingLeftBehind(SessionClient user, long sessionDirsBefore) throws Exception {
        assertThat(user.sessions().listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
        assertThat(sessionDirs()).isEqualTo(sessionDirsBefore);
        try (Stream<Path> files = Files.list(sessionsRoot().resolve(".uploads"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    private static Path sessionsRoot() {
        return server.config().runtimeDir().resolve("sessions");
    }

    private static long sessionDirs() throws Exception {
        try (Stream<Path> dirs = Files.list(sessionsRoot())) {
            return dirs.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
