// The browser side of a game channel: connects to the SignalR hub, resumes the game's numbered log, keeps the
// connection up, and delivers every message once, in number order. Needs the SignalR client as the global
// `signalR` (/lib/signalr/signalr.min.js). docs: the protocol in src/GameChannels (Send, Resume, EndGame).
//
// What survives a reload: localStorage keeps, per game, {playerId, seat, token, channelUrl, lastSeq, epoch}.
// A page keeps its game state in memory only, so a newly loaded page resumes from 0 and rebuilds everything
// from the log; lastSeq and epoch matter within one page's lifetime, across reconnects, where the page still
// holds what it rendered. They are stored anyway so that a page which keeps its own state could start there.

const storageKey = (gameId) => `platform.game.${gameId}`;

/** What this browser remembers of its seat in a game, or null. */
export function loadPlayer(gameId) {
  try {
    return JSON.parse(localStorage.getItem(storageKey(gameId))) ?? null;
  } catch {
    return null;
  }
}

/** Merges `fields` into what this browser remembers of a game. */
export function savePlayer(gameId, fields) {
  try {
    localStorage.setItem(storageKey(gameId), JSON.stringify({ ...loadPlayer(gameId), ...fields }));
  } catch {
    // Storage full or refused (private mode): the game still works, a reload just joins anew.
  }
}

export function forgetPlayer(gameId) {
  localStorage.removeItem(storageKey(gameId));
}

/** A refusal by the server, with its machine-readable code (rejected, game_ended, rate_limited, ...). */
export class ChannelError extends Error {
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = detail;
  }

  /** The server's "code: detail" inside a SignalR error (a HubException), or null for a transport failure. */
  static from(error) {
    const match = /HubException: ([a-z_]+): ([\s\S]*)$/.exec(error?.message ?? "");
    return match ? new ChannelError(match[1], match[2]) : null;
  }
}

const newClientMsgId = () =>
  globalThis.crypto?.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

export class GameChannel {
  #gameId;
  #url = null;
  #token = null;
  #renewToken = null;
  #renewed = false;
  #minDelayMs;
  #maxDelayMs;

  #conn = null; // the current connection; events from older ones are ignored
  #live = false;
  #closed = false;
  #attempt = 0;
  #serverDelayMs = null; // from the server's "reconnect" event
  #timer = null;

  #last = 0; // highest number delivered
  #epoch = null;
  #resuming = false;
  #held = []; // live messages that arrived while a Resume was under way

  #pending = new Map(); // clientMsgId -> a send not answered yet
  #handlers = { message: [], status: [], reset: [] };
  #firstLive = null;

  constructor(gameId, { minDelayMs = 500, maxDelayMs = 30_000 } = {}) {
    this.#gameId = gameId;
    this.#minDelayMs = minDelayMs;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Called with each message envelope, once, in number order. Returns a function that unsubscribes. */
  onMessage(callback) { return this.#on("message", callback); }

  /** Called with {state, delayMs?, error?}; state is connecting, resuming, live, reconnecting, failed or closed. */
  onStatus(callback) { return this.#on("status", callback); }

  /** Called when the server's log was reset (a new epoch): drop all game state; the log is delivered again from 1. */
  onReset(callback) { return this.#on("reset", callback); }

  get lastSeq() { return this.#last; }

  get isLive() { return this.#live; }

  /**
   * Connects and keeps connecting until close(). `renewToken`, if given, is called (once per outage) when the
   * server refuses the token, and returns a fresh one. Resolves when the channel is first live.
   */
  connect(channelUrl, token, { renewToken = null } = {}) {
    this.#url = channelUrl;
    this.#token = token;
    this.#renewToken = renewToken;
    if (!this.#firstLive) {
      const deferred = {};
      deferred.promise = new Promise((resolve, reject) => Object.assign(deferred, { resolve, reject }));
      this.#firstLive = deferred;
    }
    this.#open();
    return this.#firstLive.promise;
  }

  /**
   * Appends a message to the game's log; resolves with its number. If the connection drops before the answer,
   * it is sent again with the same clientMsgId once reconnected, and the server gives it its first number.
   * Rejects with a ChannelError when the server refuses it.
   */
  send(type, body, to = null) {
    return new Promise((resolve, reject) => {
      const entry = { id: newClientMsgId(), type, body: body ?? null, to, resolve, reject, inFlight: false };
      this.#pending.set(entry.id, entry);
      this.#trySend(entry);
    });
  }

  /** The host ends the game. Not retried: a second call would only say the game has ended. */
  async endGame() {
    if (!this.#live) {
      throw new ChannelError("unavailable", "not connected; try again when the channel is live");
    }
    try {
      return await this.#conn.invoke("EndGame");
    } catch (error) {
      throw ChannelError.from(error) ?? new ChannelError("unavailable", error.message);
    }
  }

  async close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    const conn = this.#conn;
    this.#conn = null;
    this.#live = false;
    this.#status("closed");
    await conn?.stop();
  }

  #on(kind, callback) {
    this.#handlers[kind].push(callback);
    return () => { this.#handlers[kind] = this.#handlers[kind].filter((c) => c !== callback); };
  }

  #emit(kind, value) {
    for (const callback of this.#handlers[kind]) {
      try {
        callback(value);
      } catch (error) {
        console.error(`GameChannel ${kind} handler failed`, error);
      }
    }
  }

  #status(state, extra = {}) { this.#emit("status", { state, ...extra }); }

  async #open() {
    if (this.#closed) return;
    const conn = new signalR.HubConnectionBuilder()
      .withUrl(this.#url, { accessTokenFactory: () => this.#token })
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    conn.on("message", (envelope) => this.#onLive(conn, envelope));
    // The server is going away: it closes the connection next, and we come back after its delay.
    conn.on("reconnect", (notice) => { if (conn === this.#conn) this.#serverDelayMs = notice?.afterMs ?? 0; });
    conn.onclose((error) => this.#lost(conn, error));
    this.#conn = conn;
    this.#live = false;
    this.#status("connecting");
    try {
      await conn.start();
      await this.#resume(conn);
    } catch (error) {
      if (conn === this.#conn) {
        this.#lost(conn, error);
        conn.stop().catch(() => {});
      }
      return;
    }
    if (conn !== this.#conn) return;
    this.#live = true;
    this.#attempt = 0;
    this.#renewed = false;
    this.#status("live");
    this.#firstLive.resolve();
    for (const entry of this.#pending.values()) this.#trySend(entry);
  }

  async #resume(conn) {
    this.#resuming = true;
    this.#held = [];
    this.#status("resuming");
    let after = this.#last;
    for (;;) {
      const page = await conn.invoke("Resume", after);
      if (conn !== this.#conn) throw new Error("superseded by a newer connection");
      if (this.#epoch !== null && page.epoch !== this.#epoch) {
        // The log was lost and started again: what we delivered no longer exists. Start over from 0.
        this.#epoch = page.epoch;
        this.#last = 0;
        after = 0;
        this.#emit("reset");
        continue;
      }
      this.#epoch = page.epoch;
      // Live messages only start after the last page, so each earlier page can be delivered as it comes.
      for (const envelope of page.messages) this.#deliver(envelope);
      if (!page.more) break;
      after = Math.max(after, this.#last);
    }
    const held = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    this.#resuming = false;
    for (const envelope of held) this.#deliver(envelope);
    this.#persist();
  }

  #onLive(conn, envelope) {
    if (conn !== this.#conn) return;
    if (this.#resuming) {
      this.#held.push(envelope);
      return;
    }
    this.#deliver(envelope);
    this.#persist();
  }

  #deliver(envelope) {
    // Numbers may skip (direct messages to other seats are not ours to see); never go back.
    if (!(envelope.seq > this.#last)) return;
    this.#last = envelope.seq;
    this.#emit("message", envelope);
  }

  #persist() { savePlayer(this.#gameId, { lastSeq: this.#last, epoch: this.#epoch }); }

  #trySend(entry) {
    const conn = this.#conn;
    if (!conn || !this.#live || entry.inFlight) return;
    entry.inFlight = true;
    const message = { clientMsgId: entry.id, type: entry.type, body: entry.body };
    if (entry.to !== null && entry.to !== undefined) message.to = entry.to;
    conn.invoke("Send", message).then(
      (seq) => {
        this.#pending.delete(entry.id);
        entry.resolve(seq);
      },
      (error) => {
        entry.inFlight = false;
        const refusal = ChannelError.from(error);
        if (refusal?.code === "unavailable") {
          // The log is out of reach for a moment; the server asks for the same clientMsgId again.
          setTimeout(() => this.#trySend(entry), this.#minDelayMs * 2);
        } else if (refusal) {
          this.#pending.delete(entry.id);
          entry.reject(refusal);
        }
        // Otherwise the connection dropped: #open sends it again, same id, once live.
      });
  }

  async #lost(conn, error) {
    if (conn !== this.#conn || this.#closed) return;
    this.#conn = null;
    this.#live = false;
    this.#resuming = false;
    this.#held = [];
    const refusal = ChannelError.from(error);
    const unauthorized = refusal?.code === "unauthorized" || /Status code '401'/.test(error?.message ?? "");
    if (unauthorized) {
      if (!this.#renewToken || this.#renewed) {
        this.#status("failed", { error: refusal ?? new ChannelError("unauthorized", "the server refused the join token") });
        this.#firstLive.reject(refusal ?? new ChannelError("unauthorized", "the server refused the join token"));
        return;
      }
      this.#renewed = true;
      try {
        this.#token = await this.#renewToken();
      } catch (renewError) {
        this.#status("failed", { error: renewError });
        this.#firstLive.reject(renewError);
        return;
      }
    }
    let delayMs;
    if (this.#serverDelayMs !== null) {
      delayMs = this.#serverDelayMs;
      this.#serverDelayMs = null;
    } else if (unauthorized) {
      delayMs = 0;
    } else {
      // Exponential backoff with jitter, so that many clients do not all come back at the same moment.
      const ceiling = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** this.#attempt++);
      delayMs = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    }
    this.#status("reconnecting", { delayMs, error: refusal ?? error });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delayMs);
  }
}
