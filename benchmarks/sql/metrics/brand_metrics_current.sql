-- brand_metrics_current: the latest truth, beside the history as it was reported. Every
-- (brand, platform) of brand_metrics, judged with the latest completed run's window and
-- thresholds at its as_of, with that run's id and week. Where pending posts have resolved
-- since a week was recorded in brand_metrics_history, the two differ; history never moves.
-- Grain: one row per (brand, platform), like brand_metrics.
create or replace view brand_metrics_current as
with params as (
    select * from audit_params
),

metrics as (
    select * from brand_metrics
),

final as (
    select
        params.run_id,
        date_trunc('week', params.as_of at time zone 'UTC')::date as week,
        params.as_of,
        metrics.*
    from metrics
    cross join params
)

select * from final;
