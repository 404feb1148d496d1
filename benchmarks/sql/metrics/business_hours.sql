-- business_seconds: how many seconds between t0 and t1 fall inside a desk's open hours.
-- Each local date from t0's to t1's in `tz` that is an open weekday and no holiday
-- contributes its [opens, closes) interval, converted to an instant in `tz` (so a DST change
-- moves it as the desk's clocks move), intersected with [t0, t1]. A post that arrives while
-- the desk is closed starts its clock at the next opening, and an answer given while closed
-- before the clock started counts 0, as Zendesk's and Sprinklr's business-hours SLAs do.
create or replace macro business_seconds(t0, t1, tz, days, opens, closes, holidays) as (
    select coalesce(sum(greatest(0, epoch(least(t1, closes_at)) - epoch(greatest(t0, opens_at)))),
        0)
    from (
        select
            timezone(tz, local_day::date + opens) as opens_at,
            timezone(tz, local_day::date + closes) as closes_at
        from generate_series(timezone(tz, t0)::date, timezone(tz, t1)::date, interval 1 day)
            as open_days(local_day)
        where list_contains(days, isodow(local_day))
            and not list_contains(holidays, local_day::date)
    )
);
