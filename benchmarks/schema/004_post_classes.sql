-- 004: what kind of post each customer post is, so SQL can ask which kind gets ignored.
-- Filled after every crawl and by `replyaudit stats`; see docs/statistics.md.
-- (Versions 002 and 003 belong to other changes; versions are never renumbered.)

create table post_classes (
    platform      varchar not null,
    post_id       varchar not null,
    class         varchar not null,         -- question | complaint | praise | other
    sentiment     double,                   -- the classifier's score in [-1, 1] (VADER compound)
    classifier    varchar not null,         -- name and version of the method that decided
    classified_at timestamptz not null,
    primary key (platform, post_id)
);
