package io.ret.operator.api;

import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Chunks, embeds and stores a session's CSV outputs in a retrieval collection. */
@Group(ConversionJob.GROUP)
@Version(ConversionJob.VERSION)
@Kind("IndexJob")
@Categories("ret")
@ShortNames("retidx")
public final class IndexJob extends RetJob<IndexJobSpec> {
}
