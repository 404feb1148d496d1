-- 011: the language of a post the classifier does not handle, so `unclassified` posts say
-- which language they are in (docs/statistics.md, "Which kind of post gets ignored").
-- NULL for classified posts. (008 belongs to another change; versions are never
-- renumbered.)
alter table post_classes add column language varchar;
