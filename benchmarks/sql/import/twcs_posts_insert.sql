-- twcs_posts_insert: tweets not yet in the dataset. Parameters: $fetched_at, $run_id.
insert into posts (platform, post_id, url, author_id, created_at, text, parent_id, root_id,
    brand_id, by_brand, fetched_at, run_id)
select
    new.platform, new.post_id, null, new.author_id, new.created_at, new.text, new.parent_id,
    new.root_id, new.brand_id, new.by_brand, $fetched_at::timestamptz, $run_id::bigint
from twcs_posts as new
anti join (select post_id from posts where platform = 'x') as known using (post_id);
