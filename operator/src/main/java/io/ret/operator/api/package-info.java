/**
 * The custom resources {@code ConversionJob} and {@code IndexJob} ({@code ret.io/v1alpha1}).
 * The CRDs in {@code charts/ret/crds/} are generated from these classes; change them here.
 *
 * <p>Status fields have two writers: the worker merge-patches {@code progress}, {@code message},
 * {@code jobId} and {@code attempts}; the operator patches the rest and never sends those four.
 */
package io.ret.operator.api;
