package io.ret.server.job.shard;

/**
 * One of {@code count} disjoint parts of a job that several worker pods run at once.
 *
 * @param index 0..count-1, as an Indexed Job numbers its pods
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist");
        }
    }

    /** Whether the {@code ordinal}-th unit of work (0-based, in a stable order) belongs to this shard. */
    public boolean owns(long ordinal) {
        return ordinal % count == index;
    }

    @Override
    public String toString() {
        return "shard " + index + " of " + count;
    }
}
