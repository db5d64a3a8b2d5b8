package io.ret.operator.api;

import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Converts the XML archive of an upload session to CSV files. */
@Group(ConversionJob.GROUP)
@Version(ConversionJob.VERSION)
@Kind("ConversionJob")
@Categories("ret")
@ShortNames("retconv")
public final class ConversionJob extends RetJob<ConversionJobSpec> {
    public static final String GROUP = "ret.io";
    public static final String VERSION = "v1alpha1";
}
