-- Ends judging at another instant (audit_params_as_of.sql): drops this connection's temporary
-- audit_params and its instant, so the metric views judge at the dataset's own as_of again.
drop view if exists temp.main.audit_params;
drop table if exists temp.main.judged_as_of;
