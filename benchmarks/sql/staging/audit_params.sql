-- audit_params: the window and thresholds of the latest completed run, one row (none before
-- the first crawl). The metric views judge every post with these, at `as_of`.
create or replace view audit_params as
with completed as (
    select *
    from runs
    where status in ('finished', 'partial')
),

final as (
    select
        run_id,
        window_start,
        window_end,
        sla_seconds,
        ignore_after_seconds,
        coalesce(as_of, started_at) as as_of
    from completed
    order by run_id desc
    limit 1
)

select * from final;
