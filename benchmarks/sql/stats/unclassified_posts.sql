-- unclassified_posts: customer posts (any brand) without a class from $classifier, with
-- their text, to be classified. Grain: (platform, post_id).
with addressed as (
    select distinct platform, post_id, text
    from customer_posts
),

classified as (
    select platform, post_id
    from post_classes
    where classifier = $classifier
),

final as (
    select addressed.platform, addressed.post_id, addressed.text
    from addressed
    anti join classified
        on classified.platform = addressed.platform
        and classified.post_id = addressed.post_id
)

select *
from final
order by platform, post_id
