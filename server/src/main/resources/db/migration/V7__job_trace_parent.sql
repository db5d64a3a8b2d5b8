-- The W3C traceparent of the call that started a job (null when tracing was off), so the
-- runner's spans join the caller's trace.
ALTER TABLE jobs ADD COLUMN trace_parent VARCHAR(55) NULL;
