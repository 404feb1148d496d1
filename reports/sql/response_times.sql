-- response_times: the first-response time of every answered customer post, per brand, for
-- the "answered by elapsed time" chart. Parameters: none. Grain: one row per answered
-- (post, brand); pending and ignored posts are not here (the chart divides by judged posts).
with answered as (
    select brand_id, response_seconds
    from customer_posts
    where status in ('on_time', 'late')
),

final as (
    select brand_id, response_seconds
    from answered
)

select *
from final
order by brand_id, response_seconds
