// Installed before the page's own scripts: every WebSocket the page opens goes through this tap, still to the
// real channel server, so that a test can read the records channel.js sends and receives, hold some back or
// add one on their way to it, and cut the connection as a network failure would: the faults a real server
// cannot be made to show on cue.
(() => {
  const Native = window.WebSocket;

  class TappedSocket extends EventTarget {
    #real;
    #held = [];
    #cut = false;

    constructor(url) {
      super();
      this.url = String(url);
      this.createdAt = performance.now();
      this.closedAt = null;
      this.sent = []; // the records channel.js sent, parsed
      this.received = []; // the records the server sent, parsed, held ones included
      this.hold = tap.hold; // which of the server's records wait for release()
      this.dropSends = false; // lose channel.js's records instead of sending them
      tap.sockets.push(this);
      this.#real = new Native(url);
      this.#real.addEventListener("open", () => this.#pass(new Event("open")));
      this.#real.addEventListener("message", (event) => {
        for (const line of String(event.data).split("\n")) {
          const record = JSON.parse(line);
          this.received.push(record);
          if (this.hold(record)) this.#held.push(line);
          else this.#pass(new MessageEvent("message", { data: line }));
        }
      });
      this.#real.addEventListener("close", (event) =>
        this.#pass(new CloseEvent("close", { code: event.code, reason: event.reason, wasClean: event.wasClean })));
    }

    send(text) {
      for (const line of text.split("\n")) this.sent.push(JSON.parse(line));
      if (!this.dropSends) this.#real.send(text);
    }

    close(code, reason) { this.#real.close(code, reason); }

    /** Hands channel.js the records held back, in the order they came. */
    release() {
      this.hold = () => false;
      for (const line of this.#held.splice(0)) this.#pass(new MessageEvent("message", { data: line }));
    }

    /** Hands channel.js a record as if the server had sent it. */
    inject(record) { this.#pass(new MessageEvent("message", { data: JSON.stringify(record) })); }

    /** The network fails: channel.js sees the connection close at once (1006); the server sees it closed. */
    cut() {
      this.#pass(new CloseEvent("close", { code: 1006, reason: "", wasClean: false }));
      this.#cut = true;
      this.#real.close();
    }

    #pass(event) {
      if (this.#cut) return;
      if (event.type === "close") this.closedAt = performance.now();
      this.dispatchEvent(event);
    }
  }

  window.tap = {
    sockets: [],
    /** The hold rule each new socket starts with. */
    hold: () => false,
    last: () => tap.sockets.at(-1),
    /** Polls `condition` until it gives something truthy, which it returns. */
    until: async (condition, what, timeoutMs = 10_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const value = condition();
        if (value) return value;
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  window.WebSocket = TappedSocket;
})();
