-- 008: the post whose replies a failed request was fetching (a thread, a page of comments),
-- NULL for other requests (profiles, timelines, search) and for runs before this version.
-- A customer post in that thread that has no answer is `unverified`, not `ignored`: its
-- answer could be in what was not fetched. See docs/methodology.md, "Unverified".
alter table fetch_failures add column thread_post_id varchar;
-- What each benchmark run could not check, next to its rates (NULL for runs before 008).
alter table brand_metrics_history add column unverified bigint;
