-- customer_posts: one row per (customer post, brand it is addressed to) in the window.
-- A post is addressed to brand B when it replies directly to a post by B, mentions one of
-- B's accounts, or is one the platform itself addresses to B (post_addressees: a topic in B's
-- community, a review of B): addressed_at(). It is a customer post when its author is no
-- brand's account at all: posts between brands of the audit (a competitor's reply that
-- carries @B) are never customer posts; brand_metrics counts them as between_brands. It is
-- answered when one of B's accounts wrote a post anywhere in the reply subtree below it,
-- after it.
-- status: on_time (answered within $sla_seconds; on the business clock, business_seconds(),
--         where the brand has open hours in business_hours) | late (answered later) |
--         ignored (unanswered, older than $ignore_after_seconds at $as_of) | pending (younger)
--         | handoff (only confirms a move to a private channel the brand asked for: no request)
--         | unverified (unanswered, and a request for replies in its thread failed in the
--         judging run, audit_params.run_id: its answer may be in what was not fetched).
-- A failure's thread_post_id X touches post P when P is X, a stored ancestor or the root
-- of X (X's replies are part of P's subtree), or a stored post below X (P's replies were
-- among those the failed request would have brought).
-- Posts and answers created after $as_of do not exist yet for this judgement.
-- Grain: (platform, post_id, brand_id).
-- The accounts that answer for a brand. Shared by addressed_at and customer_posts_at, which
-- join only the columns they need: every intermediate of these macros is as narrow as
-- possible, since a dataset holds millions of posts.
create or replace macro brand_accounts() as table
select platform, account_id, brand_id
from accounts
where brand_id is not null;

create or replace macro addressed_at(window_start, window_end, as_of) as table
with brand_accounts as (
    select * from brand_accounts()
),

-- The (post, brand) pairs first, keys only; the post's author and time join in once below.
replies_to_brand as (
    select child.platform, child.post_id, brand_accounts.brand_id
    from posts as child
    join posts as parent
        on parent.platform = child.platform
        and parent.post_id = child.parent_id
    join brand_accounts
        on brand_accounts.platform = parent.platform
        and brand_accounts.account_id = parent.author_id
),

mentions_of_brand as (
    select post_mentions.platform, post_mentions.post_id, brand_accounts.brand_id
    from post_mentions
    join brand_accounts
        on brand_accounts.platform = post_mentions.platform
        and brand_accounts.account_id = post_mentions.account_id
),

posted_in_brand_space as (
    select platform, post_id, brand_id
    from post_addressees
),

-- Accounts the platform flags as automated: few, so the join below looks them up.
bots as (
    select platform, account_id
    from accounts
    where automated
),

pairs as (
    select distinct platform, post_id, brand_id
    from (
        select * from replies_to_brand
        union all select * from mentions_of_brand
        union all select * from posted_in_brand_space
    ) as candidate
),

final as (
    select
        pairs.platform,
        pairs.post_id,
        pairs.brand_id,
        post.author_id,
        post.created_at,
        author_brand.brand_id as author_brand_id,
        bots.account_id is not null as author_automated
    from pairs
    join posts as post
        on post.platform = pairs.platform
        and post.post_id = pairs.post_id
    left join brand_accounts as author_brand
        on author_brand.platform = post.platform
        and author_brand.account_id = post.author_id
    left join bots
        on bots.platform = post.platform
        and bots.account_id = post.author_id
    where author_brand.brand_id is distinct from pairs.brand_id
        and post.created_at >= window_start
        and (window_end is null or post.created_at < window_end)
        and post.created_at <= as_of
)

select * from final;

-- customer_statuses_at: the judgement of customer_posts_at without the post's and the author's
-- presentation columns (handle, followers, url, text, parent, root, rating), which
-- brand_metrics does not need: joining them onto millions of judged posts would only cost
-- memory. Same rows and the same values as customer_posts_at.
create or replace macro customer_statuses_at(
    window_start, window_end, sla_seconds, ignore_after_seconds, as_of
) as table
with recursive
judgement as materialized (
    select
        window_start as starts_at,
        window_end as ends_at,
        sla_seconds as sla_seconds_,
        ignore_after_seconds as ignore_after_seconds_,
        as_of as judged_at
),

brand_accounts as (
    select * from brand_accounts()
),

brand_posts as (
    select posts.platform, posts.post_id, brand_accounts.brand_id, posts.created_at,
        posts.parent_id
    from posts
    join brand_accounts
        on brand_accounts.platform = posts.platform
        and brand_accounts.account_id = posts.author_id
),

-- Posts by customers only: a post by any brand's account is never a customer post, nor is
-- one by an account the platform flags as automated (brand_metrics counts both apart).
addressed as (
    select platform, post_id, brand_id, author_id, created_at
    from addressed_at(window_start, window_end, as_of)
    where author_brand_id is null and not author_automated
),

-- Threads whose replies a request of the judging run could not fetch (after retries).
failed_threads as (
    select distinct platform, thread_post_id
    from fetch_failures
    where thread_post_id is not null
        and run_id = (select run_id from audit_params)
),

-- The posts the walks below may step through: only platforms with a failed thread (every
-- join in them is within one platform). Usually none, and then no walk builds anything.
failure_platform_posts as materialized (
    select platform, post_id, parent_id, root_id
    from posts
    semi join (select distinct platform from failed_threads) as failed using (platform)
),

-- The failed threads with their stored ancestors and root: the replies a failed request
-- would have brought are part of these posts' subtrees.
failed_thread_ancestors(platform, post_id, depth) as (
    select failed_threads.platform, unnest([failed_threads.thread_post_id, post.root_id]), 0
    from failed_threads
    left join failure_platform_posts as post
        on post.platform = failed_threads.platform
        and post.post_id = failed_threads.thread_post_id
    union all
    select walk.platform, post.parent_id, walk.depth + 1
    from failed_thread_ancestors as walk
    join failure_platform_posts as post
        on post.platform = walk.platform
        and post.post_id = walk.post_id
    where post.parent_id is not null and walk.depth < 1000
),

-- The stored posts below the failed threads: replies below them may be what was not fetched.
failed_thread_descendants(platform, post_id, depth) as (
    select post.platform, post.post_id, 1
    from failed_threads
    join failure_platform_posts as post
        on post.platform = failed_threads.platform
        and failed_threads.thread_post_id in (post.parent_id, post.root_id)
    union all
    select walk.platform, post.post_id, walk.depth + 1
    from failed_thread_descendants as walk
    join failure_platform_posts as post
        on post.platform = walk.platform
        and post.parent_id = walk.post_id
    where walk.depth < 1000
),

in_failed_threads as (
    select distinct platform, post_id
    from (
        select platform, post_id from failed_thread_ancestors
        union all
        select platform, post_id from failed_thread_descendants
    ) as touched
    where post_id is not null
),

-- The reply links the walk below steps through, only as wide as it needs (its hash table is
-- the walk's largest).
reply_links as (
    select platform, post_id, parent_id
    from posts
    where parent_id is not null
),

-- Every (brand post, ancestor) pair, walking up the reply chain from each brand post.
brand_post_ancestors(platform, reply_id, brand_id, replied_at, ancestor_id, depth) as (
    select platform, post_id, brand_id, created_at, parent_id, 1
    from brand_posts
    where parent_id is not null
    union all
    select walk.platform, walk.reply_id, walk.brand_id, walk.replied_at, parent.parent_id,
        walk.depth + 1
    from brand_post_ancestors as walk
    join reply_links as parent
        on parent.platform = walk.platform
        and parent.post_id = walk.ancestor_id
    where walk.depth < 1000
),

first_responses as (
    select
        addressed.platform,
        addressed.post_id,
        addressed.brand_id,
        min(answer.replied_at) as first_response_at,
        arg_min(answer.reply_id, answer.replied_at) as first_response_id,
        -- the first answer a person wrote: automated replies (reply_kinds) passed over
        min(answer.replied_at) filter (where not coalesce(kinds.automated, false))
            as first_human_response_at
    from addressed
    join brand_post_ancestors as answer
        on answer.platform = addressed.platform
        and answer.ancestor_id = addressed.post_id
        and answer.brand_id = addressed.brand_id
    left join reply_kinds as kinds
        on kinds.platform = answer.platform
        and kinds.post_id = answer.reply_id
    cross join judgement
    where answer.replied_at > addressed.created_at
        and answer.replied_at <= judgement.judged_at
    group by all
),

-- Hand-offs: a customer post that only confirms a move to a private channel (handoff_texts)
-- after the brand redirected that customer (reply_kinds): the post replies to the redirect
-- itself, or the redirect answered a post by the same customer in the same thread.
confirmations as (
    select
        addressed.platform,
        addressed.post_id,
        addressed.brand_id,
        addressed.author_id,
        addressed.created_at,
        post.parent_id,
        coalesce(post.root_id, post.post_id) as thread_id
    from addressed
    join handoff_texts as texts
        on texts.platform = addressed.platform
        and texts.post_id = addressed.post_id
        and texts.confirms
    join posts as post
        on post.platform = addressed.platform
        and post.post_id = addressed.post_id
),

redirects as (
    select
        redirect.platform,
        redirect.post_id,
        redirect_author.brand_id,
        redirect.created_at,
        redirected.author_id as redirected_author_id,
        coalesce(redirect.root_id, redirect.post_id) as thread_id
    from reply_kinds as kinds
    join posts as redirect
        on redirect.platform = kinds.platform
        and redirect.post_id = kinds.post_id
    join brand_accounts as redirect_author
        on redirect_author.platform = redirect.platform
        and redirect_author.account_id = redirect.author_id
    left join posts as redirected
        on redirected.platform = redirect.platform
        and redirected.post_id = redirect.parent_id
    where kinds.kind = 'redirect'
),

-- Two equality joins rather than one with an OR, which would compare every confirmation
-- with every brand post of its platform.
handoffs as (
    select confirmations.platform, confirmations.post_id, confirmations.brand_id
    from confirmations
    join redirects
        on redirects.platform = confirmations.platform
        and redirects.post_id = confirmations.parent_id
        and redirects.brand_id = confirmations.brand_id
        and redirects.created_at < confirmations.created_at
    union
    select confirmations.platform, confirmations.post_id, confirmations.brand_id
    from confirmations
    join redirects
        on redirects.platform = confirmations.platform
        and redirects.thread_id = confirmations.thread_id
        and redirects.brand_id = confirmations.brand_id
        and redirects.redirected_author_id = confirmations.author_id
        and redirects.created_at < confirmations.created_at
),

-- The response time counted in the brand's open hours, for brands that have them.
business as (
    select
        first_responses.platform,
        first_responses.post_id,
        first_responses.brand_id,
        business_seconds(addressed.created_at, first_responses.first_response_at,
            hours.timezone, hours.days, hours.opens, hours.closes, hours.holidays)
            as business_response_seconds
    from first_responses
    join addressed
        on addressed.platform = first_responses.platform
        and addressed.post_id = first_responses.post_id
        and addressed.brand_id = first_responses.brand_id
    join business_hours as hours
        on hours.brand_id = first_responses.brand_id
),

final as (
    select
        addressed.platform,
        addressed.post_id,
        addressed.brand_id,
        addressed.author_id,
        addressed.created_at,
        first_responses.first_response_at,
        first_responses.first_response_id,
        first_kinds.kind as first_response_kind,
        first_kinds.channel as first_response_channel,
        first_responses.first_human_response_at,
        datediff('microsecond', addressed.created_at, first_responses.first_human_response_at)
            / 1e6 as human_response_seconds,
        -- whole microseconds divided once: the same double as any other exact computation
        datediff('microsecond', addressed.created_at, first_responses.first_response_at)
            / 1e6 as response_seconds,
        business.business_response_seconds,
        -- a hand-off confirmation is no request; the SLA is judged on the business clock
        -- where the brand has open hours
        case
            when handoffs.post_id is not null then 'handoff'
            when coalesce(business.business_response_seconds, response_seconds)
                <= judgement.sla_seconds_ then 'on_time'
            when response_seconds is not null then 'late'
            when in_failed_threads.post_id is not null then 'unverified'
            when datediff('microsecond', addressed.created_at, judgement.judged_at)
                > judgement.ignore_after_seconds_ * 1e6 then 'ignored'
            else 'pending'
        end as status
    from addressed
    cross join judgement
    left join first_responses
        on first_responses.platform = addressed.platform
        and first_responses.post_id = addressed.post_id
        and first_responses.brand_id = addressed.brand_id
    left join reply_kinds as first_kinds
        on first_kinds.platform = first_responses.platform
        and first_kinds.post_id = first_responses.first_response_id
    left join handoffs
        on handoffs.platform = addressed.platform
        and handoffs.post_id = addressed.post_id
        and handoffs.brand_id = addressed.brand_id
    left join business
        on business.platform = addressed.platform
        and business.post_id = addressed.post_id
        and business.brand_id = addressed.brand_id
    left join in_failed_threads
        on in_failed_threads.platform = addressed.platform
        and in_failed_threads.post_id = addressed.post_id
)

select * from final;

create or replace macro customer_posts_at(
    window_start, window_end, sla_seconds, ignore_after_seconds, as_of
) as table
with statuses as (
    select *
    from customer_statuses_at(window_start, window_end, sla_seconds, ignore_after_seconds,
        as_of)
),

final as (
    select
        statuses.platform,
        statuses.post_id,
        statuses.brand_id,
        statuses.author_id,
        author.handle as author_handle,
        author.followers as author_followers,
        statuses.created_at,
        statuses.first_response_at,
        statuses.first_response_id,
        statuses.first_response_kind,
        statuses.first_response_channel,
        statuses.first_human_response_at,
        statuses.human_response_seconds,
        statuses.response_seconds,
        statuses.business_response_seconds,
        statuses.status,
        post.url,
        post.text,
        post.parent_id,
        post.root_id,
        post.rating
    from statuses
    join posts as post
        on post.platform = statuses.platform
        and post.post_id = statuses.post_id
    left join accounts as author
        on author.platform = statuses.platform
        and author.account_id = statuses.author_id
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
