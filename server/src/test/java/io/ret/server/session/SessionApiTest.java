package io.ret.server.session;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.ArchiveKind;
import io.ret.api.v1.DeleteSessionRequest;
import io.ret.api.v1.EntryKind;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.SessionState;
import io.ret.api.v1.SetUserLimitsRequest;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.api.v1.UploadMetadata;
import io.ret.api.v1.UserLimits;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads through the real channel: the inventory, ownership, limits enforced
 * while receiving, archives refused before anything is read, and nothing left
 * behind by a refused upload.
 */
class SessionApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().set("ret.archive.max.entries", "50").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String ORDERS_XML =
            "<orders><order id=\"1\"><total>9.5</total></order><order id=\"2\"><total>3</total></order></orders>";

    static byte[] xmlArchive() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("orders/2024.xml", ORDERS_XML);
        entries.put("README.txt", "not data");
        entries.put("__MACOSX/._2024.xml", "resource fork");
        return ZipBytes.zip(entries);
    }

    @Test
    void uploadGivesTheSessionWithItsInventory() throws Exception {
        SessionClient alice = SessionClient.newUser(server, "inventory");
        Session session = alice.upload("export.zip", xmlArchive());
        assertThat(session.getKind()).isEqualTo(ArchiveKind.ARCHIVE_KIND_XML);
        assertThat(session.getState()).isEqualTo(SessionState.SESSION_STATE_UPLOADED);
        assertThat(session.getFileName()).isEqualTo("export.zip");
        assertThat(session.getEntriesList()).filteredOn(e -> e.getKind() == EntryKind.ENTRY_KIND_XML)
                .singleElement().satisfies(e -> {
                    assertThat(e.getPath()).isEqualTo("orders/2024.xml");
                    assertThat(e.getSizeBytes()).isEqualTo(ORDERS_XML.length());
                });
        assertThat(session.getEntriesList()).filteredOn(e -> e.getKind() == EntryKind.ENTRY_KIND_SKIPPED)
                .hasSize(2).allSatisfy(e -> assertThat(e.getSkipReason()).isNotEmpty());
        assertThat(alice.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build()))
                .isEqualTo(session);
        assertThat(Files.exists(server.config().runtimeDir().resolve("sessions").resolve(session.getId())
                .resolve("archive.zip"))).isTrue();
    }

    @Test
    void usersSeeOnlyTheirOwnSessionsAndAdminsSeeAll() throws Exception {
        SessionClient alice = SessionClient.newUser(server, "alice");
        SessionClient bob = SessionClient.newUser(server, "bob");
        Session mine = alice.upload("a.zip", xmlArchive());
        refused(() -> bob.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(mine.getId()).build()),
                Status.Code.NOT_FOUND, "SESSION_NOT_FOUND");
        refused(() -> bob.sessions().deleteSession(DeleteSessionRequest.newBuilder().setSessionId(mine.getId()).build()),
                Status.Code.NOT_FOUND, null);
        assertThat(bob.sessions().listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
        String aliceId = TestServer.bearer(server.auth(), alice.token()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId();
        refused(() -> bob.sessions().listSessions(ListSessionsRequest.newBuilder().setOwnerId(aliceId).build()),
                Status.Code.PERMISSION_DENIED, null);

        var admin = TestServer.bearer(SessionServiceGrpc.newBlockingStub(server.channel()), server.adminToken());
        assertThat(admin.listSessions(ListSessionsRequest.newBuilder().setOwnerId(aliceId).build()).getSessionsList())
                .extracting(Session::getId).containsExactly(mine.getId());
        assertThat(admin.getSession(GetSessionRequest.newBuilder().setSessionId(mine.getId()).build()).getId())
                .isEqualTo(mine.getId());

        alice.sessions().deleteSession(DeleteSessionRequest.newBuilder().setSessionId(mine.getId()).build());
        refused(() -> alice.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(mine.getId()).build()),
                Status.Code.NOT_FOUND, null);
        assertThat(server.config().runtimeDir().resolve("sessions").resolve(mine.getId())).doesNotExist();
    }

    @Test
    void anUploadOverTheUsersLimitIsRefusedBeforeItsBytes() throws Exception {
        SessionClient carol = SessionClient.newUser(server, "limited");
        String id = TestServer.bearer(server.auth(), carol.token()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId();
        server.admin(server.adminToken()).setUserLimits(SetUserLimitsRequest.newBuilder().setUserId(id)
                .setLimits(UserLimits.newBuilder().setMaxSessions(1).setMaxUploadBytes(1000).setMaxLoginSessions(3)).build());
        byte[] big = new byte[5000];
        StatusRuntimeException e = refused(() -> carol.upload("big.zip", big), Status.Code.RESOURCE_EXHAUSTED, "UPLOAD_LIMIT");
        assertThat(RichErrors.errorInfo(e).orElseThrow().getMetadataMap()).containsEntry("limit_bytes", "1000");

        // lying about the size does not help: the bytes are counted as they arrive
        refused(() -> carol.upload("liar.zip", big, 900, 512), Status.Code.INVALID_ARGUMENT, "UPLOAD_SIZE_MISMATCH");

        // and the number of sessions is limited too
        byte[] small = xmlArchive();
        carol.upload("one.zip", small);
        refused(() -> carol.upload("two.zip", small), Status.Code.RESOURCE_EXHAUSTED, "SESSION_LIMIT");
        assertNothingLeftInUploads();
    }

    @Test
    void malformedUploadsAreRefused() throws Exception {
        SessionClient dave = SessionClient.newUser(server, "malformed");
        byte[] archive = xmlArchive();
        refused(() -> dave.send(List.of(UploadArchiveRequest.newBuilder()
                .setChunk(ByteString.copyFrom(archive)).build())), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> dave.upload("x.zip", new byte[(1 << 20) + 1], (1 << 20) + 1, (1 << 20) + 1),
                Status.Code.INVALID_ARGUMENT, null);
        refused(() -> dave.upload("../../evil.zip", archive), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> dave.upload("short.zip", archive, archive.length + 10, 1024),
                Status.Code.INVALID_ARGUMENT, "UPLOAD_SIZE_MISMATCH");
        refused(() -> dave.send(List.of(UploadArchiveRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
                .setFileName("no-size.zip")).build())), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> dave.upload("not-a-zip.zip", "plain text".getBytes()), Status.Code.INVALID_ARGUMENT, null);
        assertNothingLeftInUploads();
    }

    @Test
    void dangerousArchivesAreRefusedAndLeaveNothingBehind() throws Exception {
        SessionClient eve = SessionClient.newUser(server, "attacker");
        long sessionsBefore = sessionDirs();

        byte[] slipArchive = zip(Map.of("../../etc/cron.d/x.xml", "<a/>"));
        StatusRuntimeException slip = refused(() -> eve.upload("slip.zip", slipArchive),
                Status.Code.INVALID_ARGUMENT, "ARCHIVE_UNSAFE_PATH");
        assertThat(slip.getStatus().getDescription()).contains("../../etc/cron.d/x.xml");

        byte[] bomb = zip(Map.of("bomb.xml", "<a>" + "0".repeat(20 * 1024 * 1024) + "</a>"));
        refused(() -> eve.upload("bomb.zip", bomb), Status.Code.INVALID_ARGUMENT, "ARCHIVE_COMPRESSION_RATIO");

        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            many.put("f" + i + ".xml", "<a/>");
        }
        byte[] manyArchive = zip(many);
        refused(() -> eve.upload("many.zip", manyArchive), Status.Code.INVALID_ARGUMENT, "ARCHIVE_TOO_MANY_ENTRIES");

        byte[] encrypted = ZipBytes.markEncrypted(zip(Map.of("a.xml", "<a/>")), "a.xml");
        refused(() -> eve.upload("locked.zip", encrypted), Status.Code.INVALID_ARGUMENT, "ARCHIVE_ENCRYPTED_ENTRY");

        assertThat(eve.sessions().listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsList()).isEmpty();
        assertThat(sessionDirs()).isEqualTo(sessionsBefore);
        assertNothingLeftInUploads();
    }

    @Test
    void aCsvArchiveIsReadyAtOnce() throws Exception {
        SessionClient frank = SessionClient.newUser(server, "csv");
        Session session = frank.upload("csv.zip", zip(Map.of(
                "left/items.csv", "sku,qty\nA-1,3\nB-2,5\n",
                "left/empty.csv", "sku,qty\n")));
        assertThat(session.getKind()).isEqualTo(ArchiveKind.ARCHIVE_KIND_CSV);
        assertThat(session.getState()).isEqualTo(SessionState.SESSION_STATE_CONVERTED);
        assertThat(session.getOutputCount()).isEqualTo(2);
        var outputs = frank.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(outputs.getOutputsList()).anySatisfy(o -> {
            assertThat(o.getPath()).isEqualTo("left/items.csv");
            assertThat(o.getRows()).isEqualTo(2);
            assertThat(o.getColumnsList()).containsExactly("sku", "qty");
        });
        assertThat(new String(frank.download(session.getId(), "left/items.csv"))).isEqualTo("sku,qty\nA-1,3\nB-2,5\n");
    }

    static byte[] zip(Map<String, ?> entries) throws Exception {
        return ZipBytes.zip(new LinkedHashMap<>(entries));
    }

    private static long sessionDirs() throws Exception {
        Path root = server.config().runtimeDir().resolve("sessions");
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static void assertNothingLeftInUploads() throws Exception {
        Path uploads = server.config().runtimeDir().resolve("sessions").resolve(".uploads");
        try (Stream<Path> files = Files.list(uploads)) {
            assertThat(files.toList()).isEmpty();
        }
    }
}
