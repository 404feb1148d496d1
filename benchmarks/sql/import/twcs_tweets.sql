-- twcs_tweets: every record of the file, read once, marked: `valid` and `copy` = 1 are the
-- tweets kept. Rejected (valid = false): a record without a readable tweet_id, author_id,
-- inbound flag or created_at, or whose in_response_to_tweet_id is present but not an id.
-- Of valid records sharing a tweet_id, copy 1 is kept: the earliest created_at, then
-- author, text, inbound and parent (repeatable). twcs_counts.sql counts, then the others are
-- deleted. Parameter: $path. Grain: one row per record.
create or replace temp table twcs_tweets as
with parsed as (
    select *
    from twcs_parsed($path)
),

rejected as (
    select *
    from parsed
    where not valid
),

valid as (
    select *
    from parsed
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
    select *, 1 as copy
    from valid
    anti join duplicated using (tweet_id)
    union all
    select *, row_number() over (
        partition by tweet_id order by created_at, author_id, text, inbound, parent_tweet_id
    ) as copy
    from valid
    semi join duplicated using (tweet_id)
    union all
    select *, null as copy
    from rejected
)

select * from final;
