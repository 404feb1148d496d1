-- twcs_tweets: every record of the file, read once, marked: `valid` and `copy` = 1 are the
-- tweets kept. Rejected (valid = false, copy NULL): a record without a readable tweet_id,
-- author_id, inbound flag or created_at, or whose in_response_to_tweet_id is present but not
-- an id. Every valid record starts as copy 1; twcs_copies.sql then numbers the few that
-- share a tweet_id. twcs_counts.sql counts, then the others are deleted. The file is read
-- straight into the table: a step that read it twice (valid and rejected apart) would hold
-- every text twice. Parameter: $path. Grain: one row per record.
create or replace temp table twcs_tweets as
with parsed as (
    select *
    from twcs_parsed($path)
),

final as (
    select *, case when valid then 1 end as copy
    from parsed
)

select * from final;
