package io.ret.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.ret.operator.worker.WorkerSettings.SecretEnv;

class WorkerJobsTest {
    @Test
    void jobNamesSayKindAndResource() {
        assertThat(WorkerJobs.jobName("ConversionJob", "orders-2024")).isEqualTo("conversionjob-orders-2024");
        assertThat(WorkerJobs.jobName("IndexJob", "orders-2024")).isEqualTo("indexjob-orders-2024");
    }

    @Test
    void longNamesEndInAHashThatKeepsThemApart() {
        String base = "a".repeat(60);
        String one = WorkerJobs.jobName("ConversionJob", base + "-one");
        String two = WorkerJobs.jobName("ConversionJob", base + "-two");
        assertThat(one).hasSizeLessThanOrEqualTo(52).startsWith("conversionjob-aaa").isNotEqualTo(two);
        assertThat(one).isEqualTo(WorkerJobs.jobName("ConversionJob", base + "-one"));
        assertThat(WorkerJobs.jobName("IndexJob", "x".repeat(37) + "-.y" + "z".repeat(20)))
                .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    @Test
    void secretEnvEntriesNameVariableSecretAndKey() {
        assertThat(SecretEnv.parse("RET_DB_PASSWORD=ret-db/password"))
                .isEqualTo(new SecretEnv("RET_DB_PASSWORD", "ret-db", "password"));
        for (String bad : new String[] {"RET_DB_PASSWORD", "=ret-db/password", "RET_X=ret-db", "RET_X=/key", "RET_X=a/b/c", "RET_X=a/"}) {
            assertThatThrownBy(() -> SecretEnv.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
