/**
 * The custom resources {@code ConversionJob} and {@code IndexJob} ({@code ret.io/v1alpha1}), shared
 * by the operator, the RET server's dispatcher and the worker (module {@code ret-operator-api}).
 * The CRDs in {@code charts/ret/crds/} are generated from these classes; change them here.
 *
 * <p>Status fields have two writers: the worker merge-patches the fields of {@link WorkerStatus}
 * ({@code progress}, {@code message}, {@code jobId}, {@code attempts}, {@code outcome}); the
 * operator patches the rest and never sends those.
 */
package io.ret.operator.api;
