-- posts, pseudonymised: a post not written by a brand account gets a keyed hash for its id
-- (Bluesky and Mastodon ids contain the author's DID or handle), its author id, and its
-- parent and root ids unless those are brand posts; its url (which names the author) is
-- dropped. Every @-mention that does not name a brand account is removed from every text.
-- Other columns pass through. Grain: one row per post, as in `posts`.
with brand_posts as (
    select platform, post_id, true as is_brand
    from export_brand_posts
),

final as (
    select posts.* replace (
        case when own.is_brand then posts.post_id else pseudonym(posts.post_id) end
            as post_id,
        case when own.is_brand then posts.url end as url,
        case when own.is_brand then posts.author_id else pseudonym(posts.author_id) end
            as author_id,
        strip_mentions(posts.platform, posts.text) as text,
        case when parent.is_brand then posts.parent_id else pseudonym(posts.parent_id) end
            as parent_id,
        case when root.is_brand then posts.root_id else pseudonym(posts.root_id) end
            as root_id
    )
    from posts
    left join brand_posts as own
        on own.platform = posts.platform and own.post_id = posts.post_id
    left join brand_posts as parent
        on parent.platform = posts.platform and parent.post_id = posts.parent_id
    left join brand_posts as root
        on root.platform = posts.platform and root.post_id = posts.root_id
)

select * from final
