-- 009: what each brand reply does (answers in public, or moves the customer to a private
-- channel) and whether it was automated, and which customer posts only confirm such a
-- hand-off. Filled by benchmarks/reply_kinds.py after every crawl and import, like
-- post_classes; see docs/redirects.md. (008 belongs to another change.)

create table reply_kinds (
    platform      varchar not null,
    post_id       varchar not null,         -- a brand's post that replies to another post
    kind          varchar not null,         -- public | redirect
    channel       varchar,                  -- dm | email | phone | web | other; NULL if public
    automated     boolean not null,         -- templated (posted fast, many times) or a bot's
    classifier    varchar not null,         -- name and version of the method that decided
    classified_at timestamptz not null,
    primary key (platform, post_id)
);

create table handoff_texts (
    platform      varchar not null,
    post_id       varchar not null,         -- a customer post addressed to a brand
    confirms      boolean not null,         -- its text only confirms a hand-off ("done, DM sent")
    classifier    varchar not null,
    classified_at timestamptz not null,
    primary key (platform, post_id)
);
