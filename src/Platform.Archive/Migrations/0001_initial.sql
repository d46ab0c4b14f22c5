-- The archive's first tables. Each later issue adds its own numbered script; never edit an applied one.

-- A game whose log has been (or is being) moved out of a host's Redis.
CREATE TABLE games (
    game_id     text PRIMARY KEY,
    title       text NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    ended_at    timestamptz
);

-- Every message of an archived game, keyed so that a repeated migration cannot duplicate one.
CREATE TABLE archived_messages (
    game_id     text   NOT NULL,
    seq         bigint NOT NULL,
    envelope    jsonb  NOT NULL,
    PRIMARY KEY (game_id, seq)
);

CREATE TABLE affiliates (
    affiliate_id       text PRIMARY KEY,
    name               text NOT NULL,
    commission_percent numeric(5, 2) NOT NULL
);

-- Amounts are kept in minor units (cents) of the currency the buyer paid in.
CREATE TABLE purchases (
    purchase_id   text PRIMARY KEY,
    title         text NOT NULL,
    email         text NOT NULL,
    amount_minor  bigint NOT NULL,
    currency      char(3) NOT NULL,
    affiliate_id  text REFERENCES affiliates,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- One confirmation email per purchase, whatever happens: the primary key is the idempotency key.
CREATE TABLE emails (
    purchase_id  text PRIMARY KEY REFERENCES purchases,
    message_id   text,
    sent_at      timestamptz
);

CREATE TABLE game_stats (
    game_id      text PRIMARY KEY,
    stats        jsonb NOT NULL,
    computed_at  timestamptz NOT NULL
);

-- Daily reference rates for the owner's reports.
CREATE TABLE currency_rates (
    currency     char(3) NOT NULL,
    day          date NOT NULL,
    rate_to_usd  numeric(18, 8) NOT NULL,
    PRIMARY KEY (currency, day)
);
