package io.ret.server.job.worker;

import java.util.List;

import io.ret.server.job.kubernetes.JobResources;

/** {@code --kind ConversionJob|IndexJob --name NAME --namespace NS}: the resource a worker pod runs. */
record WorkerArguments(JobResources.Kind kind, String name, String namespace) {
    static final String USAGE = "usage: ret worker --kind ConversionJob|IndexJob --name NAME --namespace NAMESPACE";

    /** A command line that names no resource; the message is for the person who typed it. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    static WorkerArguments parse(List<String> options) throws Invalid {
        String kind = null;
        String name = null;
        String namespace = null;
        for (int i = 0; i + 1 < options.size(); i += 2) {
            switch (options.get(i)) {
                case "--kind" -> kind = options.get(i + 1);
                case "--name" -> name = options.get(i + 1);
                case "--namespace" -> namespace = options.get(i + 1);
                default -> throw new Invalid("ret worker: unknown option '" + options.get(i) + "'");
            }
        }
        if (kind == null || name == null || namespace == null || options.size() % 2 != 0) {
            throw new Invalid(USAGE);
        }
        try {
            return new WorkerArguments(JobResources.Kind.named(kind), name, namespace);
        } catch (IllegalArgumentException e) {
            throw new Invalid("ret worker: " + e.getMessage());
        }
    }
}
