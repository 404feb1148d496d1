-- brand_metrics: one row per (brand, platform) the brand has accounts on, plus platform 'all'.
-- response_rate = answered / (answered + ignored); pending posts are too recent to judge and
-- unverified posts could not be checked (their thread failed to fetch): they count in
-- neither, and `unverified` says how many were left out. Wilson 95 % interval. Response
-- times are over answered posts only.
-- Rates are NULL (not 0) when nothing could be judged.
-- Questions (the classifier's, post_classes): Socialbakers' question response rate (QRR) and
-- question response time (QRT), over the same judged posts.
-- Negative reviews: customer posts rated 1-2 stars (Trustpilot reviews); their response rate
-- is the figure Trustpilot shows on company profiles ("replied to N % of negative reviews").
create or replace macro brand_metrics_at(
    window_start, window_end, sla_seconds, ignore_after_seconds, as_of
) as table
-- Star ratings (reviews) only: few posts carry one, so the join below looks them up
-- (customer_posts_at's other post columns are not needed here).
with ratings as (
    select platform, post_id, rating
    from posts
    where rating is not null
),

judged as (
    select customer_posts.*, ratings.rating, post_classes.class
    from customer_statuses_at(window_start, window_end, sla_seconds, ignore_after_seconds,
        as_of) as customer_posts
    left join ratings
        on ratings.platform = customer_posts.platform
        and ratings.post_id = customer_posts.post_id
    left join post_classes
        on post_classes.platform = customer_posts.platform
        and post_classes.post_id = customer_posts.post_id
),

-- Posts addressed to the brand by another brand of the audit: not customer posts, counted
-- so a reader sees what was left out.
between_brands as (
    select
        brand_id,
        coalesce(platform, 'all') as platform,
        count(*) filter (where author_brand_id is not null) as between_brands,
        count(*) filter (where author_brand_id is null and author_automated) as bot_posts
    from addressed_at(window_start, window_end, as_of)
    where author_brand_id is not null or author_automated
    group by grouping sets ((brand_id, platform), (brand_id))
),

brand_platforms as (
    select distinct brand_id, platform
    from accounts
    where brand_id is not null
    union all
    select brand_id, 'all' as platform
    from brands
),

counted as (
    select
        brand_id,
        coalesce(platform, 'all') as platform,
        count(*) as customer_posts,
        count(*) filter (where status = 'on_time') as on_time,
        count(*) filter (where status = 'late') as late,
        count(*) filter (where status = 'ignored') as ignored,
        count(*) filter (where status = 'pending') as pending,
        count(*) filter (where status = 'unverified') as unverified,
        quantile_cont(response_seconds, 0.5) as median_response_seconds,
        quantile_cont(response_seconds, 0.9) as p90_response_seconds,
        quantile_cont(business_response_seconds, 0.5) as median_business_response_seconds,
        quantile_cont(human_response_seconds, 0.5) as median_human_response_seconds,
        count(*) filter (where status = 'handoff') as handoffs,
        count(*) filter (where status in ('on_time', 'late')
            and first_response_kind = 'redirect') as redirected,
        count(*) filter (where rating <= 2) as negative_reviews,
        count(*) filter (where rating <= 2 and status in ('on_time', 'late'))
            as negative_answered,
        count(*) filter (where rating <= 2 and status in ('on_time', 'late', 'ignored'))
            as negative_judged,
        count(*) filter (where class = 'question') as question_posts,
        count(*) filter (where class = 'question' and status in ('on_time', 'late'))
            as question_answered,
        count(*) filter (where class = 'question' and status in ('on_time', 'late', 'ignored'))
            as question_judged,
        quantile_cont(response_seconds, 0.5) filter (where class = 'question')
            as median_question_response_seconds,
        -- response-time buckets (quintly's): upper ends included, unanswered = ignored
        count(*) filter (where response_seconds <= 3600) as answered_within_1h,
        count(*) filter (where response_seconds > 3600 and response_seconds <= 8 * 3600)
            as answered_1h_to_8h,
        count(*) filter (where response_seconds > 8 * 3600 and response_seconds <= 86400)
            as answered_8h_to_24h,
        count(*) filter (where response_seconds > 86400 and response_seconds <= 3 * 86400)
            as answered_1d_to_3d,
        count(*) filter (where response_seconds > 3 * 86400) as answered_after_3d
    from judged
    group by grouping sets ((brand_id, platform), (brand_id))
),

rates as (
    select
        brand_platforms.brand_id,
        brand_platforms.platform,
        coalesce(counted.customer_posts, 0) as customer_posts,
        coalesce(counted.on_time, 0) as on_time,
        coalesce(counted.late, 0) as late,
        coalesce(counted.ignored, 0) as ignored,
        coalesce(counted.pending, 0) as pending,
        coalesce(counted.unverified, 0) as unverified,
        coalesce(counted.on_time + counted.late, 0) as answered,
        coalesce(counted.on_time + counted.late + counted.ignored, 0) as judged,
        counted.median_response_seconds,
        counted.p90_response_seconds,
        counted.median_business_response_seconds,
        counted.median_human_response_seconds,
        coalesce(counted.handoffs, 0) as handoffs,
        coalesce(counted.redirected, 0) as redirected,
        coalesce(counted.negative_reviews, 0) as negative_reviews,
        counted.negative_answered / nullif(counted.negative_judged, 0)
            as negative_response_rate,
        coalesce(between_brands.between_brands, 0) as between_brands,
        coalesce(between_brands.bot_posts, 0) as bot_posts,
        coalesce(counted.question_posts, 0) as question_posts,
        counted.question_answered / nullif(counted.question_judged, 0)
            as question_response_rate,
        counted.median_question_response_seconds,
        coalesce(counted.answered_within_1h, 0) as answered_within_1h,
        coalesce(counted.answered_1h_to_8h, 0) as answered_1h_to_8h,
        coalesce(counted.answered_8h_to_24h, 0) as answered_8h_to_24h,
        coalesce(counted.answered_1d_to_3d, 0) as answered_1d_to_3d,
        coalesce(counted.answered_after_3d, 0) as answered_after_3d
    from brand_platforms
    left join counted
        on counted.brand_id = brand_platforms.brand_id
        and counted.platform = brand_platforms.platform
    left join between_brands
        on between_brands.brand_id = brand_platforms.brand_id
        and between_brands.platform = brand_platforms.platform
),

final as (
    select
        brand_id,
        platform,
        customer_posts,
        on_time,
        late,
        ignored,
        pending,
        answered,
        answered / nullif(judged, 0) as response_rate,
        -- Wilson 95 % score interval, containing the rate by construction (intervals.sql)
        wilson_low(answered, judged) as response_rate_low,
        wilson_high(answered, judged) as response_rate_high,
        median_response_seconds,
        p90_response_seconds,
        on_time / nullif(judged, 0) as within_sla_rate,
        negative_reviews,
        negative_response_rate,
        between_brands,
        question_posts,
        question_response_rate,
        median_question_response_seconds,
        answered_within_1h,
        answered_1h_to_8h,
        answered_8h_to_24h,
        answered_1d_to_3d,
        answered_after_3d,
        median_business_response_seconds,
        median_human_response_seconds,
        redirected,
        redirected / nullif(answered, 0) as redirect_rate,
        handoffs,
        bot_posts,
        unverified
    from (
        select * replace (
            case when judged = 0 then null else judged::double end as judged
        )
        from rates
    )
)

select * from final;

create or replace view brand_metrics as
select *
from brand_metrics_at(
    (select window_start from audit_params),
    (select window_end from audit_params),
    (select sla_seconds from audit_params),
    (select ignore_after_seconds from audit_params),
    (select as_of from audit_params)
);
