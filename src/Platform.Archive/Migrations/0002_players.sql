-- Live games are recorded here from the moment they are created, so that any Web instance can seat players
-- and an id is never given twice. Their messages stay in the host's Redis until the migrator moves them.
CREATE TABLE players (
    game_id    text NOT NULL REFERENCES games,
    seat       integer NOT NULL CHECK (seat >= 1),
    player_id  text NOT NULL UNIQUE,
    name       text NOT NULL,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (game_id, seat)
);

CREATE INDEX games_status ON games (status) WHERE status <> 'ended';
