-- twcs_tweets: the tweets the import keeps, one per tweet id. Rejected: a record without a
-- readable tweet_id, author_id, inbound flag or created_at, or whose in_response_to_tweet_id
-- is present but not an id. Of records sharing a tweet_id one is kept (the earliest
-- created_at, then author, text, inbound and parent: repeatable). Parameter: $path.
-- Grain: one row per tweet_id.
create or replace temp table twcs_tweets as
with valid as (
    select * exclude (valid)
    from twcs_parsed($path)
    where valid
),

duplicated as (
    select tweet_id
    from valid
    group by tweet_id
    having count(*) > 1
),

-- Only the few duplicated ids are ranked: a window over every row would cost a sort.
final as (
    select *
    from valid
    anti join duplicated using (tweet_id)
    union all
    select *
    from valid
    semi join duplicated using (tweet_id)
    qualify row_number() over (
        partition by tweet_id order by created_at, author_id, text, inbound, parent_tweet_id
    ) = 1
)

select * from final;
