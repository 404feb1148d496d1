-- twcs_copies: of valid records sharing a tweet_id, copy 1 is kept: the earliest created_at,
-- then author, text, inbound and parent (repeatable); the others get copy 2, 3, ... Only the
-- few duplicated ids are ranked: a window over every row would cost a sort.
-- Grain: one row per record of a duplicated tweet_id, updated in place.
update twcs_tweets set copy = ranked.copy
from (
    select
        rowid as row_key,
        row_number() over (
            partition by tweet_id
            order by created_at, author_id, text, inbound, parent_tweet_id
        ) as copy
    from twcs_tweets
    where valid
        and tweet_id in (
            select tweet_id
            from twcs_tweets
            where valid
            group by tweet_id
            having count(*) > 1
        )
) as ranked
where twcs_tweets.rowid = ranked.row_key;
