-- 007: the hours each brand's care desk is open, from the config (`business_hours` under
-- [audit], overridable per brand). Rewritten by every run from its config, like the brands;
-- a brand without a row is judged on the calendar clock only. See docs/methodology.md.
create table business_hours (
    brand_id  varchar primary key,
    timezone  varchar not null,     -- IANA name, e.g. Europe/London: DST follows it
    days      integer[] not null,   -- ISO weekdays the desk is open, 1 = Monday .. 7 = Sunday
    opens     time not null,        -- local opening time on those days
    closes    time not null,        -- local closing time, after opens
    holidays  date[] not null       -- local dates the desk is closed all day
);
