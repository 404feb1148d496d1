-- twcs_accounts_insert: every author of the file not yet in the dataset as an `x` account
-- (twcs_accounts_update.sql rewrote the others; a plain insert costs less than an upsert).
-- Brands are the authors of non-inbound tweets; brand_id = twcs_brand_id(screen name), see
-- twcs_parsed.sql. Customers keep the dataset's anonymised number as account_id and handle.
-- Parameters: $fetched_at, $run_id.
insert into accounts (platform, account_id, handle, display_name, followers, brand_id, url,
    fetched_at, run_id)
with authors as (
    select author_id, bool_or(not inbound) as is_brand
    from twcs_tweets
    anti join (select account_id from accounts where platform = 'x') as dataset
        on dataset.account_id = twcs_tweets.author_id
    group by author_id
),

final as (
    select
        'x' as platform,
        author_id as account_id,
        author_id as handle,
        null as display_name,
        null::bigint as followers,
        case when is_brand then twcs_brand_id(author_id) end as brand_id,
        case when is_brand then 'https://x.com/' || author_id end as url,
        $fetched_at::timestamptz as fetched_at,
        $run_id::bigint as run_id
    from authors
)

select * from final;
