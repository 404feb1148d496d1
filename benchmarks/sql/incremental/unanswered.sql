-- unanswered: the customer posts on $platform in the previous run's window that no brand had
-- answered by its instant of judgement ($as_of): pending, ignored or unverified. An answer
-- can still come to any of them (an ignored post answered later becomes late). Platforms
-- whose brand answers appear only inside the thread they answer, never in a brand timeline
-- (YouTube comments, Trustpilot reviews), look at these threads again.
-- Parameters: $platform, $window_start, $window_end, $sla_seconds, $ignore_after_seconds,
-- $as_of. Grain: one row per post_id; `brand_id`: the brand it is addressed to (the first
-- by id, if several); `unverified`: its thread could not be read then.
with unanswered as (
    -- a post addressed to two brands is judged for each: unverified wins
    select platform, post_id, min(brand_id) as brand_id,
        max(status = 'unverified') as unverified
    from customer_posts_at($window_start, $window_end, $sla_seconds, $ignore_after_seconds,
                           $as_of)
    where platform = $platform
        and status in ('pending', 'ignored', 'unverified')
    group by platform, post_id
),

final as (
    select
        posts.post_id,
        posts.author_id,
        posts.by_brand,
        unanswered.brand_id,
        posts.created_at,
        posts.reply_count,
        unanswered.unverified
    from unanswered
    join posts using (platform, post_id)
)

select *
from final
order by created_at, post_id
