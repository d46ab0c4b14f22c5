// A display name as the API counts it (docs/protocol.md section 2): trimmed, 1 to 40 characters as people count
// them (grapheme clusters, like .NET's text elements, so an emoji is one), no control characters. An input's
// maxlength counts UTF-16 units and would cut 40 emoji to 20, so the pages check with this instead.

export const mostNameCharacters = 40;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The sentence that says what is wrong with `name`, or null if the API will take it. */
export function nameProblem(name) {
  const trimmed = name.trim();
  if (/\p{Cc}/u.test(trimmed)) return "A name cannot contain control characters (such as line breaks or tabs).";
  const length = [...graphemes.segment(trimmed)].length;
  return length >= 1 && length <= mostNameCharacters ? null : `A name must be 1 to ${mostNameCharacters} characters long.`;
}
