-- twcs_mentions: an @screen_name in a tweet's text that names a known `x` brand account
-- (compared case-insensitively, as X does) becomes a post_mentions row. An @ inside a word
-- (an e-mail address) is not a mention. Customers' numbers are not brand accounts, so
-- mentions of customers are not recorded. Grain: one row per (tweet, brand account).
insert into post_mentions (platform, post_id, account_id)
with handles as (
    select
        tweet_id,
        unnest(regexp_extract_all(text, '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})', 1))
            as handle
    from twcs_tweets
    where contains(text, '@')  -- a cheap test first: the expression runs only where it can match
),

brand_accounts as (
    select account_id, lower(account_id) as handle_key
    from accounts
    where platform = 'x' and brand_id is not null
),

final as (
    select distinct 'x' as platform, handles.tweet_id::varchar as post_id,
        brand_accounts.account_id
    from handles
    join brand_accounts
        on brand_accounts.handle_key = lower(handles.handle)
)

select *
from final
anti join post_mentions using (platform, post_id, account_id);
