-- unclassified_replies: every brand post, with its text, the brand, whether $classifier
-- already decided its kind, and its delay: seconds from the post it replies to (NULL when
-- that post is not stored, or it replies to nothing). Posts whose parent was not crawled
-- are replies all the same (a customer's "done" may answer them), so every brand post is
-- decided. The delays of all of a brand's replies decide which texts are templated, so
-- every post comes back, decided or not.
-- Grain: (platform, post_id).
with brand_accounts as (
    select platform, account_id, brand_id, coalesce(automated, false) as bot
    from accounts
    where brand_id is not null
),

replies as (
    select
        reply.platform,
        reply.post_id,
        brand_accounts.brand_id,
        brand_accounts.bot,
        reply.text,
        datediff('millisecond', parent.created_at, reply.created_at) / 1000.0 as delay_seconds
    from posts as reply
    join brand_accounts
        on brand_accounts.platform = reply.platform
        and brand_accounts.account_id = reply.author_id
    left join posts as parent
        on parent.platform = reply.platform
        and parent.post_id = reply.parent_id
),

final as (
    select
        replies.*,
        reply_kinds.post_id is not null as decided
    from replies
    left join reply_kinds
        on reply_kinds.platform = replies.platform
        and reply_kinds.post_id = replies.post_id
        and reply_kinds.classifier = $classifier
)

select *
from final
order by platform, post_id
