// The site's JSON API, and showing its errors (problem+json with a code) to the player.

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(`${code}: ${detail}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "unreachable", `the site did not answer (${error.message})`);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.code ?? `http_${response.status}`, data?.detail ?? data?.title ?? response.statusText);
  }
  return data;
}

// What a player is told for each code: a sentence, never the code itself.
const sentences = {
  game_ended: "This game has ended. Start a new one from the home page.",
  game_full: "Every seat in this game is taken.",
  not_found: "There is no game with that code. Check it with the friend who shared it.",
  unknown_player: "Your seat is not in this game any more. Join again with a name.",
  player_left: "You were away too long and your seat was given up. Join again with a name.",
  unauthorized: "Your link to this game has run out. Reload the page to join again.",
  forbidden: "That is not allowed in this game.",
  rate_limited: "That was a lot of messages at once. Wait a moment, then try again.",
  too_large: "That message is too long to send.",
  unavailable: "The game server is busy right now. Try again in a moment.",
  unreachable: "The site did not answer. Check your connection and try again.",
  internal: "Something went wrong on our side. Please try again.",
};

// Codes whose detail is already a sentence for the player: the rules' refusal, a field to fix.
const inOwnWords = new Set(["rejected", "bad_request", "unknown_title"]);

/** The sentence to show a player for an error from the API or the channel. */
export function sentenceFor(error) {
  if (!error.code) return String(error.message ?? error);
  if (inOwnWords.has(error.code) && error.detail) {
    const detail = String(error.detail);
    const sentence = detail.charAt(0).toUpperCase() + detail.slice(1);
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  }
  return sentences[error.code] ?? "Something went wrong. Please try again.";
}

/** Shows an error to the player in `box`, as a sentence, or hides the box when `error` is null. */
export function showError(box, error) {
  box.hidden = !error;
  box.textContent = error ? sentenceFor(error) : "";
}
