package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.ret.server.session.archive.ZipBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local commands through the picocli tree: options pass through unchanged, bars only on a terminal. */
class LocalCommandsTest {
    @TempDir
    Path dir;

    private CliRunner ret(boolean terminal) {
        return new CliRunner("127.0.0.1:1", dir.resolve("config")).terminal(terminal);
    }

    @Test
    void localConvertShowsFilesBytesRateOnATerminalAndNothingOtherwise() throws Exception {
        Path archive = Files.write(dir.resolve("a.zip"), ZipBytes.zip(Map.of(
                "one.xml", "<rows><row><v>1</v></row><row><v>2</v></row></rows>",
                "two.xml", "<rows><row><v>3</v></row></rows>")));
        CliRunner.Result person = ret(true).run("convert", archive.toString(), dir.resolve("out1").toString());
        assertThat(person.code()).as(person.toString()).isZero();
        assertThat(person.err()).contains("convert [").contains("100%").contains("2/2 files");
        assertThat(person.out()).contains("files: 2 total, 2 succeeded, 0 failed");

        CliRunner.Result script = ret(false).run("convert", archive.toString(), dir.resolve("out2").toString(),
                "--mode", "join", "--separator", ";");
        assertThat(script.code()).as(script.toString()).isZero();
        assertThat(script.err()).isEmpty();
        assertThat(script.out()).contains("files: 2 total, 2 succeeded, 0 failed");
    }

    @Test
    void localConvertTakesTheLayoutOfAnEarlierOutputDirectoryAndItsOtherLocalOptions() throws Exception {
        Path first = Files.write(dir.resolve("first.zip"), ZipBytes.zip(Map.of(
                "one.xml", "<rows><row><v>1</v></row><row><v>2</v></row></rows>")));
        Path second = Files.write(dir.resolve("second.zip"), ZipBytes.zip(Map.of(
                "one.xml", "<rows><row><v>1</v><w>new</w></row><row><v>2</v></row></rows>")));
        CliRunner.Result before = ret(false).run("convert", first.toString(), dir.resolve("before").toString(),
                "--layout", "per-file", "--key", "/rows/row=v");
        assertThat(before.code()).as(before.toString()).isZero();
        assertThat(before.out()).contains("one.csv").contains("key v (given)");

        CliRunner.Result after = ret(false).run("convert", second.toString(), dir.resolve("after").toString(),
                "--layout-from", dir.resolve("before").toString(), "--layout", "per-file", "--keep-whitespace");
        assertThat(after.code()).as(after.toString()).isZero();
        assertThat(after.out()).contains("one: w");
    }

    @Test
    void localConvertKeepsItsUsageErrors() {
        CliRunner.Result bad = ret(false).run("convert", "a.zip", "out", "--mode", "sideways");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--mode is child-tables or join");
    }

    @Test
    void diffPassesItsOptionsThroughAndDrawsOnlyOnATerminal() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "k,v\n1,x\n2,y\n");
        Files.writeString(dir.resolve("b.csv"), "k,v\n1,x\n2,z\n");
        String a = dir.resolve("a.csv").toString();
        String b = dir.resolve("b.csv").toString();
        CliRunner.Result script = ret(false).run("diff", a, b, "--key", "k", "--format", "summary");
        assertThat(script.code()).as(script.toString()).isEqualTo(1);
        assertThat(script.out()).contains("modified").contains("key k");
        assertThat(script.err()).isEmpty();

        CliRunner.Result person = ret(true).run("diff", a, b, "--key", "k", "--format", "summary");
        assertThat(person.err()).contains("diff [").contains("100%").contains("24 B / 24 B").contains("4 rows");
        assertThat(ret(false).run("diff", a, b, "--bogus").code()).isEqualTo(2);
    }

    @Test
    void serveRejectsAnUnknownOptionAsAUsageError() {
        CliRunner.Result result = ret(false).run("serve", "--bogus");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--bogus'");
    }

    @Test
    void workerGetsItsOptionsInOrder() {
        CliRunner.Result missing = ret(false).run("worker", "--kind", "ConversionJob", "--name", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("usage: ret worker --kind");
        CliRunner.Result unknown = ret(false).run("worker", "--kind", "ConversionJob", "--name", "x", "--bogus", "y");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("ret worker: unknown option '--bogus'");
    }
}
