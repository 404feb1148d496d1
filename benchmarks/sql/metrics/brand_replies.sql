-- brand_replies: one row per brand post that replies to another post, with what it does
-- (reply_kinds): kind public | redirect, channel dm | email | phone | web | other for
-- redirects, automated (a template posted fast and often, or a bot's). kind is NULL until
-- the rules have run (after every crawl and import). Grain: (platform, post_id).
create or replace view brand_replies as
with brand_accounts as (
    select platform, account_id, brand_id
    from accounts
    where brand_id is not null
),

replies as (
    select reply.platform, reply.post_id, brand_accounts.brand_id
    from posts as reply
    join brand_accounts
        on brand_accounts.platform = reply.platform
        and brand_accounts.account_id = reply.author_id
    where reply.parent_id is not null
),

final as (
    select
        replies.platform,
        replies.post_id,
        replies.brand_id,
        kinds.kind,
        kinds.channel,
        kinds.automated
    from replies
    left join reply_kinds as kinds
        on kinds.platform = replies.platform
        and kinds.post_id = replies.post_id
)

select * from final;
