-- unjudged_handoffs: customer posts (any brand) whose text $classifier has not yet judged as
-- a hand-off confirmation or not. Grain: (platform, post_id).
with addressed as (
    select distinct platform, post_id, text
    from customer_posts
),

judged as (
    select platform, post_id
    from handoff_texts
    where classifier = $classifier
),

final as (
    select addressed.platform, addressed.post_id, addressed.text
    from addressed
    anti join judged
        on judged.platform = addressed.platform
        and judged.post_id = addressed.post_id
)

select *
from final
order by platform, post_id
