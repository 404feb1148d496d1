-- customer_posts, pseudonymised with the same rules as posts.sql: the same post gets the same
-- hash in both files, so they still join. A post a brand wrote to another brand stays
-- readable; first_response_id is always a brand post's. Other columns pass through.
-- Grain: as the view.
with brand_posts as (
    select platform, post_id, true as is_brand
    from export_brand_posts
),

final as (
    select judged.* replace (
        case when own.is_brand then judged.post_id else pseudonym(judged.post_id) end
            as post_id,
        case when own.is_brand then judged.author_id else pseudonym(judged.author_id) end
            as author_id,
        case when own.is_brand then judged.author_handle
            else pseudonym(judged.author_handle) end as author_handle,
        case when own.is_brand then judged.url end as url,
        strip_mentions(judged.platform, judged.text) as text,
        case when parent.is_brand then judged.parent_id else pseudonym(judged.parent_id) end
            as parent_id,
        case when root.is_brand then judged.root_id else pseudonym(judged.root_id) end
            as root_id
    )
    from customer_posts as judged
    left join brand_posts as own
        on own.platform = judged.platform and own.post_id = judged.post_id
    left join brand_posts as parent
        on parent.platform = judged.platform and parent.post_id = judged.parent_id
    left join brand_posts as root
        on root.platform = judged.platform and root.post_id = judged.root_id
)

select * from final
