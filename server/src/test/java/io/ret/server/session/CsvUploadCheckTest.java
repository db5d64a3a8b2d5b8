package io.ret.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.Collection;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.api.v1.PreviewOutputRequest;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CSV archive's files are checked at upload: an unclosed quote, a 30 MB field or 100,000
 * columns refuse the upload with INVALID_ARGUMENT, one BadRequest violation per bad file
 * naming its line (and field), and nothing kept, so no later preview or indexing meets them.
 */
class CsvUploadCheckTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().set("ret.archive.max.ratio", "100000").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void brokenCsvFilesAreRefusedAtUploadWithTheirLineAndField() throws Exception {
        SessionClient user = SessionClient.newUser(server, "csv-bad");
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("good.csv", "id,name\n1,Ada\n");
        entries.put("unclosed.csv", "id,name\n1,\"Ada\n2,Bob\n");
        entries.put("wide.csv", "c" + ",c".repeat(100_000) + "\n");
        entries.put("huge-field.csv", "id,blob\n1," + "x".repeat(30 << 20) + "\n");
        byte[] archive = ZipBytes.zip(entries);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> user.upload("bad-csv.zip", archive));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(RichErrors.reason(e)).isEqualTo("CSV_INVALID");
        var violations = RichErrors.badRequest(e).orElseThrow().getFieldViolationsList();
        assertThat(violations).extracting(v -> v.getField())
                .containsExactlyInAnyOrder("archive/unclosed.csv", "archive/wide.csv", "archive/huge-field.csv");
        assertThat(violations).filteredOn(v -> v.getField().endsWith("huge-field.csv")).singleElement()
                .satisfies(v -> assertThat(v.getDescription()).contains("line 2").contains("longer than"));
        assertThat(violations).filteredOn(v -> v.getField().endsWith("wide.csv")).singleElement()
                .satisfies(v -> assertThat(v.getDescription()).contains("line 1").contains("4096"));
        assertThat(violations).filteredOn(v -> v.getField().endsWith("unclosed.csv")).singleElement()
                .satisfies(v -> assertThat(v.getDescription()).contains("line 2"));
        assertThat(user.sessions().listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
        try (Stream<Path> files = Files.list(server.config().runtimeDir().resolve("sessions").resolve(".uploads"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void raggedButWellQuotedCsvIsStillAccepted() throws Exception {
        SessionClient user = SessionClient.newUser(server, "csv-ok");
        Session session = user.upload("ok.zip", ZipBytes.zip(Map.of("ragged.csv", "a,b,c\n1,2\n3,4,5,6\n\"q,\"\"x\"\"\",y,z\n")));
        assertThat(session.getOutputCount()).isEqualTo(1);
    }

    @Test
    void aBrokenCsvLeftInAnOlderSessionIsBadDataToPreviewAndIndexingNeverInternal() throws Exception {
        SessionClient user = SessionClient.newUser(server, "csv-old");
        Session session = user.upload("old.zip", ZipBytes.zip(Map.of("old.csv", "id,name\n1,Ada\n")));
        Path file;
        try (Stream<Path> files = Files.walk(server.config().runtimeDir().resolve("sessions").resolve(session.getId()))) {
            file = files.filter(p -> p.getFileName().toString().equals("old.csv")).findFirst().orElseThrow();
        }
        // what an older server let through: more columns than the CSV readers take (16,384)
        Files.writeString(file, "id,name\n1," + "x,".repeat(20_000) + "x\n");

        StatusRuntimeException preview = catchThrowableOfType(StatusRuntimeException.class, () -> user.sessions()
                .previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId()).setPath("old.csv").build()));
        assertThat(preview.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(RichErrors.reason(preview)).isEqualTo("CSV_INVALID");

        var rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
        Collection collection = rag.createCollection(CreateCollectionRequest.newBuilder().setName("old").build());
        String reason;
        try {
            Job job = rag.startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                    .setCollectionId(collection.getId()).build());
            Job done = user.await(job.getId());
            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            reason = done.getError().getReason();
        } catch (StatusRuntimeException refused) {
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            reason = RichErrors.reason(refused);
        }
        assertThat(reason).isEqualTo("CSV_INVALID");
    }
}
