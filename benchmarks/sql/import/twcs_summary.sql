-- twcs_summary: what an import read, kept and could not link, for the run's stats.
-- unlinked_replies: kept tweets whose in_response_to_tweet_id names a tweet that is neither
-- in the file nor already in the dataset (the file's tweets are in the dataset by now, so
-- only parents outside the file are looked up there). Parameters: $records, $rejected, $duplicates
-- (from twcs_counts.sql). Grain: one row.
with parsed as (
    select
        $records::bigint as records,
        $rejected::bigint as rejected,
        $duplicates::bigint as duplicates
),

tweets as (
    select
        count(*) as tweets,
        count(*) filter (where inbound) as inbound,
        min(created_at) as first_at,
        max(created_at) as last_at
    from twcs_tweets
),

outside as materialized (  -- parents not in the file: compared as numbers, few are left
    select tweet.parent_tweet_id
    from twcs_tweets as tweet
    anti join twcs_tweets as file
        on file.tweet_id = tweet.parent_tweet_id
    where tweet.parent_tweet_id is not null
),

unlinked as (
    select count(*) as unlinked_replies
    from outside
    where not exists (
        select 1 from posts
        where posts.platform = 'x' and posts.post_id = outside.parent_tweet_id::varchar
    )
),

final as (
    select
        parsed.records,
        tweets.tweets,
        tweets.inbound,
        parsed.rejected,
        parsed.duplicates,
        unlinked.unlinked_replies,
        tweets.first_at,
        tweets.last_at
    from parsed, tweets, unlinked
)

select * from final
