-- twcs_brands: one brand per `x` brand account id; the name is the screen name as written.
-- A brand already known keeps its name. Grain: one row per brand_id.
insert into brands (brand_id, name)
select brand_id, min(handle) as name
from accounts
where platform = 'x' and brand_id is not null
group by brand_id
on conflict (brand_id) do nothing;
