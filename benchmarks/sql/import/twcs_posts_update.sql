-- twcs_posts_update: a tweet already in the dataset is rewritten only where the file says
-- something different (a known parent or text is never replaced by an unknown one), so
-- importing the same file again writes nothing. Parameters: $fetched_at, $run_id.
update posts set
    author_id = new.author_id,
    created_at = new.created_at,
    text = coalesce(new.text, posts.text),
    parent_id = coalesce(new.parent_id, posts.parent_id),
    root_id = coalesce(new.root_id, posts.root_id),
    brand_id = coalesce(posts.brand_id, new.brand_id),
    by_brand = new.by_brand or posts.by_brand,
    fetched_at = $fetched_at::timestamptz,
    run_id = $run_id::bigint
from twcs_posts as new
where posts.platform = 'x'
    and posts.post_id = new.post_id
    and (posts.author_id is distinct from new.author_id
        or posts.created_at is distinct from new.created_at
        or posts.text is distinct from coalesce(new.text, posts.text)
        or posts.parent_id is distinct from coalesce(new.parent_id, posts.parent_id)
        or posts.root_id is distinct from coalesce(new.root_id, posts.root_id)
        or posts.brand_id is distinct from coalesce(posts.brand_id, new.brand_id)
        or posts.by_brand is distinct from (new.by_brand or posts.by_brand));
