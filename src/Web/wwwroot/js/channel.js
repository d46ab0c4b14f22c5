// The browser side of a game channel: connects to the channel server's plain WebSocket transport (/ws), resumes
// the game's numbered log, keeps the connection up, and delivers every message once, in number order.
// docs/protocol.md, section 11, specifies the records; section 7 the algorithm followed here. Every connection
// asks for its first pages in its URL (?after=, the last number delivered), so the server sends them at once
// without a resume request: one round trip less on each reconnect.
// Over 300 lines for a reason: it is one class whose private fields (the connection, what was delivered, the
// pending sends) every part reads and writes; split into modules, they would have to be shared in the open.
//
// What survives a reload: localStorage keeps, per game, the seat the pages saved ({playerId, seat, token, wsUrl}).
// A page keeps its game state in memory only, so a newly loaded page resumes from 0 and rebuilds everything
// from the log; lastSeq and epoch matter within one page's lifetime, across reconnects, where the page still
// holds what it rendered, and live only here.

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

  /** The server's "code: detail" (an error record, or a close reason), or null for anything else. */
  static parse(text) {
    const match = /^([a-z_]+): ([\s\S]*)$/.exec(text ?? "");
    return match ? new ChannelError(match[1], match[2]) : null;
  }
}

const newClientMsgId = () =>
  globalThis.crypto?.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

const messageTooBig = 1009; // the close status for a frame over the server's limit

export class GameChannel {
  #gameId;
  #url = null;
  #token = null;
  #renewToken = null;
  #renewed = false;
  #minDelayMs;
  #maxDelayMs;

  #conn = null; // {socket, url, after, opened, requests, pages, closed, refusal?}: the current connection; older ones are ignored
  #nextId = 0;
  #live = false;
  #closed = false;
  #attempt = 0;
  #serverDelayMs = null; // from the server's reconnect request
  #timer = null;

  #last = 0; // highest number delivered
  #epoch = null;
  #resuming = false;
  #held = []; // live messages that arrived while a resume was under way

  #pending = new Map(); // clientMsgId -> a send whose message has not come back yet
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

  get epoch() { return this.#epoch; }

  get isLive() { return this.#live; }

  /**
   * Connects to `wsUrl` (the wsUrl Web gives, ws://host/ws?game=ID) and keeps connecting until close().
   * `renewToken`, if given, is called (once per outage) when the server refuses the token, and returns a
   * fresh one. Resolves when the channel is first live.
   */
  connect(wsUrl, token, { renewToken = null } = {}) {
    this.#url = wsUrl;
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
   * Appends a message to the game's log; resolves with its number when the message comes back. If the
   * connection drops first, it is sent again with the same clientMsgId once reconnected (unless the log
   * shows it arrived), and the server appends it once. Rejects with a ChannelError when the server refuses it.
   */
  send(type, body, to = null) {
    return new Promise((resolve, reject) => {
      const entry = { id: newClientMsgId(), type, body: body ?? null, to, resolve, reject, sentOn: null, size: 0 };
      this.#pending.set(entry.id, entry);
      this.#trySend(entry);
    });
  }

  /** The host ends the game. Not retried: a second call would only say the game has ended. */
  async endGame() {
    if (!this.#live) {
      throw new ChannelError("unavailable", "not connected; try again when the channel is live");
    }
    return this.#request(this.#conn, { op: "end" });
  }

  async close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    const conn = this.#conn;
    this.#conn = null;
    this.#live = false;
    this.#status("closed");
    if (conn) {
      this.#failRequests(conn);
      conn.socket.close(1000);
      await conn.closed;
    }
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

  #socketUrl(after) {
    const url = new URL(this.#url);
    url.searchParams.set("access_token", this.#token);
    url.searchParams.set("after", String(after));
    return url;
  }

  #open() {
    if (this.#closed) return;
    const after = this.#last;
    const url = this.#socketUrl(after);
    const socket = new WebSocket(url);
    // pages: what the server sent unasked for ?after=, waiting for #resume; waiter: #resume waiting for one.
    const conn = { socket, url, after, opened: false, requests: new Map(), pages: [], waiter: null, pushed: true };
    conn.closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    socket.addEventListener("open", () => {
      conn.opened = true;
      this.#start(conn);
    });
    socket.addEventListener("message", (event) => {
      if (conn !== this.#conn) return;
      for (const line of String(event.data).split("\n")) {
        if (line.trim()) this.#onRecord(conn, JSON.parse(line));
      }
    });
    socket.addEventListener("close", (event) => this.#lost(conn, event));
    this.#conn = conn;
    this.#live = false;
    this.#status("connecting");
  }

  async #start(conn) {
    try {
      await this.#resume(conn);
    } catch (error) {
      // The connection dropped (its close event reconnects), or the server could not read the log: start over.
      if (conn === this.#conn) {
        conn.refusal = error;
        conn.socket.close(1000);
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
    let after = conn.after;
    for (;;) {
      // The server's own pages (for the URL's ?after=) until one says there is no more; requested ones after a reset.
      const page = conn.pushed ? await this.#pushedPage(conn) : await this.#request(conn, { op: "resume", afterSeq: after });
      if (conn !== this.#conn) throw new Error("superseded by a newer connection");
      if (this.#epoch !== null && page.epoch !== this.#epoch) {
        // The log was lost and started again: what we delivered no longer exists. Start over from 0, asking for
        // each page: the server's own pages go on from the old number, and are passed over.
        this.#epoch = page.epoch;
        this.#last = 0;
        after = 0;
        conn.pushed = false;
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
  }

  /** The next page the server sent for the URL's ?after=, as it comes. */
  #pushedPage(conn) {
    if (conn.pages.length > 0) return Promise.resolve(conn.pages.shift());
    return new Promise((resolve, reject) => { conn.waiter = { resolve, reject }; });
  }

  /** Sends a request with an id; resolves with the answer's result (or seq), rejects with the server's refusal. */
  #request(conn, record) {
    const id = String(++this.#nextId);
    return new Promise((resolve, reject) => {
      conn.requests.set(id, { resolve, reject });
      conn.socket.send(JSON.stringify({ ...record, id }));
    });
  }

  /** What the server tells us: an answer (has id), a page, a reconnect request, a refused send, or a message of the game. */
  #onRecord(conn, record) {
    if (record.page !== undefined) {
      if (!conn.pushed) return; // after a reset, the log is asked for from 0 instead
      const waiter = conn.waiter;
      conn.waiter = null;
      if (waiter) waiter.resolve(record.page);
      else conn.pages.push(record.page);
    } else if (record.id !== undefined) {
      const request = conn.requests.get(record.id);
      conn.requests.delete(record.id);
      if (record.error !== undefined) {
        request?.reject(ChannelError.parse(record.error) ?? new ChannelError("unavailable", record.error));
      } else {
        request?.resolve(record.result ?? record.seq);
      }
    } else if (record.reconnect) {
      // The server is going away: it closes the connection next, and we come back after its delay.
      this.#serverDelayMs = record.reconnect.afterMs ?? 0;
    } else if (record.error !== undefined) {
      this.#refused(record.clientMsgId, ChannelError.parse(record.error) ?? new ChannelError("bad_request", record.error));
    } else if (this.#resuming) {
      this.#held.push(record);
    } else {
      this.#deliver(record);
    }
  }

  #deliver(envelope) {
    // Numbers may skip (direct messages to other seats are not ours to see); never go back.
    if (!(envelope.seq > this.#last)) return;
    this.#last = envelope.seq;
    this.#emit("message", envelope);
    // Our own message, back from the log (live or in a page): that is the acknowledgement.
    const entry = envelope.clientMsgId !== undefined && this.#pending.get(envelope.clientMsgId);
    if (entry) {
      this.#pending.delete(entry.id);
      entry.resolve(envelope.seq);
    }
  }

  #trySend(entry) {
    const conn = this.#conn;
    // Only on a live connection: the message comes back as a live message, and that answers the send.
    if (!conn || !this.#live || entry.sentOn === conn) return;
    entry.sentOn = conn;
    const record = { op: "send", clientMsgId: entry.id, type: entry.type, body: entry.body };
    if (entry.to !== null && entry.to !== undefined) record.to = entry.to;
    const text = JSON.stringify(record);
    entry.size = text.length;
    conn.socket.send(text);
  }

  #refused(clientMsgId, refusal) {
    const entry = this.#pending.get(clientMsgId);
    if (!entry) {
      console.error("GameChannel: the server refused a record", refusal);
    } else if (refusal.code === "unavailable") {
      // The log is out of reach for a moment. Start again as after a lost connection: the delay grows while it
      // lasts, and after the resume the pending sends go out again in the order they were made, same ids.
      const conn = this.#conn;
      if (conn && entry.sentOn === conn) {
        conn.refusal = refusal;
        conn.socket.close();
      }
    } else {
      this.#pending.delete(clientMsgId);
      entry.reject(refusal);
    }
  }

  #failRequests(conn) {
    const closed = () => new ChannelError("unavailable", "the connection closed before the server answered");
    for (const request of conn.requests.values()) request.reject(closed());
    conn.requests.clear();
    conn.waiter?.reject(closed());
    conn.waiter = null;
  }

  async #lost(conn, event) {
    this.#failRequests(conn);
    if (conn !== this.#conn || this.#closed) return;
    this.#conn = null;
    this.#live = false;
    this.#resuming = false;
    this.#held = [];
    // The server closes with "code: detail" when it refuses the connection (forbidden, unavailable) or a frame.
    let refusal = ChannelError.parse(event.reason) ?? conn.refusal ?? null;
    if (event.code === messageTooBig) this.#dropOversizedSend(conn, refusal);
    if (!conn.opened) refusal = await this.#whyRefused(conn);
    if (this.#closed) return;
    let delayMs = null;
    if (refusal?.code === "player_left") {
      // The seat was given up and may be someone else's: coming back is joining again, not reconnecting.
      this.#status("failed", { error: refusal });
      this.#firstLive.reject(refusal);
      return;
    }
    if (refusal?.code === "unauthorized") {
      if (!this.#renewToken || this.#renewed) {
        this.#status("failed", { error: refusal });
        this.#firstLive.reject(refusal);
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
      // The token was the only trouble: come back at once with the fresh one.
      refusal = null;
      delayMs = 0;
    }
    if (this.#serverDelayMs !== null) {
      delayMs = this.#serverDelayMs;
      this.#serverDelayMs = null;
    } else if (delayMs === null) {
      // Exponential backoff with jitter, so that many clients do not all come back at the same moment.
      const ceiling = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** this.#attempt++);
      delayMs = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    }
    this.#status("reconnecting", { delayMs, error: refusal ?? new Error(`the connection closed (${event.code})`) });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#open(), delayMs);
  }

  /**
   * A browser is not shown why a WebSocket upgrade failed. The same URL as a plain GET says: 401 with the
   * reason when the token is refused, 400 when it is fine. Asked only after a failure, so it costs nothing
   * while things work.
   */
  async #whyRefused(conn) {
    const url = new URL(conn.url);
    url.protocol = url.protocol === "wss:" ? "https:" : "http:";
    try {
      const response = await fetch(url);
      if (response.status !== 401) return null;
      const problem = await response.json().catch(() => null);
      return new ChannelError("unauthorized", problem?.detail ?? "the server refused the join token");
    } catch {
      return null; // unreachable: an outage, retried like any other
    }
  }

  /**
   * A frame over the server's limit closes the connection. Sending the same message again would close the
   * next one too, so the largest send in flight on that connection (the one that was too big) is refused.
   */
  #dropOversizedSend(conn, refusal) {
    let largest = null;
    for (const entry of this.#pending.values()) {
      if (entry.sentOn === conn && entry.size > (largest?.size ?? 0)) largest = entry;
    }
    if (largest) this.#refused(largest.id, refusal ?? new ChannelError("too_large", "the message is too large"));
  }
}
