package io.ret.server.job;

public enum JobType {
    CONVERSION("bytes"), COMPARISON("rows"), INDEXING("chunks");

    private final String workUnit;

    JobType(String workUnit) {
        this.workUnit = workUnit;
    }

    /** What work_done and work_total count for this type. */
    public String workUnit() {
        return workUnit;
    }
}
