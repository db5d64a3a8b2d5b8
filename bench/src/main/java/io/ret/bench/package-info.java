/**
 * Benchmarks, one package per feature. Each is a main (or JMH benchmark) run by
 * hand or by bench/run; results are quoted in the README with the machine.
 * Run: {@code java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.<feature>.<Main>}.
 */
package io.ret.bench;
