-- audit_params: the window and thresholds of the latest completed run, one row (none before
-- the first crawl). The metric views judge every post with these, at `as_of`.
create or replace view audit_params as
with completed as (
    select *
    from runs
    where status in ('finished', 'partial')
),

final as (
    select
        run_id,
        window_start,
        window_end,
        sla_seconds,
        ignore_after_seconds,
        coalesce(as_of, started_at) as as_of
    from completed
    order by run_id desc
    limit 1
)

select * from final;

-- What the view and each column mean: docs/dataset.md's words (tests/test_docs.py).
comment on view audit_params is 'the judging run, one row (none before the first crawl)';
comment on column audit_params.run_id is 'the latest `finished` or `partial` run';
comment on column audit_params.window_start is 'its first instant of the window';
comment on column audit_params.window_end is 'its end of the window, exclusive; NULL = open-ended';
comment on column audit_params.sla_seconds is 'its SLA: an answer later than this is late';
comment on column audit_params.ignore_after_seconds is 'its threshold: an unanswered post older than this is ignored';
comment on column audit_params.as_of is 'the instant every post is judged at: the run''s `as_of`, or its `started_at`';
