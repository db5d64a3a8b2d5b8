package io.ret.operator.reconcile;

import java.time.Clock;

import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.ret.operator.api.IndexJob;
import io.ret.operator.worker.WorkerJobs;

@ControllerConfiguration(name = "indexjob")
public final class IndexJobReconciler extends RetJobReconciler<IndexJob> {
    public IndexJobReconciler(WorkerJobs workerJobs, WorkerSlots slots, EventRecorder events, Clock clock) {
        super(IndexJob.class, workerJobs, slots, events, clock);
    }
}
