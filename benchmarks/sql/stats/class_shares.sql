-- class_shares: which kind of customer post gets ignored. Per brand (all platforms) and post
-- class: judged posts (answered + ignored; pending are too recent to judge and unverified
-- could not be checked, as in every rate), how many were ignored, and the ignored share.
-- Posts not classified yet count as 'unclassified'. Grain: (brand_id, class).
with judged as (
    select platform, post_id, brand_id, status
    from customer_posts
    where status in ('on_time', 'late', 'ignored')
),

classes as (
    select platform, post_id, class
    from post_classes
),

counted as (
    select
        judged.brand_id,
        coalesce(classes.class, 'unclassified') as class,
        count(*) as judged,
        count(*) filter (where judged.status = 'ignored') as ignored
    from judged
    left join classes
        on classes.platform = judged.platform
        and classes.post_id = judged.post_id
    group by all
),

final as (
    select brand_id, class, judged, ignored, ignored / judged as ignored_share
    from counted
)

select *
from final
order by brand_id, class
