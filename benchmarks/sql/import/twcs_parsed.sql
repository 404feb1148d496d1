-- twcs_brand_id: a brand screen name as a brand id: lower case (X compares screen names
-- case-insensitively), prefixed with 'x' when it starts with '_', which brand ids may not.
create or replace temp macro twcs_brand_id(handle) as
    case when starts_with(handle, '_') then 'x' || lower(handle) else lower(handle) end;

-- twcs_parsed(path): every record of a TWCS file as typed values, streamed from the CSV.
-- The file is a normalised copy (see benchmarks/importers/twcs.py): CRLF became LF and each
-- bare CR inside a text became chr(1), restored here. Ids come as '3' or '3.0'; created_at as
-- 'Tue Oct 31 22:10:47 +0000 2017'. A value that cannot be read becomes NULL, and `valid`
-- says whether the record can be kept. Grain: one row per CSV record.
create or replace temp macro twcs_parsed(path) as table
with raw as (
    select tweet_id, author_id, inbound, created_at, text, in_response_to_tweet_id
    from read_csv(
        path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
        new_line = '\n'
    )
),

typed as (
    select
        try_cast(nullif(regexp_extract(tweet_id, '^\s*([0-9]+)(?:\.0*)?\s*$', 1), '')
            as bigint) as tweet_id,
        nullif(trim(author_id), '') as author_id,
        case lower(trim(inbound))
            when 'true' then true when '1' then true
            when 'false' then false when '0' then false
        end as inbound,
        try_strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y') as created_at,
        replace(text, chr(1), chr(13)) as text,
        try_cast(nullif(regexp_extract(in_response_to_tweet_id, '^\s*([0-9]+)(?:\.0*)?\s*$', 1),
            '') as bigint) as parent_tweet_id,
        nullif(trim(in_response_to_tweet_id), '') is not null as has_parent_text
    from raw
),

final as (
    select
        * exclude (has_parent_text),
        tweet_id is not null
            and author_id is not null
            and inbound is not null
            and created_at is not null
            and (parent_tweet_id is not null or not has_parent_text) as valid
    from typed
)

select * from final;
