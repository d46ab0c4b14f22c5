// Tic-tac-toe as the page sees it, rebuilt from the game's log. The server is the referee: it appends only
// legal moves and announces the result, so the page just replays what it is given. Cells are 0-8 on the wire
// and 1-9 in everything a person reads (labels, log lines, the referee's refusals).

export const marks = { 1: "X", 2: "O" };

export class TicTacToe {
  constructor() { this.reset(); }

  reset() {
    this.cells = Array(9).fill(0);
    this.next = 1;
    this.result = null;
  }

  /** Applies a "move" or "game.result" envelope; false for any other. */
  apply(envelope) {
    if (envelope.type === "move" && typeof envelope.from === "number") {
      this.cells[envelope.body.cell] = envelope.from;
      this.next = envelope.from === 1 ? 2 : 1;
      return true;
    }
    if (envelope.type === "game.result") {
      this.result = envelope.body;
      return true;
    }
    return false;
  }

  /** Draws the board into `board` (nine buttons made once) and the turn and result lines. */
  render({ board, turn, result }, { mySeat, nameOf, ended, waiting, onMove }) {
    if (board.children.length === 0) {
      for (let cell = 0; cell < 9; cell++) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "cell";
        button.id = `cell-${cell}`;
        button.dataset.cell = String(cell);
        button.addEventListener("click", () => onMove(cell));
        board.append(button);
      }
    }
    const over = this.result !== null || ended;
    const line = new Set(this.result?.line ?? []);
    for (const button of board.children) {
      const cell = Number(button.dataset.cell);
      const mark = marks[this.cells[cell]] ?? "";
      button.textContent = mark;
      button.setAttribute("aria-label", `Cell ${cell + 1}: ${mark || "empty"}`);
      // Out-of-turn clicks stay possible on purpose: the referee answers them, and the page shows why.
      button.disabled = over || mark !== "";
      button.classList.toggle("win", line.has(cell));
    }
    const who = (seat) => (seat === mySeat ? "You" : nameOf(seat)) + ` (${marks[seat]})`;
    if (this.result?.draw) {
      result.textContent = "It's a draw.";
    } else if (this.result) {
      result.textContent = `${who(this.result.winner)} ${this.result.winner === mySeat ? "win" : "wins"}!`;
    } else {
      result.textContent = ended ? "The game ended before anyone won." : "";
    }
    turn.textContent = over ? "" : waiting ? "Waiting for a second player." : this.next === mySeat ? `Your turn (${marks[mySeat]})` : `${nameOf(this.next)}'s turn (${marks[this.next]})`;
  }
}
