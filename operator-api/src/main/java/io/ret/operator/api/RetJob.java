package io.ret.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/** What a ConversionJob and an IndexJob share: the operator runs both the same way. */
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Owner", jsonPath = ".spec.owner", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public abstract sealed class RetJob<S extends RetJobSpec> extends CustomResource<S, RetJobStatus> implements Namespaced
        permits ConversionJob, IndexJob {

    /** The RET job this resource runs: {@code spec.jobId} when the server created it, else (kubectl) its uid. */
    @JsonIgnore
    public String retJobId() {
        String jobId = getSpec() == null ? null : getSpec().jobId();
        return jobId == null || jobId.isEmpty() ? getMetadata().getUid() : jobId;
    }

    /** {@code status.phase}, or empty while the operator has not written one. */
    @JsonIgnore
    public java.util.Optional<Phase> phase() {
        return java.util.Optional.ofNullable(getStatus()).map(RetJobStatus::phase);
    }
}
