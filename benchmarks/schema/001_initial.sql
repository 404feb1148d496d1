-- 001: the dataset contract. Columns are documented in docs/dataset.md; never rename, only add.

create sequence run_id_seq start 1;

-- One row per crawl. The window and thresholds are the ones the run was made with, so
-- every metric can be recomputed exactly as it was reported.
create table runs (
    run_id               bigint primary key default nextval('run_id_seq'),
    started_at           timestamptz not null,
    finished_at          timestamptz,
    config_name          varchar not null,
    client_id            varchar,
    status               varchar not null,   -- running | finished | partial | failed
    window_start         timestamptz not null,
    window_end           timestamptz,        -- exclusive; NULL = open-ended
    sla_seconds          integer not null,
    ignore_after_seconds integer not null,
    as_of                timestamptz,        -- statuses are judged at this instant; NULL = started_at
    stats                json                -- per platform: requests, responses by status, items, errors
);

create table brands (
    brand_id varchar primary key,
    name     varchar not null
);

-- Brand accounts carry their brand_id; customers have NULL.
create table accounts (
    platform     varchar not null,
    account_id   varchar not null,           -- Bluesky DID; Mastodon user@instance
    handle       varchar,
    display_name varchar,
    followers    bigint,
    brand_id     varchar,
    url          varchar,
    fetched_at   timestamptz not null,
    run_id       bigint,
    primary key (platform, account_id)
);

create table posts (
    platform     varchar not null,
    post_id      varchar not null,           -- Bluesky AT-URI; Mastodon ActivityPub URI
    url          varchar,
    author_id    varchar not null,
    created_at   timestamptz not null,
    text         varchar,
    parent_id    varchar,                    -- the post this one replies to
    root_id      varchar,                    -- the first post of its thread
    brand_id     varchar,                    -- author's brand, or the brand whose crawl found it
    by_brand     boolean not null default false,
    like_count   bigint,
    reply_count  bigint,
    repost_count bigint,
    language     varchar,
    fetched_at   timestamptz not null,
    run_id       bigint,
    primary key (platform, post_id)
);

-- Accounts a post mentions (Bluesky mention facets, Mastodon status mentions).
create table post_mentions (
    platform   varchar not null,
    post_id    varchar not null,
    account_id varchar not null,
    primary key (platform, post_id, account_id)
);

-- What a run could not fetch, so coverage is reported next to the results.
create table fetch_failures (
    run_id      bigint not null,
    platform    varchar not null,
    brand_id    varchar,
    url         varchar not null,
    status      integer,                     -- HTTP status; NULL for network errors
    reason      varchar not null,
    occurred_at timestamptz not null
);
