-- twcs_mentions: an @screen_name in a tweet's text that names a known `x` brand account
-- (compared case-insensitively, as X does) becomes a post_mentions row. An @ inside a word
-- (an e-mail address) is not a mention. Customers' numbers are not brand accounts, so
-- mentions of customers are not recorded. Grain: one row per (tweet, brand account).
-- The text is cut at every '@': piece i > 1 follows an '@', and is a mention when the piece
-- before it does not end in a word character (it is empty at the start of the text or
-- between two '@'); the screen name is the piece's first 1 to 15 word characters. This is
-- the regular expression '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})' in half its time.
insert into post_mentions (platform, post_id, account_id)
with pieces as (
    select tweet_id, string_split(text, '@') as piece
    from twcs_tweets
    where contains(text, '@')  -- a cheap test first: most texts hold one or two '@'
),

handles as (
    select tweet_id, regexp_extract(piece[i], '^[A-Za-z0-9_]{1,15}') as handle
    from (
        select tweet_id, piece, unnest(range(2, len(piece) + 1)) as i
        from pieces
    )
    where not regexp_matches(piece[i - 1], '[A-Za-z0-9_]$')
),

brand_accounts as (
    select account_id, lower(account_id) as handle_key
    from accounts
    where platform = 'x' and brand_id is not null
),

mentioned as (  -- distinct on the number: cheaper than on its text
    select distinct handles.tweet_id, brand_accounts.account_id
    from handles
    join brand_accounts
        on brand_accounts.handle_key = lower(handles.handle)
),

final as (
    select 'x' as platform, tweet_id::varchar as post_id, account_id
    from mentioned
)

select *
from final
anti join post_mentions using (platform, post_id, account_id);
