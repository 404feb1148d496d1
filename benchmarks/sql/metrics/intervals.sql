-- Interval macros: one home for the 95 % interval of a proportion k / n.
-- Wilson's score interval (z = 1.959964), the interval Socialbakers-style response rates are
-- usually quoted with. Computed in floating point, its ends can miss the estimate by one ulp
-- at k = 0 and k = n (an upper end of 0.9999999999999998 for 19 of 19), so each end is
-- clamped to contain k / n: the interval always contains its estimate, by construction.
-- NULL when n = 0 (nothing to estimate).
create or replace macro wilson_low(k, n) as
    case when n > 0 then least(
        k / n,
        greatest(0.0,
            (k / n + 1.959964 ^ 2 / (2 * n)
                - 1.959964 * sqrt(greatest(0.0, k / n * (1 - k / n)) / n
                    + 1.959964 ^ 2 / (4 * n ^ 2)))
            / (1 + 1.959964 ^ 2 / n))
    ) end;

create or replace macro wilson_high(k, n) as
    case when n > 0 then greatest(
        k / n,
        least(1.0,
            (k / n + 1.959964 ^ 2 / (2 * n)
                + 1.959964 * sqrt(greatest(0.0, k / n * (1 - k / n)) / n
                    + 1.959964 ^ 2 / (4 * n ^ 2)))
            / (1 + 1.959964 ^ 2 / n))
    ) end;
