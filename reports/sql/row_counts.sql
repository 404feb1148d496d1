-- row_counts: the size of the dataset behind the report, for its footer. Grain: one row.
with final as (
    select
        (select count(*) from posts) as posts,
        (select count(*) from accounts) as accounts,
        (select count(*) from post_mentions) as mentions,
        (select count(*) from runs) as runs,
        (select count(*) from fetch_failures) as fetch_failures
)

select * from final
