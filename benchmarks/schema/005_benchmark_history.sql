-- 005: weekly benchmark history. One immutable snapshot of brand_metrics per benchmark run,
-- as it was reported that week: rows are only ever inserted (benchmarks.history.record),
-- never updated, so a trend line never changes after the fact as pending posts resolve.
-- The latest truth is the view brand_metrics_current. Columns: docs/dataset.md.
create table brand_metrics_history (
    run_id                  bigint not null,
    week                    date not null,         -- Monday of the run's as_of week (UTC)
    as_of                   timestamptz not null,  -- the instant statuses were judged at
    window_start            timestamptz not null,
    window_end              timestamptz,
    sla_seconds             integer not null,
    ignore_after_seconds    integer not null,
    brand_id                varchar not null,
    platform                varchar not null,      -- a platform id, or 'all'
    customer_posts          bigint not null,
    on_time                 bigint not null,
    late                    bigint not null,
    ignored                 bigint not null,
    pending                 bigint not null,
    answered                bigint not null,
    response_rate           double,
    response_rate_low       double,
    response_rate_high      double,
    median_response_seconds double,
    p90_response_seconds    double,
    within_sla_rate         double,
    recorded_at             timestamptz not null,
    primary key (run_id, brand_id, platform)
);
