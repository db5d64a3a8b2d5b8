package io.ret.server.conversion;

import io.ret.server.conversion.schema.DataPackage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.session.archive.ZipBytes;

class ConvertCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void convertsAndPrintsTheSummaryWithFailurePositions() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("ok.xml", "<r><v>a</v><v>b</v></r>");
        entries.put("bad.xml", "<r>\n<v></r>");
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(entries));

        int code = run(zip.toString(), dir.resolve("out").toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                "files: 2 total, 1 succeeded, 1 failed",
                "written: 2 rows, ",
                "  v.csv  2 rows, ",
                "schema: datapackage.json",
                "failures:",
                "  bad.xml:2:6  Unexpected close tag </r>; expected </v>.");
        assertThat(Files.readString(dir.resolve("out/v.csv"))).isEqualTo("_id,_file,_line,v\r\n1,ok.xml,1,a\r\n2,ok.xml,1,b\r\n");
        assertThat(DataPackage.read(dir.resolve("out")).table("v")).isPresent();
    }

    @Test
    void layoutKeysAndWhitespaceOptionsReachTheConverter() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.xml"), "<r><o><n> x </n><c>1</c></o><o><n>y</n><c>1</c></o></r>");

        int code = run(in.toString(), dir.resolve("out").toString(), "--layout", "per-file", "--keep-whitespace",
                "--key", "o=n");

        assertThat(code).isZero();
        assertThat(Files.readString(dir.resolve("out/a.csv"))).isEqualTo("_id,n,c\r\n1, x ,1\r\n2,y,1\r\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("  a.csv  2 rows, ", "key n (given)", "(from a.xml)");

        Files.writeString(in.resolve("a.xml"), "<r><o><n>x</n><d>2</d></o></r>");
        int again = run(in.toString(), dir.resolve("again").toString(), "--layout-from", dir.resolve("out").toString(),
                "--layout", "per-file");

        assertThat(again).isZero();
        assertThat(Files.readString(dir.resolve("again/a.csv"))).isEqualTo("_id,n,c,d\r\n1,x,,2\r\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("new column: a: d", "column now empty: a: c");
    }

    @Test
    void optionsReachTheConverter() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("t.xml"), "<x:r xmlns:x=\"urn:x\"><x:i><x:t>a</x:t><x:t>b</x:t></x:i></x:r>");

        int code = run(in.toString(), dir.resolve("out").toString(), "--mode", "join", "--separator", ";",
                "--namespace-uri", "--record", "i", "--layout", "per-file");

        assertThat(code).isZero();
        assertThat(Files.readString(dir.resolve("out/t.csv"))).isEqualTo("_id,{urn:x}t\r\n1,a;b\r\n");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("only-one")).isEqualTo(2);
        assertThat(run("a", "b", "--mode", "sideways")).isEqualTo(2);
        assertThat(run("a", "b", "--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: ret convert");
    }

    @Test
    void aNonEmptyOutputDirectoryIsRefused() throws Exception {
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(Map.of("a.xml", "<r/>")));
        Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("x"), "");

        assertThat(run(zip.toString(), dir.resolve("out").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not empty");
    }

    @Test
    void aRefusedArchiveSaysWhy() throws Exception {
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(Map.of("../a.xml", "<r/>")));

        assertThat(run(zip.toString(), dir.resolve("out").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("archive refused (UNSAFE_PATH)", "'..' segment");
    }

    private int run(String... args) {
        return ConvertCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
