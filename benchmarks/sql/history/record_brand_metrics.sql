-- record_brand_metrics: append the metrics of run $run_id, as brand_metrics reports them now,
-- to brand_metrics_history. Only when $run_id is the judging run (audit_params), so a failed
-- run records nothing; recording the same run twice is a primary-key error, never an update.
-- Parameters: $run_id, $recorded_at. Grain: one row per (brand, platform) of brand_metrics.
insert into brand_metrics_history by name
with params as (
    select *
    from audit_params
    where run_id = $run_id
),

metrics as (
    select *
    from brand_metrics
),

final as (
    select
        params.run_id,
        date_trunc('week', params.as_of at time zone 'UTC')::date as week,
        params.as_of,
        params.window_start,
        params.window_end,
        params.sla_seconds,
        params.ignore_after_seconds,
        metrics.brand_id,
        metrics.platform,
        metrics.customer_posts,
        metrics.on_time,
        metrics.late,
        metrics.ignored,
        metrics.pending,
        metrics.unverified,
        metrics.answered,
        metrics.response_rate,
        metrics.response_rate_low,
        metrics.response_rate_high,
        metrics.median_response_seconds,
        metrics.p90_response_seconds,
        metrics.within_sla_rate,
        metrics.negative_reviews,
        metrics.negative_response_rate,
        $recorded_at::timestamptz as recorded_at
    from metrics
    cross join params
)

select * from final
