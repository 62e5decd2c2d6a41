// What every field that takes a secret value (Secret, Candidate value) tells the browser: no autofill,
// autocorrection, capitalization or spell check, and password managers keep out of it (1Password, LastPass).
export const SECRET_INPUT_PROPS = {
  autoComplete: "off",
  autoCorrect: "off",
  autoCapitalize: "off",
  spellCheck: false,
  "data-1p-ignore": true,
  "data-lpignore": "true",
} as const;
