package io.ret.server.conversion;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.grpc.Status;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.FlattenMode;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.OutputLayout;
import io.ret.api.v1.PreviewOutputRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upload, convert, watch, list, download and preview through the real
 * channel, with XML that exercises the flattening rules and the per-file
 * failure cases; assertions are on CSV contents.
 */
class ConversionApiTest {
    static final String ORDERS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <export created="2024-06-01" xmlns:x="urn:example:ext">
              <header><system>ERP</system></header>
              <orders>
                <order id="A1">
                  <customer type="b2b"><name>Acme, Inc.</name><address><city>Berlin</city></address></customer>
                  <line no="1"><sku>W-1</sku><serial>s1</serial><serial>s2</serial></line>
                  <line no="2"><sku>G-7</sku></line>
                  <note>Ring <b>twice</b>, please</note>
                  <x:flag/>
                </order>
                <order id="A2">
                  <customer><name>Zed "Z"</name></customer>
                  <line no="1"><sku>B-3</sku><serial>s3</serial></line>
                </order>
              </orders>
            </export>
            """;
    static final String LAUGHS = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <lolz><lol>&lol3;</lol></lolz>
            """;
    static final String XXE = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <r><v>&xxe;</v></r>
            """;

    /** 2 MB that do not compress (a repetitive value would be refused as a zip bomb). */
    static final String LONG_VALUE = java.util.Base64.getEncoder().encodeToString(randomBytes(1_500_000));

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }

    /** One set of tables per XML file, named after it: what the tests of per-file serving look at. */
    static final ConversionOptions PER_FILE = ConversionOptions.newBuilder()
            .setLayout(OutputLayout.OUTPUT_LAYOUT_PER_FILE).build();

    private static TestServer server;
    private static SessionClient user;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "converter");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] archive() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("export/orders.xml", ORDERS);
        entries.put("ns.xml", "<p:items xmlns:p=\"urn:p\" xmlns=\"urn:d\"><p:item p:code=\"1\"><name>é 中 😀</name></p:item>"
                + "<p:item p:code=\"2\"><name><![CDATA[a <b> & c]]></name></p:item></p:items>");
        entries.put("utf16.xml", utf16("<rows><row><v>Grüße</v></row><row><v>Ωmega</v></row></rows>"));
        entries.put("doctype.xml", "<?xml version=\"1.0\"?><!DOCTYPE rows SYSTEM \"rows.dtd\"><rows><row>1</row><row>2</row></rows>");
        entries.put("long.xml", "<rows><row><v>" + LONG_VALUE + "</v></row><row><v>y</v></row></rows>");
        entries.put("empty.xml", "");
        entries.put("notxml.xml", "id,name\n1,not xml at all\n");
        entries.put("laughs.xml", LAUGHS);
        entries.put("xxe.xml", XXE);
        return ZipBytes.zip(entries);
    }

    static byte[] utf16(String xml) {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml).getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    private static String text(Session session, String path) {
        return new String(user.download(session.getId(), path), StandardCharsets.UTF_8);
    }

    @Test
    void convertsWatchesAndServesTheOutputs() throws Exception {
        Session session = user.upload("export.zip", archive());
        Job started = user.startConversion(session.getId(), PER_FILE);
        assertThat(started.getState()).isIn(io.ret.api.v1.JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING);
        assertThat(started.getSubjectId()).isEqualTo(session.getId());

        List<Job> seen = user.watch(started.getId());
        assertThat(seen.getFirst().getId()).isEqualTo(started.getId());
        Job done = seen.getLast();
        assertThat(done.getState()).as("error: %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getProgressPercent()).isEqualTo(100);
        assertThat(done.getWorkTotal()).isPositive();
        assertThat(done.getWorkDone()).isEqualTo(done.getWorkTotal());
        assertThat(seen).allSatisfy(j -> assertThat(j.getWorkDone()).isLessThanOrEqualTo(j.getWorkTotal()));
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).getProgressPercent()).isGreaterThanOrEqualTo(seen.get(i - 1).getProgressPercent());
        }
        var summary = done.getResult().getConversion();
        assertThat(summary.getFilesTotal()).isEqualTo(9);
        assertThat(summary.getFilesSucceeded()).isEqualTo(5);
        assertThat(summary.getFilesFailed()).isEqualTo(4);
        assertThat(summary.getFailuresList()).extracting(f -> f.getPath())
                .containsExactlyInAnyOrder("empty.xml", "notxml.xml", "laughs.xml", "xxe.xml");
        assertThat(summary.getFailuresList()).allSatisfy(f -> assertThat(f.getReason()).isNotBlank());
        assertThat(summary.getFailuresList()).filteredOn(f -> f.getPath().equals("notxml.xml"))
                .singleElement().satisfies(f -> assertThat(f.getLine()).isPositive());

        Session converted = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(converted.getState()).isEqualTo(SessionState.SESSION_STATE_CONVERTED);
        assertThat(converted.getConversionJobId()).isEqualTo(started.getId());

        assertThat(text(session, "export/orders.csv")).isEqualTo("""
                _id,@id,customer@type,customer.name,customer.address.city,note,x:flag\r
                1,A1,b2b,"Acme, Inc.",Berlin,"Ring twice, please",\r
                2,A2,,"Zed ""Z""\",,,\r
                """);
        assertThat(text(session, "export/orders.line.serial.csv")).isEqualTo("""
                _id,_parent_id,_root_id,order@id,line@no,_position,serial\r
                1,1,1,A1,1,1,s1\r
                2,1,1,A1,1,2,s2\r
                3,3,2,A2,1,1,s3\r
                """);
        assertThat(text(session, "export/orders._document.csv")).isEqualTo("_id,@created,header.system\r\n1,2024-06-01,ERP\r\n");
        assertThat(text(session, "ns.csv")).isEqualTo("_id,@p:code,name\r\n1,1,é 中 😀\r\n2,2,a <b> & c\r\n");
        // three files of one document element <rows>: one layout, the same columns in each
        assertThat(text(session, "utf16.csv")).isEqualTo("_id,row,v\r\n1,,Grüße\r\n2,,Ωmega\r\n");
        assertThat(text(session, "doctype.csv")).isEqualTo("_id,row,v\r\n1,1,\r\n2,2,\r\n");
        assertThat(text(session, "long.csv")).isEqualTo("_id,row,v\r\n1,," + LONG_VALUE + "\r\n2,,y\r\n");

        List<OutputFile> outputs = user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                .setSessionId(session.getId()).setPageSize(3).build()).getOutputsList();
        assertThat(outputs).hasSize(3);
        Map<String, byte[]> all = unzip(user.downloadAll(session.getId()));
        assertThat(all).containsKeys("export/orders.csv", "export/orders.line.csv", "export/orders.line.serial.csv",
                "export/orders._document.csv", "ns.csv", "utf16.csv", "doctype.csv", "long.csv");
        assertThat(new String(all.get("export/orders.line.csv"), StandardCharsets.UTF_8))
                .isEqualTo(text(session, "export/orders.line.csv"));
        assertThat(all.values()).noneMatch(bytes -> new String(bytes, StandardCharsets.UTF_8).contains("root:"));
    }

    @Test
    void previewPagesRowsAndGivesColumnStatistics() throws Exception {
        Session session = user.upload("export.zip", archive());
        Job done = user.await(user.startConversion(session.getId(), PER_FILE).getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        var first = user.sessions().previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId())
                .setPath("export/orders.line.csv").setPageSize(2).build());
        assertThat(first.getColumnsList()).containsExactly("_id", "_parent_id", "_root_id", "order@id", "@no", "sku");
        assertThat(first.getRowsList()).extracting(r -> List.copyOf(r.getCellsList()))
                .containsExactly(List.of("1", "1", "1", "A1", "1", "W-1"), List.of("2", "1", "1", "A1", "2", "G-7"));
        assertThat(first.getFirstRow()).isEqualTo(1);
        assertThat(first.getTotalRows()).isEqualTo(3);
        assertThat(first.getNextPageToken()).isNotEmpty();
        var second = user.sessions().previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId())
                .setPath("export/orders.line.csv").setPageSize(2).setPageToken(first.getNextPageToken()).build());
        assertThat(second.getRowsList()).extracting(r -> List.copyOf(r.getCellsList())).containsExactly(List.of("3", "2", "2", "A2", "1", "B-3"));
        assertThat(second.getFirstRow()).isEqualTo(3);
        assertThat(second.getNextPageToken()).isEmpty();

        var no = first.getColumnStatsList().stream().filter(c -> c.getName().equals("@no")).findFirst().orElseThrow();
        assertThat(no.getNumeric()).isTrue();
        assertThat(no.getCount()).isEqualTo(3);
        assertThat(no.getDistinctEstimate()).isEqualTo(2);
        assertThat(no.getMin()).isEqualTo(1.0);
        assertThat(no.getMax()).isEqualTo(2.0);
        assertThat(no.getMean()).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        var sku = first.getColumnStatsList().stream().filter(c -> c.getName().equals("sku")).findFirst().orElseThrow();
        assertThat(sku.getNumeric()).isFalse();
        assertThat(sku.getDistinctEstimate()).isEqualTo(3);

        var emptyColumn = user.sessions().previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId())
                .setPath("export/orders.csv").build()).getColumnStatsList().stream()
                .filter(c -> c.getName().equals("x:flag")).findFirst().orElseThrow();
        assertThat(emptyColumn.getEmpty()).isEqualTo(2);
        assertThat(emptyColumn.getCount()).isZero();

        refused(() -> user.sessions().previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId())
                .setPath("../archive.zip").build()), Status.Code.NOT_FOUND, null);
        refused(() -> user.sessions().previewOutput(PreviewOutputRequest.newBuilder().setSessionId(session.getId())
                .setPath("export/orders.csv").setPageToken("garbage!").build()), Status.Code.INVALID_ARGUMENT, null);
    }

    @Test
    void aSecondConversionReplacesTheOutputs() throws Exception {
        Session session = user.upload("export.zip", ZipBytes.zip(Map.of("orders.xml", ORDERS)));
        assertThat(user.await(user.startConversion(session.getId(), PER_FILE).getId())
                .getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Job join = user.await(user.startConversion(session.getId(), PER_FILE.toBuilder()
                .setMode(FlattenMode.FLATTEN_MODE_JOIN_REPEATED).build()).getId());
        assertThat(join.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(join.getResult().getConversion().getOutputs()).isEqualTo(3);
        assertThat(text(session, "orders.line.csv")).isEqualTo("""
                _id,_parent_id,_root_id,order@id,@no,sku,serial\r
                1,1,1,A1,1,W-1,s1|s2\r
                2,1,1,A1,2,G-7,\r
                3,2,2,A2,1,B-3,s3\r
                """);
        refused(() -> user.download(session.getId(), "orders.line.serial.csv"), Status.Code.NOT_FOUND, null);
        try (var dirs = java.nio.file.Files.list(server.config().runtimeDir().resolve("sessions").resolve(session.getId()))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("archive.zip", "outputs-" + join.getId());
        }
    }

    @Test
    void conversionsAreRefusedWhereTheyMakeNoSense() throws Exception {
        Session csv = user.upload("csv.zip", ZipBytes.zip(Map.of("a.csv", "x\n1\n")));
        refused(() -> user.startConversion(csv.getId(), ConversionOptions.getDefaultInstance()),
                Status.Code.FAILED_PRECONDITION, "CSV_SESSION");
        Session xml = user.upload("x.zip", ZipBytes.zip(Map.of("a.xml", "<a><b>1</b><b>2</b></a>")));
        refused(() -> user.startConversion(xml.getId(), ConversionOptions.newBuilder().setJoinSeparator("\\").build()),
                Status.Code.INVALID_ARGUMENT, null);
        SessionClient stranger = SessionClient.newUser(server, "stranger");
        refused(() -> stranger.startConversion(xml.getId(), ConversionOptions.getDefaultInstance()),
                Status.Code.NOT_FOUND, null);
        refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(xml.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
    }

    @Test
    void aConversionWhereEveryFileFailsFailsWithTheFirstReason() throws Exception {
        Session session = user.upload("bad.zip", ZipBytes.zip(Map.of("bad.xml", "<a><b></a>")));
        Job done = user.await(user.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getError().getReason()).isEqualTo("NO_FILE_CONVERTED");
        assertThat(done.getError().getMessage()).contains("bad.xml").contains("line 1");
        assertThat(user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build())
                .getState()).isEqualTo(SessionState.SESSION_STATE_FAILED);
    }

    static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                out.put(entry.getName(), bytes.toByteArray());
            }
        }
        return out;
    }
}
