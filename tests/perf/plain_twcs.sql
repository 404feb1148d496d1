-- The plain-DuckDB baseline of `make bench-import`: the TWCS file loaded into one typed table
-- and the per-brand counts of brand_metrics computed straight from it, with none of the
-- project's machinery (no dataset schema, no runs, no views). Same definitions as
-- docs/methodology.md: a customer tweet is addressed to brand B when it replies to B's tweet
-- or mentions one of B's screen names; it is answered when B tweets anywhere below it, after
-- it; on time within $sla_seconds, else late; unanswered and older than
-- $ignore_after_seconds at the file's last tweet: ignored, else pending.
-- Statements are separated by a line holding only ';'.
create table tweets as
select
    tweet_id::bigint as tweet_id,
    author_id,
    inbound::boolean as inbound,
    strptime(created_at, '%a %b %d %H:%M:%S %z %Y') as created_at,
    replace(text, chr(1), chr(13)) as text,
    in_response_to_tweet_id::double::bigint as parent_id
from read_csv(
    $path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
    new_line = '\n'
)
;
create table brand_figures as
with recursive
brand_authors as (
    select
        author_id,
        case when starts_with(author_id, '_') then 'x' || lower(author_id)
            else lower(author_id) end as brand_id,
        lower(author_id) as handle_key
    from tweets
    where not inbound
    group by author_id
),

tweet_brands as (
    select tweets.tweet_id, tweets.parent_id, tweets.created_at, brand_authors.brand_id
    from tweets
    left join brand_authors using (author_id)
),

replies as (
    select child.tweet_id, parent.brand_id
    from tweet_brands as child
    join tweet_brands as parent
        on parent.tweet_id = child.parent_id
    where child.brand_id is null and parent.brand_id is not null
),

mentions as (
    select handles.tweet_id, brand_authors.brand_id
    from (
        select tweet_id,
            unnest(regexp_extract_all(text, '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{1,15})', 1))
                as handle
        from tweets
        anti join brand_authors using (author_id)
    ) as handles
    join brand_authors
        on brand_authors.handle_key = lower(handles.handle)
),

addressed as (
    select distinct pairs.tweet_id, pairs.brand_id, tweets.created_at
    from (select * from replies union all select * from mentions) as pairs
    join tweets using (tweet_id)
),

answers(brand_id, replied_at, ancestor_id, depth) as (
    select brand_id, created_at, parent_id, 1
    from tweet_brands
    where brand_id is not null and parent_id is not null
    union all
    select walk.brand_id, walk.replied_at, parent.parent_id, walk.depth + 1
    from answers as walk
    join tweets as parent
        on parent.tweet_id = walk.ancestor_id
    where parent.parent_id is not null and walk.depth < 1000
),

as_of as (
    select max(created_at) as judged_at from tweets
),

first_responses as (
    select addressed.tweet_id, addressed.brand_id, min(answers.replied_at) as first_at
    from addressed
    join answers
        on answers.ancestor_id = addressed.tweet_id
        and answers.brand_id = addressed.brand_id
        and answers.replied_at > addressed.created_at
    group by all
),

judged as (
    select
        addressed.brand_id,
        datediff('microsecond', addressed.created_at, first_responses.first_at) / 1e6
            as response_seconds,
        case
            when response_seconds <= $sla_seconds then 'on_time'
            when response_seconds is not null then 'late'
            when datediff('microsecond', addressed.created_at, as_of.judged_at)
                > $ignore_after_seconds * 1e6 then 'ignored'
            else 'pending'
        end as status
    from addressed
    cross join as_of
    left join first_responses using (tweet_id, brand_id)
)

-- every brand, also one nobody addressed
select
    brand_id,
    count(judged.status) as customer_posts,
    count(*) filter (where status = 'on_time') as on_time,
    count(*) filter (where status = 'late') as late,
    count(*) filter (where status = 'ignored') as ignored,
    count(*) filter (where status = 'pending') as pending,
    quantile_cont(response_seconds, 0.5) as median_response_seconds
from (select distinct brand_id from brand_authors) as brands
left join judged using (brand_id)
group by brand_id
;
