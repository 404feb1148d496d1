-- customer_posts: one row per (customer post, brand it is addressed to) in the window.
-- A post is addressed to brand B when it is not written by one of B's accounts and either
-- replies directly to a post by B or mentions one of B's accounts. It is answered when one
-- of B's accounts wrote a post anywhere in the reply subtree below it, after it.
-- status: on_time (answered within $sla_seconds) | late (answered later) |
--         ignored (unanswered, older than $ignore_after_seconds at $as_of) | pending (younger).
-- Posts and answers created after $as_of do not exist yet for this judgement.
-- Grain: (platform, post_id, brand_id).
create or replace macro customer_posts_at(
    window_start, window_end, sla_seconds, ignore_after_seconds, as_of
) as table
with recursive
-- The arguments once, as a row: a scalar subquery passed in is evaluated here only.
judgement as materialized (
    select
        window_start as starts_at,
        window_end as ends_at,
        sla_seconds as sla_seconds_,
        ignore_after_seconds as ignore_after_seconds_,
        as_of as judged_at
),

brand_accounts as (
    select platform, account_id, brand_id
    from accounts
    where brand_id is not null
),

authored as (
    select posts.*, brand_accounts.brand_id as author_brand_id
    from posts
    left join brand_accounts
        on brand_accounts.platform = posts.platform
        and brand_accounts.account_id = posts.author_id
),

replies_to_brand as (
    select child.platform, child.post_id, parent.author_brand_id as brand_id
    from authored as child
    join authored as parent
        on parent.platform = child.platform
        and parent.post_id = child.parent_id
    where parent.author_brand_id is not null
),

mentions_of_brand as (
    select post_mentions.platform, post_mentions.post_id, brand_accounts.brand_id
    from post_mentions
    join brand_accounts
        on brand_accounts.platform = post_mentions.platform
        and brand_accounts.account_id = post_mentions.account_id
),

addressed as (
    select distinct candidate.platform, candidate.post_id, candidate.brand_id
    from (select * from replies_to_brand union all select * from mentions_of_brand) as candidate
    join authored as post
        on post.platform = candidate.platform
        and post.post_id = candidate.post_id
    cross join judgement
    where post.author_brand_id is distinct from candidate.brand_id
        and post.created_at >= judgement.starts_at
        and (judgement.ends_at is null or post.created_at < judgement.ends_at)
        and post.created_at <= judgement.judged_at
),

-- Every (brand post, ancestor) pair, walking up the reply chain from each brand post.
brand_post_ancestors(platform, reply_id, brand_id, replied_at, ancestor_id, depth) as (
    select platform, post_id, author_brand_id, created_at, parent_id, 1
    from authored
    where author_brand_id is not null and parent_id is not null
    union all
    select walk.platform, walk.reply_id, walk.brand_id, walk.replied_at, parent.parent_id,
        walk.depth + 1
    from brand_post_ancestors as walk
    join posts as parent
        on parent.platform = walk.platform
        and parent.post_id = walk.ancestor_id
    where parent.parent_id is not null and walk.depth < 1000
),

first_responses as (
    select
        addressed.platform,
        addressed.post_id,
        addressed.brand_id,
        min(answer.replied_at) as first_response_at,
        arg_min(answer.reply_id, answer.replied_at) as first_response_id
    from addressed
    join authored as post
        on post.platform = addressed.platform
        and post.post_id = addressed.post_id
    join brand_post_ancestors as answer
        on answer.platform = addressed.platform
        and answer.ancestor_id = addressed.post_id
        and answer.brand_id = addressed.brand_id
    cross join judgement
    where answer.replied_at > post.created_at
        and answer.replied_at <= judgement.judged_at
    group by all
),

judged as (
    select
        post.platform,
        post.post_id,
        addressed.brand_id,
        post.author_id,
        post.created_at,
        first_responses.first_response_at,
        first_responses.first_response_id,
        epoch(first_responses.first_response_at - post.created_at) as response_seconds,
        epoch(judgement.judged_at - post.created_at) as age_seconds,
        post.url,
        post.text,
        post.parent_id,
        post.root_id
    from addressed
    join authored as post
        on post.platform = addressed.platform
        and post.post_id = addressed.post_id
    left join first_responses
        on first_responses.platform = addressed.platform
        and first_responses.post_id = addressed.post_id
        and first_responses.brand_id = addressed.brand_id
    cross join judgement
),

final as (
    select
        judged.platform,
        judged.post_id,
        judged.brand_id,
        judged.author_id,
        author.handle as author_handle,
        author.followers as author_followers,
        judged.created_at,
        judged.first_response_at,
        judged.first_response_id,
        judged.response_seconds,
        case
            when judged.response_seconds <= judgement.sla_seconds_ then 'on_time'
            when judged.response_seconds is not null then 'late'
            when judged.age_seconds > judgement.ignore_after_seconds_ then 'ignored'
            else 'pending'
        end as status,
        judged.url,
        judged.text,
        judged.parent_id,
        judged.root_id
    from judged
    left join accounts as author
        on author.platform = judged.platform
        and author.account_id = judged.author_id
    cross join judgement
)

select * from final;

create or replace view customer_posts as
select *
from customer_posts_at(
    (select window_start from audit_params),
    (select window_end from audit_params),
    (select sla_seconds from audit_params),
    (select ignore_after_seconds from audit_params),
    (select as_of from audit_params)
);
