// The launcher: create a game of a title and go to its page, or go to a friend's game by its code.
import { savePlayer } from "./channel.js";
import { api, showError } from "./api.js";
import { nameProblem } from "./names.js";

const form = document.getElementById("create-form");
const titleSelect = document.getElementById("title");
const nameInput = document.getElementById("name");
const createButton = document.getElementById("create");
const errorBox = document.getElementById("error");

nameInput.value = localStorage.getItem("platform.name") ?? "";

try {
  const titles = await api("GET", "/api/titles");
  titleSelect.replaceChildren(...titles.map((t) => new Option(`${t.name} (${playersText(t)})`, t.id)));
  titleSelect.disabled = false;
  createButton.disabled = false;
} catch (error) {
  titleSelect.replaceChildren(new Option("The games could not be loaded", ""));
  showError(errorBox, error);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const problem = nameProblem(nameInput.value);
  showError(errorBox, problem && new Error(problem));
  if (problem) return nameInput.focus();
  createButton.disabled = true;
  try {
    const name = nameInput.value.trim();
    const game = await api("POST", "/api/games", { title: titleSelect.value, name });
    localStorage.setItem("platform.name", name);
    savePlayer(game.gameId, { playerId: game.playerId, seat: game.seat, token: game.token, wsUrl: game.wsUrl });
    location.assign(new URL(game.shareUrl, location.href).pathname);
  } catch (error) {
    showError(errorBox, error);
    createButton.disabled = false;
  }
});

document.getElementById("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = document.getElementById("code").value.trim().toUpperCase();
  location.assign(`/play/${encodeURIComponent(code)}`);
});

function playersText(title) {
  return title.minPlayers === title.maxPlayers ? `${title.maxPlayers} players` : `${title.minPlayers}–${title.maxPlayers} players`;
}
