-- survival_input: one row per (customer post, brand it is addressed to) on the Kaplan-Meier
-- clock of time-to-first-response. Answered posts are events at response_seconds; pending and
-- ignored posts are right-censored at their age at the judging run's as_of (they may still
-- be answered). Hand-offs are no requests and are left out; so are unverified posts: whether
-- and when they were answered is unknown, and censoring them at their age would claim they
-- waited that long unanswered. Grain: (platform, post_id, brand_id), the rows of
-- customer_posts that are requests and could be checked.
with judged as (
    select *
    from customer_posts
    where status not in ('handoff', 'unverified')
),

judgement as (
    select as_of
    from audit_params
),

final as (
    select
        judged.brand_id,
        judged.platform,
        judged.status,
        judged.response_seconds is not null as answered,
        coalesce(
            judged.response_seconds,
            datediff('microsecond', judged.created_at, judgement.as_of) / 1e6
        ) as seconds
    from judged
    cross join judgement
)

select *
from final
order by brand_id, platform, seconds
