-- export_brand_posts: the posts written by brand accounts, whose ids stay readable in a
-- pseudonymised export. Everything else (customers, and accounts the crawl never identified)
-- gets keyed hashes. Grain: one row per brand post.
create or replace temp table export_brand_posts as
with brand_accounts as (
    select platform, account_id
    from accounts
    where brand_id is not null
),

final as (
    select posts.platform, posts.post_id
    from posts
    semi join brand_accounts
        on brand_accounts.platform = posts.platform
        and brand_accounts.account_id = posts.author_id
)

select * from final;
