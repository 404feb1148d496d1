-- 002: posts a platform itself addresses to a brand, without a reply or a mention: a topic
-- opened in the brand's own community, a submission in its subreddit, a review of it.
-- Platforms whose conversations are plain reply trees (Bluesky, Mastodon) write none.
create table post_addressees (
    platform varchar not null,
    post_id  varchar not null,
    brand_id varchar not null,
    reason   varchar not null,               -- e.g. topic | submission | review
    primary key (platform, post_id, brand_id)
);
