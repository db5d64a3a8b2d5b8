package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.ret.server.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local tools started without picocli answer exactly as through the picocli tree, and only plain lines go that way. */
class LocalToolsTest {
    @TempDir
    Path dir;

    record Result(Integer code, String out, String err) {
    }

    @Test
    void aPlainLocalConvertGivesWhatThePicocliTreeGives() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.xml"), "<r><o id=\"1\"><n> x </n><l><s>1</s></l><l><s>2</s></l></o>"
                + "<o id=\"2\"><n>y</n><l><s>3</s></l></o></r>");
        Files.writeString(in.resolve("b.xml"), "<r><o id=\"3\"><n>z</n></o></r>");
        List<List<String>> lines = List.of(
                List.of(),
                List.of("--layout", "per-file", "--keep-whitespace", "--key", "o=n"),
                List.of("--mode", "join", "--separator", ";", "--record", "o", "--namespace-uri"),
                List.of("--key", "o=n", "--key", "o.l=s", "--layout", "merged"),
                List.of("--mode", "sideways", "--layout", "crooked"),
                List.of("--key", "nonsense"),
                List.of("--layout-from", dir.resolve("nowhere").toString()));
        int n = 0;
        for (List<String> options : lines) {
            n++;
            List<String> args = new ArrayList<>(List.of("convert", in.toString(), "OUT"));
            args.addAll(options);
            assertThat(LocalTools.convertArgs(args.subList(1, args.size()))).as(args.toString()).isNotNull();
            String straightOut = dir.resolve("straight" + n).toString();
            String treeOut = dir.resolve("tree" + n).toString();
            Result straight = run(context -> LocalTools.run(with(args, straightOut), context));
            Result tree = run(context -> Main.commandLine(context).execute(with(args, treeOut)));
            assertThat(straight.code()).as(args.toString()).isNotNull();
            assertThat(straight).as(args.toString()).isEqualTo(new Result(tree.code(),
                    tree.out().replace(treeOut, straightOut), tree.err().replace(treeOut, straightOut)));
            if (tree.code() == 0) {
                try (var files = Files.list(Path.of(treeOut))) {
                    for (Path file : files.toList()) {
                        assertThat(Path.of(straightOut).resolve(file.getFileName())).as(file.toString())
                                .hasSameBinaryContentAs(file);
                    }
                }
            }
        }
    }

    @Test
    void theConvertersOwnOptionsWorkThroughThePicocliTreeToo() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.xml"), "<r><o><n> x </n><c>1</c></o><o><n>y</n><c>1</c></o></r>");
        Result tree = run(context -> Main.commandLine(context).execute("convert", in.toString(),
                dir.resolve("out").toString(), "--layout", "per-file", "--keep-whitespace", "--key", "o=n"));
        assertThat(tree.code()).as(tree.toString()).isZero();
        assertThat(Files.readString(dir.resolve("out/a.csv"))).isEqualTo("_id,n,c\r\n1, x ,1\r\n2,y,1\r\n");
        assertThat(tree.out()).contains("key n (given)");
    }

    @Test
    void optionsAreHandedOnInTheOrderConvertCliUses() {
        assertThat(LocalTools.convertArgs(List.of("--key", "a=b", "in", "--keep-whitespace", "--mode", "join", "out",
                "--record", "r", "--key", "c=d", "--layout-from", "old")))
                .containsExactly("in", "out", "--record", "r", "--mode", "join", "--keep-whitespace",
                        "--key", "a=b", "--key", "c=d", "--layout-from", "old");
    }

    @Test
    void everyOtherCommandLineIsLeftToPicocli() {
        for (List<String> args : List.of(
                List.of("session-1"),
                List.of("in", "out", "extra"),
                List.of("in", "out", "--record=o"),
                List.of("in", "out", "--record", "o", "--record", "p"),
                List.of("in", "out", "--namespace-uri", "--namespace-uri"),
                List.of("in", "out", "--mode"),
                List.of("in", "out", "--separator", "-"),
                List.of("in", "out", "--help"),
                List.of("in", "out", "--server", "x:1"),
                List.of("in", "out", "--no-watch"),
                List.of("@args.txt"),
                List.of("in", "--", "out"))) {
            assertThat(LocalTools.convertArgs(args)).as(args.toString()).isNull();
        }
        assertThat(LocalTools.plainDiff(List.of("a.csv", "b.csv", "--key", "k", "--format", "summary"))).isTrue();
        assertThat(LocalTools.plainDiff(List.of("@args.txt"))).isFalse();
        assertThat(LocalTools.plainDiff(List.of("--", "a.csv", "b.csv"))).isFalse();
        Result help = run(context -> LocalTools.run(new String[] {"--help"}, context));
        assertThat(help.code()).isNull();
        assertThat(run(context -> LocalTools.run(new String[] {"whoami"}, context)).code()).isNull();
    }

    @Test
    void aPlainDiffGivesWhatThePicocliTreeGives() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "k,v\n1,x\n2,y\n");
        Files.writeString(dir.resolve("b.csv"), "k,v\n1,x\n2,z\n3,w\n");
        for (List<String> options : List.of(List.of("--key", "k"), List.of("--format", "summary", "--trim"),
                List.of("--bogus"))) {
            List<String> args = new ArrayList<>(List.of("diff", dir.resolve("a.csv").toString(),
                    dir.resolve("b.csv").toString()));
            args.addAll(options);
            String[] line = args.toArray(String[]::new);
            Result straight = run(context -> LocalTools.run(line, context));
            Result tree = run(context -> Main.commandLine(context).execute(line));
            assertThat(straight).as(args.toString()).isEqualTo(tree);
        }
    }

    private static String[] with(List<String> args, String out) {
        return args.stream().map(arg -> arg.equals("OUT") ? out : arg).toArray(String[]::new);
    }

    private static Result run(Function<CliContext, Integer> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false, prompt -> java.util.Optional.empty(), new Interrupts());
        Integer code = command.apply(context);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
