-- time_of_week: customer posts per brand by weekday (0 = Monday) and hour of posting (UTC),
-- with how many were answered and judged, for the weekday and hour chart.
-- Parameters: none. Grain: one row per (brand, weekday, hour) with at least one post.
with judged as (
    select
        brand_id,
        isodow(created_at at time zone 'UTC') - 1 as weekday,
        hour(created_at at time zone 'UTC') as hour,
        status
    from customer_posts
),

final as (
    select
        brand_id,
        weekday,
        hour,
        count(*) as customer_posts,
        count(*) filter (where status in ('on_time', 'late')) as answered,
        count(*) filter (where status in ('on_time', 'late', 'ignored')) as judged
    from judged
    group by brand_id, weekday, hour
)

select *
from final
order by brand_id, weekday, hour
