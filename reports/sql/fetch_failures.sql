-- fetch_failures: what one run could not fetch, oldest first, capped for the report;
-- `total` is the uncapped count. Parameters: $run_id, $limit. Grain: one row per failure.
with failures as (
    select *
    from fetch_failures
    where run_id = $run_id
),

final as (
    select
        platform,
        brand_id,
        url,
        status,
        reason,
        occurred_at,
        count(*) over () as total
    from failures
)

select *
from final
order by occurred_at, platform, url
limit $limit
