-- ignored_posts: one brand's ignored customer posts, widest reach first, as the report lists
-- them. Authors with an unknown follower count come last; equal reach goes to the oldest post.
-- Parameters: $brand_id, $limit. Grain: one row per ignored (post, brand).
with ignored as (
    select *
    from customer_posts
    where brand_id = $brand_id
        and status = 'ignored'
),

authors as (
    select platform, account_id, display_name
    from accounts
),

final as (
    select
        ignored.platform,
        ignored.post_id,
        ignored.url,
        ignored.author_handle,
        authors.display_name as author_name,
        ignored.author_followers,
        ignored.created_at,
        ignored.text
    from ignored
    left join authors
        on authors.platform = ignored.platform
        and authors.account_id = ignored.author_id
)

select *
from final
order by author_followers desc nulls last, created_at, post_id
limit $limit
