-- audit_params, judged at another instant (`--as-of`): a temporary view that shadows
-- audit_params for this connection only, so every metric view re-judges at the instant in
-- the temporary table judged_as_of. The window and thresholds stay the latest run's.
create or replace temp view audit_params as
with completed as (
    select *
    from runs
    where status in ('finished', 'partial')
),

judged_at as (
    select as_of
    from judged_as_of
),

final as (
    select
        completed.run_id,
        completed.window_start,
        completed.window_end,
        completed.sla_seconds,
        completed.ignore_after_seconds,
        judged_at.as_of
    from completed
    cross join judged_at
    order by completed.run_id desc
    limit 1
)

select * from final;
