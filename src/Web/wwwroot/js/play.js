// The game page, /play/{gameId}: joins (or rejoins) a seat, opens the game's channel, and draws the players,
// the chat and game log, and the title's own view from the messages. All game state is rebuilt from the log
// on each page load (see channel.js).
import { GameChannel, ChannelError, loadPlayer, savePlayer, forgetPlayer } from "./channel.js";
import { api, showError } from "./api.js";
import { nameProblem } from "./names.js";
import { TicTacToe, marks } from "./tictactoe.js";

const $ = (id) => document.getElementById(id);
const errorBox = $("error");
const gameId = decodeURIComponent(location.pathname.split("/")[2] ?? "").trim().toUpperCase();

let view = null; // GET /api/games/{id}
let me = null; // {playerId, seat, token, wsUrl}
let channel = null;
let ended = false;
const names = new Map();
const ticTacToe = new TicTacToe();

$("game-code").textContent = $("share-code").textContent = gameId;
$("share-link").value = `${location.origin}/play/${gameId}`;
$("copy-link").addEventListener("click", () => navigator.clipboard?.writeText($("share-link").value));

try {
  const [game, titles] = await Promise.all([api("GET", `/api/games/${encodeURIComponent(gameId)}`), api("GET", "/api/titles")]);
  view = game;
  const titleName = titles.find((t) => t.id === game.title)?.name ?? game.title;
  $("game-title").firstChild.textContent = `${titleName} `;
  document.title = `${titleName} ${gameId} · Platform`;
  await enter();
} catch (error) {
  showError(errorBox, error);
  $("connection").textContent = "";
}

async function enter() {
  const saved = loadPlayer(gameId);
  if (saved?.playerId) {
    try {
      return start(await rejoin(saved.playerId));
    } catch (error) {
      if (error.code !== "unknown_player" && error.code !== "player_left") throw error;
      forgetPlayer(gameId);
      if (error.code === "player_left") showError(errorBox, error);
    }
  }
  $("connection").textContent = "Not joined yet";
  $("join").hidden = false;
  $("join-name").value = localStorage.getItem("platform.name") ?? "";
  $("join-name").focus();
  $("join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = nameProblem($("join-name").value);
    showError(errorBox, problem && new Error(problem));
    if (problem) return $("join-name").focus();
    $("join-button").disabled = true;
    try {
      const name = $("join-name").value.trim();
      const joined = await api("POST", `/api/games/${gameId}/players`, { name });
      localStorage.setItem("platform.name", name);
      showError(errorBox, null);
      $("join").hidden = true;
      start(joined);
    } catch (error) {
      showError(errorBox, error);
      $("join-button").disabled = false;
    }
  });
}

/** A fresh token for the seat this browser holds. */
async function rejoin(playerId) {
  return api("POST", `/api/games/${gameId}/players`, { playerId });
}

function start(joined) {
  me = joined;
  savePlayer(gameId, { playerId: me.playerId, seat: me.seat, token: me.token, wsUrl: me.wsUrl });
  $("game").hidden = false;
  $("board-section").hidden = view.title !== "tictactoe";
  renderSeats();
  renderGame();

  channel = new GameChannel(gameId);
  channel.onStatus(showStatus);
  channel.onReset(() => {
    $("log").replaceChildren();
    ticTacToe.reset();
    ended = false;
    renderGame();
  });
  channel.onMessage(onMessage);
  channel.connect(me.wsUrl, me.token, { renewToken: async () => (await rejoin(me.playerId)).token }).catch(() => {});

  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("chat-text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await act(() => channel.send("chat", { text }), () => { if (!input.value) input.value = text; });
  });
  $("end-game").addEventListener("click", () => act(() => channel.endGame()));
}

/** Runs a channel action, showing the server's refusal (code: detail) if there is one. */
async function act(action, onError = () => {}) {
  try {
    await action();
    showError(errorBox, null);
  } catch (error) {
    showError(errorBox, error);
    onError();
  }
}

function onMessage(m) {
  const body = m.body ?? {};
  switch (m.type) {
    case "chat":
      return addEntry(m, "chat", nameOf(m.from), String(body.text ?? ""));
    case "player.joined":
      names.set(body.seat, body.name);
      addEntry(m, "system", null, `${body.name} joined (seat ${body.seat}).`);
      return refreshSeats();
    case "player.connected":
    case "player.disconnected":
      return refreshSeats();
    case "player.left":
      names.delete(body.seat);
      addEntry(m, "system", null, `${body.name} was away too long and left the game.`);
      return refreshSeats();
    case "game.reset":
      ticTacToe.reset();
      addEntry(m, "system", null, "The board was cleared. Waiting for a new player to take the free seat.");
      return renderGame();
    case "move":
      ticTacToe.apply(m);
      addEntry(m, "system", null, `${nameOf(m.from)} put ${marks[m.from] ?? "?"} on cell ${body.cell + 1}.`);
      return renderGame();
    case "game.result":
      ticTacToe.apply(m);
      addEntry(m, "system", null, body.draw ? "It's a draw." : `${nameOf(body.winner)} won.`);
      return renderGame();
    case "game.ended":
      ended = true;
      addEntry(m, "system", null, `The game has ended${endedWhy[body.reason] ?? ""}.`);
      refreshSeats();
      return renderGame();
    default:
      return addEntry(m, "system", nameOf(m.from), `sent ${m.type}`);
  }
}

const endedWhy = { host: " (the host ended it)", idle: " (nobody played for a while)", host_left: " (the host left)" };

function nameOf(seat) {
  if (seat === "system") return "Platform";
  return names.get(seat) ?? view?.seats.find((s) => s.seat === seat)?.name ?? `Seat ${seat}`;
}

function addEntry(m, kind, who, text) {
  const log = $("log");
  const item = document.createElement("li");
  item.className = `entry ${kind}`;
  item.dataset.seq = String(m.seq);
  if (kind === "chat") item.dataset.testid = "chat-message";
  if (who) {
    const whoEl = document.createElement("span");
    whoEl.className = "who";
    whoEl.textContent = m.from === me?.seat ? `${who} (you)` : who;
    item.append(whoEl, " ");
  }
  const textEl = document.createElement("span");
  textEl.className = "text";
  textEl.textContent = text;
  item.append(textEl);
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  log.append(item);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

// Presence changes come as messages; the seat list itself comes from the API, one request at a time.
let refreshing = null;
let refreshAgain = false;
function refreshSeats() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = api("GET", `/api/games/${gameId}`)
    .then((game) => { view = game; renderSeats(); renderGame(); })
    .catch((error) => showError(errorBox, error))
    .finally(() => {
      refreshing = null;
      if (refreshAgain) {
        refreshAgain = false;
        refreshSeats();
      }
    });
}

function renderSeats() {
  const items = view.seats.map((s) => {
    const item = document.createElement("li");
    item.dataset.seat = String(s.seat);
    item.dataset.connected = String(s.connected);
    const mark = view.title === "tictactoe" ? ` (${marks[s.seat]})` : "";
    const tags = [s.seat === 1 ? "host" : null, s.seat === me?.seat ? "you" : null].filter(Boolean);
    item.textContent = `${s.name}${mark}${tags.length ? ` · ${tags.join(", ")}` : ""} — ${s.connected ? "online" : "offline"}`;
    return item;
  });
  $("seats").replaceChildren(...items);
  const free = view.maxPlayers - view.seats.length;
  const isEnded = ended || view.status === "ended";
  $("game-status").textContent = isEnded ? "This game has ended."
    : view.status === "waiting" || (view.title === "tictactoe" && free > 0) ? "Waiting for players: share the link."
    : `Playing${free > 0 ? ` · ${free} seat${free === 1 ? "" : "s"} free` : ""}.`;
}

function renderGame() {
  const isEnded = ended || view.status === "ended";
  $("end-game").hidden = me?.seat !== 1 || isEnded;
  $("chat-text").disabled = $("chat-send").disabled = isEnded;
  if (view.title === "tictactoe" && me) {
    ticTacToe.render({ board: $("board"), turn: $("turn"), result: $("result") },
      { mySeat: me.seat, nameOf, ended: isEnded, waiting: view.seats.length < view.maxPlayers, onMove: (cell) => act(() => channel.send("move", { cell })) });
  }
}

let connectionError = false; // the error box shows a refusal of the connection
function showStatus({ state, delayMs, error }) {
  const text = {
    connecting: "Connecting…",
    resuming: "Catching up…",
    live: "Connected",
    reconnecting: `Connection lost; reconnecting in ${Math.ceil((delayMs ?? 0) / 1000)} s…`,
    failed: "Disconnected",
    closed: "Closed",
  }[state];
  $("connection").textContent = text;
  $("connection").dataset.state = state;
  // The server's refusal of the connection itself (a bad token, a full game, the log out of reach) is the
  // player's to see, and goes away once connected again; a plain drop only shows in the status line.
  if (state === "failed" || error instanceof ChannelError) {
    showError(errorBox, error);
    connectionError = true;
  } else if (state === "live" && connectionError) {
    showError(errorBox, null);
    connectionError = false;
  }
}
