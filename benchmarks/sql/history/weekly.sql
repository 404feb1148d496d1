-- weekly: the history as one row per (week, brand) on $platform: the metrics of the last
-- benchmark run recorded that week, so two runs in one week count once. Oldest week first.
-- run_status: that run's status, `finished` or `partial` (some pages failed: the week is
-- kept and marked). A failed run (it fetched nothing) is never recorded.
-- Parameters: $platform. Grain: (week, brand_id).
with history as (
    select *
    from brand_metrics_history
    where platform = $platform
),

last_run_of_week as (
    select week, max(run_id) as run_id
    from history
    group by week
),

final as (
    select history.*, runs.status as run_status
    from history
    join last_run_of_week using (week, run_id)
    join runs using (run_id)
)

select *
from final
order by week, brand_id
