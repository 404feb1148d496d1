-- generate_posts: a large synthetic dataset in the shape the crawler stores, for
-- tests/perf/bench_metrics.py. Parameter: $roots (brand threads).
insert into accounts
select 'bluesky', 'brand' || i, 'brand' || i || '.example', null, 100000, 'b' || (i // 2),
       null, now(), 1
from range(20) t(i);
insert into brands select 'b' || i, 'Brand ' || i from range(10) t(i);
insert into accounts
select 'bluesky', 'c' || i, 'c' || i || '.example', null, (i * 7919) % 50000, null, null, now(), 1
from range(200000) t(i);

-- Each root: a brand post; 6 customer replies; every other reply gets an answer from the
-- brand a few minutes to two days later; every third reply gets customer chatter, and the
-- brand answers under the chatter a third of the time. Plus one mention per root.
create temp table roots as
select i as r, 'brand' || (i % 20) as author,
       timestamptz '2026-09-01' + to_seconds((i * 37) % 5184000) as t
from range($roots) t(i);

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'p' || r, author, t, null, 'p' || r, true, now(), 1 from roots;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j, 'c' || ((r * 6 + j) % 200000), t + to_seconds(60 * (j + 1)),
       'p' || r, 'p' || r, false, now(), 1
from roots, range(6) s(j);

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-a', author,
       t + to_seconds(60 * (j + 1) + (r * 13 + j * 101) % 172800), 'p' || r || '-' || j,
       'p' || r, true, now(), 1
from roots, range(6) s(j) where (r + j) % 2 = 0;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-c', 'c' || ((r * 11 + j) % 200000),
       t + to_seconds(60 * (j + 2)), 'p' || r || '-' || j, 'p' || r, false, now(), 1
from roots, range(6) s(j) where (r + j) % 3 = 1;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'p' || r || '-' || j || '-c-a', author,
       t + to_seconds(60 * (j + 3) + (r * 7) % 90000), 'p' || r || '-' || j || '-c', 'p' || r,
       true, now(), 1
from roots, range(6) s(j) where (r + j) % 3 = 1 and r % 3 = 0;

insert into posts (platform, post_id, author_id, created_at, parent_id, root_id, by_brand,
    fetched_at, run_id)
select 'bluesky', 'm' || r, 'c' || ((r * 3) % 200000), t + to_seconds(30), null, 'm' || r, false,
       now(), 1
from roots;
insert into post_mentions select 'bluesky', 'm' || r, 'brand' || ((r + 1) % 20) from roots;
