-- twcs_accounts_update: authors of the file already in the dataset as `x` accounts take the
-- file's handle, and its brand and url where the file has them (a brand stays a brand);
-- see twcs_accounts_insert.sql for the new ones. Only known authors are aggregated, so a
-- first import skips this almost for free. Parameters: $fetched_at, $run_id.
update accounts set
    handle = known.author_id,
    brand_id = coalesce(
        case when known.is_brand then twcs_brand_id(known.author_id) end, accounts.brand_id),
    url = coalesce(case when known.is_brand then 'https://x.com/' || known.author_id end,
        accounts.url),
    fetched_at = $fetched_at::timestamptz,
    run_id = $run_id::bigint
from (
    select author_id, bool_or(not inbound) as is_brand
    from twcs_tweets
    semi join (select account_id from accounts where platform = 'x') as dataset
        on dataset.account_id = twcs_tweets.author_id
    group by author_id
) as known
where accounts.platform = 'x' and accounts.account_id = known.author_id;
