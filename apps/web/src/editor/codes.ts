const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A short random task code (`t` + 8 base-36 chars), stable once created. */
export function newTaskCode(taken: ReadonlySet<string> = new Set()): string {
  for (;;) {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    let code = "t";
    for (const b of bytes) code += ALPHABET[b % ALPHABET.length];
    if (!taken.has(code)) return code;
  }
}

/** `<type>-<n>` with the smallest n not used by another task name. */
export function defaultTaskName(type: string, names: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const name = `${type}-${n}`;
    if (!names.has(name)) return name;
  }
}
