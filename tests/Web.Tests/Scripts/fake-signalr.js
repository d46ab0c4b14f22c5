// A stand-in for the SignalR browser client, installed as the global `signalR` before channel.js runs, so a
// test can play the server: answer or fail each invocation, push events, and drop the connection at will.
(() => {
  const connections = [];

  class FakeConnection {
    constructor(url, options) {
      this.url = url;
      this.options = options;
      this.handlers = {};
      this.closeHandlers = [];
      this.invocations = [];
      this.connected = false;
      connections.push(this);
    }

    on(name, handler) { this.handlers[name] = handler; }

    onclose(handler) { this.closeHandlers.push(handler); }

    async start() {
      this.token = await this.options.accessTokenFactory();
      const error = fakeHub.startErrors.shift();
      if (error) throw error;
      this.connected = true;
    }

    async stop() { if (this.connected) this.drop(); }

    invoke(method, ...args) {
      if (!this.connected) return Promise.reject(new Error("Cannot send data if the connection is not in the 'Connected' State."));
      return new Promise((resolve, reject) => {
        const invocation = { method, args, answered: false };
        invocation.resolve = (value) => { invocation.answered = true; resolve(value); };
        invocation.reject = (error) => { invocation.answered = true; reject(error); };
        this.invocations.push(invocation);
      });
    }

    // What the "server" does.
    emit(name, argument) { this.handlers[name]?.(argument); }

    drop(error) {
      this.connected = false;
      for (const invocation of this.invocations) {
        if (!invocation.answered) invocation.reject(new Error("Invocation canceled due to the underlying connection being closed."));
      }
      for (const handler of this.closeHandlers) handler(error);
    }
  }

  const until = async (condition, what) => {
    for (let i = 0; i < 500; i++) {
      const value = condition();
      if (value) return value;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  window.fakeHub = {
    connections,
    /** Errors the next start() calls throw, one each. */
    startErrors: [],
    until,
    connection: (index) => until(() => connections[index], `connection ${index}`),
    /** The oldest unanswered invocation of `method` on `connection`. */
    invocation: (connection, method) =>
      until(() => connection.invocations.find((i) => i.method === method && !i.answered), `an invocation of ${method}`),
    envelope: (seq, extra = {}) => ({ seq, from: 1, type: "chat", body: { text: `m${seq}` }, ts: 0, ...extra }),
    hubError: (method, codeAndDetail) =>
      new Error(`An unexpected error occurred invoking '${method}' on the server. HubException: ${codeAndDetail}`),
  };

  window.signalR = {
    LogLevel: { Warning: 3 },
    HubConnectionBuilder: class {
      withUrl(url, options) { this.url = url; this.options = options; return this; }
      configureLogging() { return this; }
      build() { return new FakeConnection(this.url, this.options); }
    },
  };
})();
