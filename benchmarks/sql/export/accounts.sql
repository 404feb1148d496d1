-- accounts, pseudonymised: brand accounts as they are; every other account gets a keyed hash
-- for its id and handle, and loses its display name and profile url. Follower counts stay
-- (they can help re-identify: docs/dataset.md says so). Other columns pass through.
-- Grain: one row per account.
with final as (
    select * replace (
        case when brand_id is not null then account_id else pseudonym(account_id) end
            as account_id,
        case when brand_id is not null then handle else pseudonym(handle) end as handle,
        case when brand_id is not null then display_name end as display_name,
        case when brand_id is not null then url end as url
    )
    from accounts
)

select * from final
