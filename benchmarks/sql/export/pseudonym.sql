-- pseudonym(value): HMAC-SHA256 of the value's UTF-8 bytes under the user's key, as 64 hex
-- digits, in DuckDB's own sha256 so every row is hashed in native code (RFC 2104:
-- H((K ^ opad) || H((K ^ ipad) || m)) with a 64-byte block). NULL stays NULL.
-- benchmarks/export.py replaces $inner_pad and $outer_pad with the padded key's hex digits;
-- the macro is temporary, on a read-only connection: the key is never written anywhere.
create or replace temp macro pseudonym(value) as
    sha256(unhex('$outer_pad') || unhex(sha256(unhex('$inner_pad') || encode(value))))
