-- A seat can be left for good (tic-tac-toe's guest away past the grace period) and taken by a new player: the
-- row of the player who left stays, marked, and only one player holds a seat at a time.
ALTER TABLE players ADD COLUMN left_at timestamptz;
ALTER TABLE players DROP CONSTRAINT players_pkey;
CREATE UNIQUE INDEX players_seat_held ON players (game_id, seat) WHERE left_at IS NULL;
CREATE INDEX players_game ON players (game_id);
