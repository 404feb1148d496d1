-- weekly_rates: per brand and week of posting (weeks start on Monday, UTC), customer posts
-- settled and, of those, answered, for the report's trend chart. Parameters: none.
-- A post is settled once it is older than the ignore threshold at the judging instant: only
-- then is "unanswered" final. Counting only settled posts keeps recent weeks fair: their
-- quick answers are known at once while their unanswered posts are still pending, so
-- counting every judged post would inflate the newest weeks' rates.
-- Grain: one row per (brand, week) with at least one customer post.
with params as (
    select as_of - to_seconds(ignore_after_seconds) as settled_before
    from audit_params
),

judged as (
    select
        customer_posts.brand_id,
        date_trunc('week', customer_posts.created_at at time zone 'UTC')::date as week,
        customer_posts.status,
        customer_posts.created_at <= params.settled_before as is_settled
    from customer_posts
    cross join params
),

final as (
    select
        brand_id,
        week,
        count(*) as customer_posts,
        count(*) filter (where is_settled and status in ('on_time', 'late')) as answered,
        count(*) filter (where is_settled) as settled
    from judged
    group by brand_id, week
)

select *
from final
order by week, brand_id
