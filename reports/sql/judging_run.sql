-- judging_run: the run whose window and thresholds judge every post (view audit_params),
-- with its status and per-platform stats for the coverage section.
-- Grain: one row; none before the first finished or partial crawl.
with params as (
    select * from audit_params
),

crawl_runs as (
    select run_id, status, started_at, finished_at, stats
    from runs
),

final as (
    select
        params.run_id,
        params.window_start,
        params.window_end,
        params.sla_seconds,
        params.ignore_after_seconds,
        params.as_of,
        crawl_runs.status,
        crawl_runs.started_at,
        crawl_runs.finished_at,
        crawl_runs.stats
    from params
    join crawl_runs using (run_id)
)

select * from final
