-- weekly_rates: per brand and week of posting (weeks start on Monday, UTC), customer posts
-- answered and judged, for the report's trend chart. Parameters: none.
-- Grain: one row per (brand, week) with at least one customer post.
with judged as (
    select
        brand_id,
        date_trunc('week', created_at at time zone 'UTC')::date as week,
        status
    from customer_posts
),

final as (
    select
        brand_id,
        week,
        count(*) as customer_posts,
        count(*) filter (where status in ('on_time', 'late')) as answered,
        count(*) filter (where status in ('on_time', 'late', 'ignored')) as judged
    from judged
    group by brand_id, week
)

select *
from final
order by week, brand_id
