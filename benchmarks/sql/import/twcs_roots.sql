-- twcs_roots: the root of each kept tweet's thread: its topmost ancestor when the reply
-- chain reaches a tweet without a parent inside the file. A tweet whose chain breaks at a
-- parent missing from the file (or loops) has no row: its root is unknown.
-- Only ids are walked, so the recursion stays narrow. Grain: one row per rooted tweet.
create or replace temp table twcs_roots as
with recursive
links as materialized (
    select tweet_id, parent_tweet_id
    from twcs_tweets
),

threads(tweet_id, root_tweet_id) as (
    select tweet_id, tweet_id
    from links
    where parent_tweet_id is null
    union all
    select child.tweet_id, thread.root_tweet_id
    from links as child
    join threads as thread
        on child.parent_tweet_id = thread.tweet_id
)

select * from threads;
