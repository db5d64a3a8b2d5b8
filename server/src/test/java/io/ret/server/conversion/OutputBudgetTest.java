package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A conversion's output budget: a job that writes more than its budget, takes its owner's
 * files over theirs, or would leave the volume under its free-space floor fails with
 * OUTPUT_BUDGET and a message saying which, and leaves nothing of what it wrote.
 */
class OutputBudgetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "per job,       ret.output.max.job.mb,    2,         output budget of",
            "per user,      ret.output.max.user.mb,   2,         owner's session files",
            "free disk,     ret.output.disk.floor.mb, 100000000, free bytes"})
    void aConversionOverItsBudgetFailsAndLeavesNothing(String what, String key, String value, String message)
            throws Exception {
        try (TestServer server = TestServer.builder().set("ret.archive.max.ratio", "100000").set(key, value).start()) {
            SessionClient user = SessionClient.newUser(server, "budget");
            Session session = user.upload("orders.zip", BigArchive.orders(24));

            Job done = user.await(user.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId());

            assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(done.getError().getReason()).isEqualTo("OUTPUT_BUDGET");
            assertThat(done.getError().getMessage()).contains("output removed").contains(message);
            Session after = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
            assertThat(after.getState()).isEqualTo(SessionState.SESSION_STATE_FAILED);
            assertThat(after.getOutputCount()).isZero();
            Path dir = server.config().runtimeDir().resolve("sessions").resolve(session.getId());
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("archive.zip");
            }
        }
    }
}
