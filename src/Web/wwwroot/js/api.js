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

/** Shows "code: detail" of an error in `box`, or hides the box when `error` is null. */
export function showError(box, error) {
  box.hidden = !error;
  box.textContent = error ? (error.code ? `${error.code}: ${error.detail}` : String(error.message ?? error)) : "";
}
