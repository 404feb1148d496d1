-- twcs_posts: the kept tweets as `x` posts, keyed by (platform, post_id), for
-- twcs_posts_update.sql and twcs_posts_insert.sql. url is NULL: TWCS renumbered the tweets,
-- so no link to x.com exists. brand_id is the author's brand for brand tweets, NULL for
-- customers'. Grain: one row per kept tweet.
create or replace temp view twcs_posts as
with tweets as (
    select * from twcs_tweets
),

roots as (
    select * from twcs_roots
),

brand_accounts as (
    select account_id, brand_id
    from accounts
    where platform = 'x' and brand_id is not null
),

final as (
    select
        'x' as platform,
        tweets.tweet_id::varchar as post_id,
        tweets.author_id,
        tweets.created_at,
        tweets.text,
        tweets.parent_tweet_id::varchar as parent_id,
        roots.root_tweet_id::varchar as root_id,
        brand_accounts.brand_id,
        brand_accounts.brand_id is not null as by_brand
    from tweets
    left join roots using (tweet_id)
    left join brand_accounts
        on brand_accounts.account_id = tweets.author_id
)

select * from final;
