-- refresh_anchors: the stored posts on $platform whose reply threads an incremental run looks
-- at again, because what is below them can still change what is measured:
--   pending: a customer post that was still pending at the previous run ($as_of), or
--            unverified (its thread could not be fetched then: it is tried again). Its
--            anchor is the brand post it replies to (found again in that account's posts),
--            or itself when it only mentions the brand (found again by mention search).
--   young:   a brand post written less than $young_seconds before the previous run; its
--            thread is fetched again only if its reply count has changed since.
-- Everything written after $as_of is new and crawled as in a first run.
-- Parameters: $platform, $window_start, $window_end, $sla_seconds, $ignore_after_seconds,
-- $as_of, $young_seconds. Grain: one row per (post_id, reason).
with pending as (
    select platform, post_id, parent_id
    from customer_posts_at($window_start, $window_end, $sla_seconds, $ignore_after_seconds,
                           $as_of)
    where platform = $platform
        and status in ('pending', 'unverified')
),

posts_here as (
    select post_id, author_id, created_at, reply_count, by_brand, brand_id
    from posts
    where platform = $platform
),

pending_anchors as (
    select distinct
        case when parent.by_brand then parent.post_id else pending.post_id end as post_id,
        'pending' as reason
    from pending
    left join posts_here as parent
        on parent.post_id = pending.parent_id
),

young_brand_posts as (
    select post_id, 'young' as reason
    from posts_here
    where by_brand
        and created_at <= $as_of
        and created_at > $as_of - to_seconds($young_seconds)
),

final as (
    select
        anchors.post_id,
        anchors.reason,
        posts_here.author_id,
        posts_here.by_brand,
        posts_here.brand_id,
        posts_here.created_at,
        posts_here.reply_count
    from (select * from pending_anchors union all select * from young_brand_posts) as anchors
    join posts_here using (post_id)
)

select *
from final
order by created_at, post_id, reason
